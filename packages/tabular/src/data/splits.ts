import { colSplitter, indexSplitter, randomSplitter, type Split } from '@tfai/core';
import { TabularOptionsError } from '../errors.js';
import type { DataFrame } from './dataframe.js';
import { booleanColumn } from './targets.js';

/** Train and validation row indices. */
export type Splits = [train: Int32Array, valid: Int32Array];

/**
 * How to split rows into training and validation. fastai's way is `splitter` (core's splitters, called with the
 * table); the other options are sugar for one of them. The first one given wins: `splits`, `splitter`, `validIdx`
 * (`indexSplitter`), `validCol` (`colSplitter`), else `validPct`/`seed` (`randomSplitter`).
 */
export interface SplitOptions {
  /** Explicit train and validation rows: `[trainIdx, validIdx]` or core's `Split` (`{train, valid}`), fastai's `splits`. */
  splits?: readonly [ArrayLike<number>, ArrayLike<number>] | Split;
  /** A splitter called with the table (fastai's `splitter(df)`), e.g. `(df) => randomSplitter(df.nRows, 0.2, 42)`. */
  splitter?: (df: DataFrame) => Split;
  /** Validation row indices; the other rows train, in row order (fastai's `IndexSplitter`, core's `indexSplitter`). */
  validIdx?: ArrayLike<number>;
  /** A boolean column (`TRUE`/`FALSE`, `1`/`0`…) marking validation rows (fastai's `ColSplitter`, core's `colSplitter`). */
  validCol?: string;
  /** Fraction of rows drawn at random for validation when nothing else is given (default 0.2, core's `randomSplitter`). */
  validPct?: number;
  /** Seed of the random split (default: core's global RNG, so `manualSeed` reproduces it). */
  seed?: number;
}

function checkIdx(idx: ArrayLike<number>, n: number, what: string): Int32Array {
  const out = Int32Array.from(idx);
  for (let k = 0; k < out.length; k++)
    if (!(out[k] >= 0 && out[k] < n && out[k] === idx[k]))
      throw new TabularOptionsError(`${what} index ${idx[k]} is out of range for ${n} rows`);
  return out;
}

/**
 * The split the options name, as core's splitter of the table (what {@link splitRows} runs): `splitter` itself, or
 * `indexSplitter`, `colSplitter` or `randomSplitter` built from the sugar, with tabular's typed errors naming the
 * row or column. `splits` (already a split) is not a splitter: undefined then.
 * @example
 * ```ts
 * const split = splitterOf({ validPct: 0.2, seed: 42 })!(df); // randomSplitter(df.nRows, 0.2, 42)
 * ```
 */
export function splitterOf(opts: SplitOptions): ((df: DataFrame) => Split) | undefined {
  if (opts.splits) return undefined;
  if (opts.splitter) return opts.splitter;
  const { validIdx, validCol } = opts;
  if (validIdx)
    return (df) =>
      indexSplitter(df.nRows, validIdx, (_, i) => {
        throw new TabularOptionsError(`validation index ${i} is out of range for ${df.nRows} rows`);
      });
  if (validCol !== undefined)
    return (df) =>
      // booleanColumn reads the column's text or numbers as 1/0 (-1 missing, NaN not a flag): core's parseFlag rule.
      colSplitter(Array.from(booleanColumn(df, validCol)), (row) => {
        throw new TabularOptionsError(
          `${df.source}: validCol "${validCol}", row ${row + 1}: not a boolean (TRUE/FALSE, 1/0)`,
        );
      });
  const pct = opts.validPct ?? 0.2;
  if (!(pct >= 0 && pct < 1)) throw new TabularOptionsError(`validPct must be in [0, 1), got ${pct}`);
  // Seeded, or drawn from core's global generator so `manualSeed(n)` reproduces it.
  return (df) => randomSplitter(df.nRows, pct, opts.seed);
}

/**
 * Splits the rows of `df` into training and validation indices with core's splitters (fastai's): explicit `splits`,
 * a `splitter`, or the sugar for one — `validIdx` (`indexSplitter`: everything else trains, in row order), a boolean
 * `validCol` (`colSplitter`), or a seeded random `validPct` (`randomSplitter`: shuffled indices, the first
 * `floor(validPct·n)` validate). Indices out of range and an empty training split are `TabularOptionsError`s.
 *
 * @example
 * ```ts
 * const [train, valid] = splitRows(df, { validCol: 'is_valid' });
 * const same = splitRows(df, { splitter: (d) => colSplitter(d.strings('is_valid')) });
 * ```
 */
export function splitRows(df: DataFrame, opts: SplitOptions): Splits {
  const n = df.nRows;
  const splitter = splitterOf(opts);
  const given = opts.splits;
  const split: readonly [ArrayLike<number>, ArrayLike<number>] = splitter
    ? fromSplit(splitter(df))
    : Array.isArray(given)
      ? (given as readonly [ArrayLike<number>, ArrayLike<number>])
      : fromSplit(given as Split);
  const train = checkIdx(split[0], n, 'training');
  const valid = checkIdx(split[1], n, 'validation');
  if (!train.length) throw new TabularOptionsError(`${df.source}: the training split is empty`);
  return [train, valid];
}

function fromSplit(s: Split): [number[], number[]] {
  return [s.train, s.valid];
}
