import type * as tf from '@tensorflow/tfjs-core';
import { DataLoader, type TableLike } from '@tfai/core';
import { ready } from '@tfai/core/backend';
import { MissingColumnError, TabularOptionsError } from '../errors.js';
import { FillMissing } from '../procs/fill-missing.js';
import { resolveProcs } from '../procs/from-json.js';
import type { DataFrame, RawValue } from './dataframe.js';
import { readDataFrame, type ReadDataFrameOptions } from './read-data-frame.js';
import { TableDataLoaders } from './table-dataloaders.js';
import type { EncodedTable, Tabular } from './tabular.js';
import { TabularDataset } from './tabular-dataset.js';
import {
  DEFAULT_PROCS,
  TabularPandas,
  type TabularLoadersOptions,
  type TabularPandasOptions,
} from './tabular-pandas.js';

/**
 * Options of {@link TabularDataLoaders.fromCsv} and {@link TabularDataLoaders.fromDf}: {@link TabularPandas}'s
 * (column roles, procs, target block, split) and its `dataloaders`' (`bs`, `valBs`, `shuffle`, `seed`, `prefetch`;
 * `seed` seeds the random split and the shuffling).
 */
export interface TabularDataLoadersOptions extends TabularPandasOptions, TabularLoadersOptions {
  /** Cells read as missing (default: pandas' `na_values`, including the empty cell and `NA`). */
  naValues?: readonly string[];
}

/**
 * Training and validation loaders of a table, with the fitted preprocessing (`tabular`: procs, vocabs,
 * normalisation statistics) that an exported model keeps. Batches are
 * `{x: [xCat int32 [bs, nCat], xCont float32 [bs, nCont]], y}`.
 *
 * @example
 * ```ts
 * const dls = await TabularDataLoaders.fromCsv('titanic.csv', {
 *   yNames: ['survived'], catNames: ['pclass', 'sex'], contNames: ['age', 'sibsp', 'parch'],
 *   procs: [Categorify, FillMissing, Normalize], validPct: 0.2, seed: 42, bs: 64,
 * });
 * dls.catNames; // ['pclass', 'sex', 'age_na']
 * getEmbSz(dls); // [[4, 3], [3, 3], [3, 3]]
 * ```
 */
export class TabularDataLoaders extends TableDataLoaders {
  /** The continuous columns (with FillMissing, after it filled them). */
  get contNames(): readonly string[] {
    return this.tabular.contNames;
  }
  /** The target columns. */
  get yNames(): readonly string[] {
    return this.tabular.yNames;
  }

  /** Reads `path` (streamed, typed columns) and builds the loaders; see {@link fromDf}. */
  static async fromCsv(path: string, opts: TabularDataLoadersOptions = {}): Promise<TabularDataLoaders> {
    await ready(); // the best backend before any tensor (not tfjs's pure-JS default)
    return TabularDataLoaders.fromDf(await readDataFrame(path, csvOptions(opts)), opts);
  }

  /**
   * fastai's `from_df`, a composition of {@link TabularPandas}: `new TabularPandas(table, opts).dataloaders(opts)`.
   * Splits the rows, fits the procs and targets on the training rows, encodes every row. Continuous columns
   * default to every column that is not categorical, a target or `validCol`. Takes any core `Table` (a
   * `DataFrame` as is; core's `readCsv` result or records typed by `DataFrame.from`).
   * @example
   * ```ts
   * const dls = TabularDataLoaders.fromDf(await readCsv('adult.csv'), { yNames: ['salary'], catNames: ['sex'] });
   * ```
   */
  static fromDf(table: TableLike, opts: TabularDataLoadersOptions = {}): TabularDataLoaders {
    return new TabularPandas(table, opts).dataloaders(opts);
  }

  /**
   * Loaders with no rows around a fitted preprocessing (what `loadLearner` rebuilds from an export's JSON):
   * enough for `predict`, `testDl` and `encodeItems`.
   * @example
   * ```ts
   * const dls = TabularDataLoaders.forInference(Tabular.fromJSON(json));
   * const [xCat, xCont] = await dls.encodeItems([{ age: 30, sex: 'male' }]);
   * ```
   */
  static forInference(tabular: Tabular, opts: { bs?: number } = {}): TabularDataLoaders {
    const data = emptyTable(tabular);
    const ds = new TabularDataset(data, new Int32Array(0));
    const dl = new DataLoader(ds, { bs: opts.bs ?? 64, collate: (items) => ds.collate(items) });
    return new TabularDataLoaders(dl, dl, tabular, data, [new Int32Array(0), new Int32Array(0)]);
  }

  /**
   * Encodes raw rows (plain objects of raw values, every categorical and continuous column present; `null` or
   * a missing-value string for missing) into the model's inputs `[xCat int32 [n, nCat], xCont float32 [n, nCont]]`,
   * with the procs fit on the training rows: core's `Learner.predict` calls it.
   */
  override async encodeItems(items: unknown[]): Promise<tf.Tensor[]> {
    return encodeRows(this.tabular, items, true);
  }

  /** A loader (no shuffling) over new rows encoded with this preprocessing (targets included when present). */
  testDl(rows: DataFrame | readonly Record<string, RawValue>[], opts: { bs?: number } = {}): DataLoader<number> {
    const data = Array.isArray(rows) ? this.tabular.processRows(rows) : this.tabular.encode(rows as DataFrame);
    const ds = new TabularDataset(
      data,
      Int32Array.from({ length: data.nRows }, (_, i) => i),
    );
    return new DataLoader(ds, { bs: opts.bs ?? this.valid.bs, collate: (items) => ds.collate(items) });
  }
}

/** The readDataFrame options implied by the loader options: named columns must exist, continuous ones must be numbers. */
export function csvOptions(opts: TabularDataLoadersOptions): ReadDataFrameOptions {
  const overlap = (opts.catNames ?? []).find((n) => (opts.contNames ?? []).includes(n));
  if (overlap !== undefined) throw new TabularOptionsError(`column "${overlap}" is both categorical and continuous`);
  const required = [...(opts.yNames ?? []), ...(opts.validCol !== undefined ? [opts.validCol] : [])];
  // FillMissing's `<cont>_na` flags may be listed in catNames (as fastai's cat_names prints them): Tabular.fit checks
  // that FillMissing makes them, so the file need not have them.
  const procs = resolveProcs(opts.procs ?? DEFAULT_PROCS);
  const flags = procs.some((p) => p instanceof FillMissing && p.addCol);
  const isFlag = (n: string) =>
    flags && n.endsWith('_na') && (opts.contNames === undefined || opts.contNames.includes(n.slice(0, -3)));
  return {
    numeric: opts.contNames,
    categorical: opts.catNames?.filter((n) => !isFlag(n)),
    required,
    // A splitter may read any column: then every column is read.
    only: opts.contNames && !opts.splitter ? [...(opts.catNames ?? []), ...opts.contNames, ...required] : undefined,
    naValues: opts.naValues,
  };
}

/** An encoded table with no rows, shaped as `tabular` encodes. */
export function emptyTable(tabular: Tabular): EncodedTable {
  return {
    nRows: 0,
    cats: tabular.catNames.map(() => new Int32Array(0)),
    conts: tabular.contNames.map(() => new Float32Array(0)),
    y: undefined,
  };
}

/**
 * Raw rows → model inputs through `tabular` (`[xCat, xCont]`, or `[xCat]` when `withCont` is false). Each row must
 * be an object with every raw categorical and continuous column as a key: a missing key throws
 * {@link MissingColumnError} naming the row, a non-numeric continuous value {@link NonNumericValueError} naming
 * the column and row.
 */
export function encodeRows(tabular: Tabular, items: readonly unknown[], withCont: boolean): tf.Tensor[] {
  const names = [...tabular.rawCatNames, ...tabular.rawContNames];
  const rows = items.map((r, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r))
      throw new TabularOptionsError(
        `row ${i + 1}: expected an object of column values ({${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}}), got ${Array.isArray(r) ? 'an array' : r === null ? 'null' : typeof r}`,
      );
    const missing = names.find((n) => !(n in r));
    if (missing !== undefined) throw new MissingColumnError(`row ${i + 1}`, missing, Object.keys(r));
    return r as Record<string, RawValue>;
  });
  const data = tabular.processRows(rows);
  const ds = new TabularDataset(
    data,
    Int32Array.from({ length: data.nRows }, (_, i) => i),
    withCont,
  );
  const b = ds.collate(Array.from({ length: data.nRows }, (_, i) => i));
  b.y.dispose();
  return b.x;
}
