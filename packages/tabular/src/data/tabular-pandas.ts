// fastai's `TabularPandas` (fastai/tabular/core.py): a table with its column roles, procs fit on the training rows,
// the target encoding and the split; `.dataloaders()` batches it through core's DataLoader. TabularDataLoaders'
// and CollabDataLoaders' factories are compositions of it, as fastai's `from_df`.
import { DataLoader, type TableLike } from '@tfai/core';
import { CategoryBlock, MultiCategoryBlock, RegressionBlock, type TransformBlock } from '@tfai/core/data';
import { TabularOptionsError } from '../errors.js';
import { Categorify } from '../procs/categorify.js';
import { FillMissing } from '../procs/fill-missing.js';
import { Normalize } from '../procs/normalize.js';
import type { ProcLike } from '../procs/from-json.js';
import type { TabularProc } from '../procs/proc.js';
import { DataFrame } from './dataframe.js';
import { splitRows, type SplitOptions, type Splits } from './splits.js';
import { TabularDataLoaders } from './tabular-dataloaders.js';
import { TabularDataset } from './tabular-dataset.js';
import { Tabular, type EncodedTable, type TabularOptions } from './tabular.js';
import type { Targets, YBlock } from './targets.js';

/** Default procs when none are given: fastai's usual `[Categorify, FillMissing, Normalize]`. */
export const DEFAULT_PROCS: readonly ProcLike[] = [Categorify, FillMissing, Normalize];

/**
 * A target block as fastai's `y_block`: core's `CategoryBlock`, `RegressionBlock` or `MultiCategoryBlock` (an
 * instance or the class), or tabular's name of the encoding (`'category'`, `'regression'`, `'multiCategory'`).
 */
export type TabularYBlock = YBlock | TransformBlock | (new () => TransformBlock);

/** Options of {@link TabularPandas}: column roles, procs, target block and the split. */
export interface TabularPandasOptions extends Omit<TabularOptions, 'yBlock'>, SplitOptions {
  /** The target block (fastai's `y_block`); default: regression if every target column is numeric, else category. */
  yBlock?: TabularYBlock;
}

/** Options of {@link TabularPandas.dataloaders}. */
export interface TabularLoadersOptions {
  /** Batch size (default 64). */
  bs?: number;
  /** Validation batch size (default `bs`). */
  valBs?: number;
  /** Shuffle the training loader (default true; it then drops its last incomplete batch, as fastai). */
  shuffle?: boolean;
  /** Seed of the training loader's shuffling (default: core's global RNG, so `manualSeed` reproduces it). */
  seed?: number;
  /** Batches prepared ahead (default 2). */
  prefetch?: number;
}

/** The encoding and given vocab a target block names (a block class is instantiated, as fastai does). */
function resolveYBlock(
  block: TabularYBlock | undefined,
  yNames: readonly string[],
): { yBlock?: YBlock; yVocab?: readonly string[] } {
  if (block === undefined || typeof block === 'string') {
    if (block !== undefined && !['category', 'regression', 'multiCategory'].includes(block))
      throw new TabularOptionsError(
        `yBlock must be 'category', 'regression', 'multiCategory' or a core block, got ${JSON.stringify(block)}`,
      );
    return { yBlock: block };
  }
  const b = typeof block === 'function' ? new block() : block;
  if (b instanceof CategoryBlock) {
    const vocab = b.vocab(); // non-empty before setup only when given: CategoryBlock({ vocab })
    return { yBlock: 'category', yVocab: vocab.length ? vocab : undefined };
  }
  if (b instanceof RegressionBlock) {
    if (b.nOut !== undefined && b.nOut !== yNames.length)
      throw new TabularOptionsError(
        `RegressionBlock(${b.nOut}) needs ${b.nOut} target column(s), yNames has ${yNames.length} (${yNames.join(', ')})`,
      );
    return { yBlock: 'regression' };
  }
  if (b instanceof MultiCategoryBlock) return { yBlock: 'multiCategory' };
  throw new TabularOptionsError(
    `yBlock ${b.name} is not a target block of a table: give CategoryBlock, RegressionBlock or MultiCategoryBlock`,
  );
}

/**
 * Some rows of a {@link TabularPandas} (fastai's `to.train` / `to.valid`): their indices in the table, and their
 * encoded inputs (`xs`) and targets (`y`) to read as arrays (a random forest's inputs, as fastai's `to.train.xs`).
 * @example
 * ```ts
 * to.valid.length; // 200
 * to.train.xs.sex; // Int32Array of Categorify codes of the training rows
 * ```
 */
export class TabularRows {
  constructor(
    /** The encoded table (all rows; `rows` picks these). */
    readonly data: EncodedTable,
    /** The column names of `data.cats` then `data.conts`. */
    private readonly names: { cat: readonly string[]; cont: readonly string[] },
    /** Indices of these rows in the table, in split order. */
    readonly rows: Int32Array,
  ) {}

  /** Number of rows. */
  get length(): number {
    return this.rows.length;
  }

  /** The encoded inputs of these rows by column: Categorify codes (int32), filled and normalised values (float32). */
  get xs(): Record<string, Int32Array | Float32Array> {
    const out: Record<string, Int32Array | Float32Array> = {};
    this.names.cat.forEach((n, j) => (out[n] = Int32Array.from(this.rows, (r) => this.data.cats[j][r])));
    this.names.cont.forEach((n, j) => (out[n] = Float32Array.from(this.rows, (r) => this.data.conts[j][r])));
    return out;
  }

  /** The encoded targets of these rows: class indices `[n]` or row-major floats `[n, nY]`; undefined without targets. */
  get y(): Int32Array | Float32Array | undefined {
    const y = this.data.y;
    if (!y) return undefined;
    if (y instanceof Int32Array) return Int32Array.from(this.rows, (r) => y[r]);
    const nY = y.length / this.data.nRows;
    const out = new Float32Array(this.rows.length * nY);
    this.rows.forEach((r, i) => out.set(y.subarray(r * nY, r * nY + nY), i * nY));
    return out;
  }
}

/**
 * fastai's `TabularPandas`: a table split into training and validation rows (`splits`, a `splitter` of core's, or
 * `validIdx`/`validCol`/`validPct` as sugar for one), its procs and target block fit on the training rows, every row
 * encoded. `dataloaders()` returns the {@link TabularDataLoaders} that `TabularDataLoaders.fromDf` returns for the
 * same options (it is `new TabularPandas(df, opts).dataloaders(opts)`). As `fromDf`, and unlike fastai's
 * TabularPandas, procs default to `[Categorify, FillMissing, Normalize]` and continuous columns to every column that
 * is not categorical, a target or `validCol`.
 *
 * @example
 * ```ts
 * const df = await readDataFrame('adult.csv');
 * const to = new TabularPandas(df, {
 *   procs: [Categorify, FillMissing, Normalize], catNames: ['workclass', 'education'], contNames: ['age', 'fnlwgt'],
 *   yNames: ['salary'], yBlock: new CategoryBlock(), splitter: (d) => randomSplitter(d.nRows, 0.2, 42),
 * });
 * to.train.length; // 80% of the rows
 * const dls = to.dataloaders({ bs: 64 });
 * ```
 */
export class TabularPandas {
  /** The table as given, typed (its raw values: the procs' output is in `data`). */
  readonly df: DataFrame;
  /** The fitted preprocessing (column roles, procs, target encoding) that an exported model keeps. */
  readonly tabular: Tabular;
  /** Every row encoded: Categorify codes, filled and normalised continuous values, encoded targets. */
  readonly data: EncodedTable;
  /** The training and validation row indices (fastai's `to.splits`). */
  readonly splits: Splits;
  /** The training rows (fastai's `to.train`). */
  readonly train: TabularRows;
  /** The validation rows (fastai's `to.valid`). */
  readonly valid: TabularRows;

  constructor(table: TableLike, opts: TabularPandasOptions = {}) {
    const df = DataFrame.from(table);
    const yNames = opts.yNames ?? [];
    const catNames = opts.catNames ?? [];
    const contNames =
      opts.contNames ?? df.names.filter((n) => !catNames.includes(n) && !yNames.includes(n) && n !== opts.validCol);
    const splits = splitRows(df, opts);
    const { tabular, data } = Tabular.fit(df, splits[0], {
      catNames,
      contNames,
      yNames,
      procs: opts.procs ?? DEFAULT_PROCS,
      ...resolveYBlock(opts.yBlock, yNames),
    });
    this.df = df;
    this.tabular = tabular;
    this.data = data;
    this.splits = splits;
    const names = { cat: tabular.catNames, cont: tabular.contNames };
    this.train = new TabularRows(data, names, splits[0]);
    this.valid = new TabularRows(data, names, splits[1]);
  }

  /** The categorical columns the model sees (with FillMissing's `<col>_na` flags), fastai's `to.cat_names`. */
  get catNames(): readonly string[] {
    return this.tabular.catNames;
  }
  /** The continuous columns, fastai's `to.cont_names`. */
  get contNames(): readonly string[] {
    return this.tabular.contNames;
  }
  /** The target columns, fastai's `to.y_names`. */
  get yNames(): readonly string[] {
    return this.tabular.yNames;
  }
  /** The fitted procs, in run order (fastai's `to.procs`). */
  get procs(): readonly TabularProc[] {
    return this.tabular.procs;
  }
  /** Vocab of each categorical column (`#na#` first), fastai's `to.classes`. */
  get classes(): Record<string, string[]> {
    return this.tabular.classes;
  }
  /** The target encoding (block, names, classes); undefined without `yNames`. */
  get targets(): Targets | undefined {
    return this.tabular.targets;
  }

  /**
   * fastai's `to.dataloaders(bs)`: a shuffled training loader (dropping its last incomplete batch) and an ordered
   * validation loader over the rows, batches `{x: [xCat int32 [bs, nCat], xCont float32 [bs, nCont]], y}`.
   * @example
   * ```ts
   * const dls = to.dataloaders({ bs: 64, valBs: 128 });
   * ```
   */
  dataloaders(opts: TabularLoadersOptions = {}): TabularDataLoaders {
    const [train, valid] = tableLoaders(this, opts, true);
    return new TabularDataLoaders(train, valid, this.tabular, this.data, this.splits);
  }
}

/** Core `DataLoader`s over the training and validation rows of `to` (`withCont` false: collab's inputs, no `xCont`). */
export function tableLoaders(
  to: TabularPandas,
  opts: TabularLoadersOptions,
  withCont: boolean,
): [DataLoader<number>, DataLoader<number>] {
  const bs = opts.bs ?? 64;
  const shuffle = opts.shuffle ?? true;
  const make = (rows: Int32Array, train: boolean): DataLoader<number> => {
    const ds = new TabularDataset(to.data, rows, withCont);
    return new DataLoader(ds, {
      bs: train ? bs : (opts.valBs ?? bs),
      shuffle: train && shuffle,
      seed: opts.seed,
      prefetch: opts.prefetch,
      collate: (items) => ds.collate(items),
    });
  };
  return [make(to.splits[0], true), make(to.splits[1], false)];
}
