import { AllMissingError, NonFiniteValueError, TabularOptionsError } from '../errors.js';
import { Categorify } from '../procs/categorify.js';
import { FillMissing } from '../procs/fill-missing.js';
import { procFromJSON, resolveProcs, type ProcLike } from '../procs/from-json.js';
import type { ProcJSON, ProcState, TabularProc } from '../procs/proc.js';
import { DataFrame, type RawValue } from './dataframe.js';
import { Targets, type TargetsJSON, type YBlock } from './targets.js';

/** Options of {@link Tabular.fit}. */
export interface TabularOptions {
  /** Categorical columns, embedded (fastai's `cat_names`); a `<col>_na` made by FillMissing may be listed. */
  catNames?: readonly string[];
  /** Continuous columns, filled and normalised (fastai's `cont_names`). */
  contNames?: readonly string[];
  /** Target column(s) (fastai's `y_names`); none for an unlabelled table. */
  yNames?: readonly string[];
  /** Procs, as classes or instances; they run by their `order` (FillMissing, Categorify, Normalize). */
  procs?: readonly ProcLike[];
  /** Target encoding; default: regression if every target column is numeric, else category. */
  yBlock?: YBlock;
  /** The classes of a category target, in index order (fastai's `CategoryBlock(vocab=…)`); default: the sorted training classes. */
  yVocab?: readonly string[];
}

/** Encoded columns: what a {@link TabularDataset} gathers batches from. */
export interface EncodedTable {
  /** Number of rows encoded (the length of every column array). */
  readonly nRows: number;
  /** One array of vocab codes per categorical column (`Tabular.catNames` order). */
  readonly cats: readonly Int32Array[];
  /** One array per continuous column (`Tabular.contNames` order). */
  readonly conts: readonly Float32Array[];
  /** Class indices `[n]` (category) or row-major floats `[n, nY]`; undefined when the data has no targets. */
  readonly y: Int32Array | Float32Array | undefined;
}

/** One row ready for the model: `xCat` `[nCat]` vocab codes, `xCont` `[nCont]` normalised values. */
export interface EncodedRow {
  /** Vocab code of each categorical column, `[nCat]` in `catNames` order (0 is `#na#`). */
  xCat: Int32Array;
  /** Each continuous column filled and normalised, `[nCont]` in `contNames` order. */
  xCont: Float32Array;
}

/** {@link Tabular} as plain JSON, saved beside the model weights. */
export interface TabularJSON {
  /** Categorical columns as given (what a row to predict must have). */
  rawCatNames: string[];
  /** Continuous columns as given. */
  rawContNames: string[];
  /** Categorical columns the model sees: the given ones plus FillMissing's `<col>_na`. */
  catNames: string[];
  /** Continuous columns the model sees, in input order. */
  contNames: string[];
  /** The fitted procs (vocabs, fill values, means and stds), in run order. */
  procs: ProcJSON[];
  /** The target encoding; absent when the table had no targets. */
  targets?: TargetsJSON;
}

/** Continuous columns must be finite where present, and present somewhere in the training rows. */
function checkContinuous(df: DataFrame, contNames: readonly string[], trainIdx: Int32Array): void {
  for (const name of contNames) {
    const col = df.column(name);
    if (col.kind !== 'number') continue; // a text column listed as continuous fails later with its own error
    const v = col.values;
    for (let i = 0; i < v.length; i++)
      if (v[i] === Infinity || v[i] === -Infinity) throw new NonFiniteValueError(df.source, name, i + 1, v[i]);
    let any = false;
    for (const i of trainIdx)
      if (!Number.isNaN(v[i])) {
        any = true;
        break;
      }
    if (!any)
      throw new AllMissingError(df.source, name, v.some((x) => !Number.isNaN(x)) ? 'in the training rows' : 'at all');
  }
}

/**
 * The names of `catNames` that FillMissing will make (fastai lists them in `cat_names` as `learn.dls.cat_names`
 * prints them): `<c>_na` not in the data, `c` continuous, and a FillMissing proc that adds flag columns.
 */
function madeByFillMissing(
  df: DataFrame,
  catNames: readonly string[],
  contNames: readonly string[],
  procs: readonly TabularProc[],
): string[] {
  if (!procs.some((p) => p instanceof FillMissing && p.addCol)) return [];
  return catNames.filter((n) => n.endsWith('_na') && !df.has(n) && contNames.includes(n.slice(0, -3)));
}

/**
 * The tabular preprocessing of a data set (fastai's `TabularPandas` without the data): column roles, procs
 * fit on the training rows, and the target encoding. `fit` learns them; `encode` and `processRow` apply them
 * to any data (validation rows, a test file, one row at inference); `toJSON`/`fromJSON` save them with the model.
 *
 * @example
 * ```ts
 * const { tabular, data } = Tabular.fit(df, trainIdx, {
 *   catNames: ['sex', 'pclass'], contNames: ['age'], yNames: ['survived'], procs: [Categorify, FillMissing, Normalize],
 * });
 * tabular.catNames; // ['sex', 'pclass', 'age_na']
 * tabular.processRow({ sex: 'male', pclass: '1st', age: null }); // { xCat: Int32Array [2, 1, 2], xCont: Float32Array [...] }
 * ```
 */
export class Tabular {
  private constructor(
    /** Categorical columns as given (the inputs a row must have). */
    readonly rawCatNames: readonly string[],
    /** Continuous columns as given. */
    readonly rawContNames: readonly string[],
    /** Categorical columns the model sees: the given ones plus FillMissing's `<col>_na`. */
    readonly catNames: readonly string[],
    /** Continuous columns the model sees, in input order (fastai's `cont_names`). */
    readonly contNames: readonly string[],
    /** The fitted procs, sorted by `order` (FillMissing, Categorify, Normalize). */
    readonly procs: readonly TabularProc[],
    /** The target encoding (block, names, vocab); undefined when fitted without `yNames`. */
    readonly targets: Targets | undefined,
  ) {}

  /** Fits the procs and target encoding on the rows `trainIdx` of `df`, and encodes every row of `df`. */
  static fit(
    df: DataFrame,
    trainIdx: Int32Array,
    opts: TabularOptions,
  ): {
    /** The fitted preprocessing (column roles, procs, targets), reusable on other data. */
    tabular: Tabular;
    /** Every row of `df` encoded with it, training and validation alike. */
    data: EncodedTable;
  } {
    const catNames = [...(opts.catNames ?? [])];
    const contNames = [...(opts.contNames ?? [])];
    const yNames = [...(opts.yNames ?? [])];
    const all = [...catNames, ...contNames, ...yNames];
    const dup = all.find((n, i) => all.indexOf(n) !== i);
    if (dup !== undefined)
      throw new TabularOptionsError(`column "${dup}" is listed twice in catNames/contNames/yNames`);
    const procs = resolveProcs(opts.procs ?? []);
    // fastai: a `<cont>_na` in cat_names that the data lacks is FillMissing's flag column, made before it is read.
    const made = madeByFillMissing(df, catNames, contNames, procs);
    for (const n of all) if (!made.includes(n)) df.column(n);
    if (!trainIdx.length) throw new TabularOptionsError(`${df.source}: the training split is empty`);
    checkContinuous(df, contNames, trainIdx);
    if (catNames.length && !procs.some((p) => p instanceof Categorify))
      throw new TabularOptionsError('categorical columns need the Categorify proc');
    const state: ProcState = { df, catNames: [...catNames], contNames: [...contNames] };
    for (const p of procs) {
      p.setup(state, trainIdx);
      p.encode(state);
      if (p instanceof FillMissing)
        for (const n of made)
          if (!state.df.has(n))
            throw new TabularOptionsError(
              `catNames lists "${n}", which is not a column of ${df.source} and which FillMissing did not make: "${n.slice(0, -3)}" has no missing value in the training rows (FillMissing flags only the columns that do: ${p.naCols.map((c) => `"${c}_na"`).join(', ') || 'none here'})`,
            );
    }
    const targets = yNames.length ? Targets.fit(df, yNames, trainIdx, opts.yBlock, opts.yVocab) : undefined;
    // The raw inputs (what a row to predict must have) leave out the flag columns FillMissing makes.
    const rawCat = catNames.filter((n) => !made.includes(n));
    const tabular = new Tabular(rawCat, contNames, state.catNames, state.contNames, procs, targets);
    return { tabular, data: tabular.collect(state, targets) };
  }

  /** Encodes every row of `df` (targets too when `df` has the target columns). */
  encode(df: DataFrame): EncodedTable {
    const state: ProcState = { df, catNames: [...this.rawCatNames], contNames: [...this.rawContNames] };
    for (const p of this.procs) p.encode(state);
    const hasY = this.targets?.yNames.every((n) => df.has(n));
    return this.collect(state, hasY ? this.targets : undefined);
  }

  /**
   * Encodes one raw row for inference: unseen categories and missing categories map to `#na#` (0), a missing
   * number is filled with the training statistic (and its `<col>_na` flag set), then normalised.
   */
  processRow(row: Record<string, RawValue>): EncodedRow {
    const t = this.encode(this.rowsFrame([row]));
    return { xCat: Int32Array.from(t.cats, (c) => c[0]), xCont: Float32Array.from(t.conts, (c) => c[0]) };
  }

  /** Encodes several raw rows for inference, as {@link processRow}. */
  processRows(rows: readonly Record<string, RawValue>[]): EncodedTable {
    return this.encode(this.rowsFrame(rows));
  }

  private rowsFrame(rows: readonly Record<string, RawValue>[]): DataFrame {
    const names = [...this.rawCatNames, ...this.rawContNames];
    return DataFrame.fromColumns(Object.fromEntries(names.map((n) => [n, rows.map((r) => r[n])])), { source: '<row>' });
  }

  private collect(state: ProcState, targets: Targets | undefined): EncodedTable {
    const cats = this.catNames.map((n) => {
      const c = state.df.column(n);
      if (c.kind !== 'category') throw new Error(`column "${n}" was not categorified`);
      return c.codes;
    });
    const conts = this.contNames.map((n) => {
      const v = state.df.numeric(n);
      return v instanceof Float32Array ? v : Float32Array.from(v);
    });
    return { nRows: state.df.nRows, cats, conts, y: targets?.encode(state.df) };
  }

  /** Vocab of each categorical column (`#na#` first), as fastai's `to.classes`. */
  get classes(): Record<string, string[]> {
    const cat = this.procs.find((p): p is Categorify => p instanceof Categorify);
    return cat ? structuredClone(cat.classes) : {};
  }

  /** The target names. */
  get yNames(): readonly string[] {
    return this.targets?.yNames ?? [];
  }

  /** The fitted preprocessing as data (names, procs, targets), saved with an export. */
  toJSON(): TabularJSON {
    return {
      rawCatNames: [...this.rawCatNames],
      rawContNames: [...this.rawContNames],
      catNames: [...this.catNames],
      contNames: [...this.contNames],
      procs: this.procs.map((p) => p.toJSON()),
      ...(this.targets ? { targets: this.targets.toJSON() } : {}),
    };
  }

  /** Rebuilds the preprocessing saved by {@link toJSON}, with no data. */
  static fromJSON(j: TabularJSON): Tabular {
    return new Tabular(
      j.rawCatNames,
      j.rawContNames,
      j.catNames,
      j.contNames,
      j.procs.map(procFromJSON),
      j.targets ? Targets.fromJSON(j.targets) : undefined,
    );
  }
}
