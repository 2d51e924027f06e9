import type { DataFrame } from '../data/dataframe.js';

/**
 * What procs read and rewrite: the table and the lists of categorical and continuous columns (FillMissing adds
 * `<col>_na` columns to `catNames`; Categorify and Normalize replace columns by their encoded form).
 */
export interface ProcState {
  /** The table, its columns replaced by their encoded form as procs run. */
  df: DataFrame;
  /** Categorical columns so far (FillMissing appends its `<col>_na` flags). */
  catNames: string[];
  /** Continuous columns. */
  contNames: string[];
}

/** A proc as plain JSON (no code), as saved with an exported model. */
export type ProcJSON =
  | {
      /** A `Categorify` proc. */
      type: 'Categorify';
      /** Vocab of each categorical column, `#na#` first. */
      classes: Record<string, string[]>;
    }
  | {
      /** A `FillMissing` proc. */
      type: 'FillMissing';
      /** `'median'`, `'constant'` or `'mode'`. */
      fillStrategy: FillStrategy;
      /** Whether `<col>_na` flag columns are added. */
      addCol: boolean;
      /** Constants of the `'constant'` strategy, per column. */
      fillVals: Record<string, number>;
      /** The fill value learned for each continuous column. */
      fillValues: Record<string, number>;
      /** Columns that had missing training values (fastai's `na_dict` keys). */
      naCols: string[];
    }
  | {
      /** A `Normalize` proc. */
      type: 'Normalize';
      /** Training mean of each continuous column. */
      means: Record<string, number>;
      /** Training standard deviation (ddof 0) plus 1e-7 of each continuous column. */
      stds: Record<string, number>;
    };

/** How FillMissing picks the value for missing cells (fastai's `FillStrategy`). */
export type FillStrategy = 'median' | 'constant' | 'mode';

/**
 * A tabular preprocessing step, fit on the training rows only (as fastai's `TabularProc`): `setup` learns its
 * statistics from the rows in `trainIdx`, `encode` rewrites every row with them. Procs run by `order`
 * (FillMissing 0, Categorify 1, Normalize 99), whatever the order they are given in.
 */
export interface TabularProc {
  /** The proc's kind: `'FillMissing'`, `'Categorify'` or `'Normalize'` (the `type` of its JSON). */
  readonly type: ProcJSON['type'];
  /** Run position, as fastai's `order`: FillMissing 0, Categorify 1, Normalize 99. */
  readonly order: number;
  /** Learns from the training rows; the state is as the procs before this one left it. */
  setup(state: ProcState, trainIdx: Int32Array): void;
  /** Encodes every row of `state` (replacing columns), with what `setup` learned. */
  encode(state: ProcState): void;
  /** The fitted state as data, saved with an export (`procFromJSON` rebuilds it). */
  toJSON(): ProcJSON;
}

/** The values of `col` at `idx`. */
export function take(col: Float64Array | Float32Array, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = col[idx[i]];
  return out;
}
