import { randomSplitter } from '@tfai/core';
import { TabularOptionsError } from '../errors.js';
import type { DataFrame } from './dataframe.js';
import { booleanColumn } from './targets.js';

/** Train and validation row indices. */
export type Splits = [train: Int32Array, valid: Int32Array];

/** How to split rows into training and validation (the first one given wins: `splits`, `validIdx`, `validCol`, else random). */
export interface SplitOptions {
  /** Explicit `[trainIdx, validIdx]`. */
  splits?: readonly [ArrayLike<number>, ArrayLike<number>];
  /** Validation row indices; the other rows train (fastai's `IndexSplitter`). */
  validIdx?: ArrayLike<number>;
  /** A boolean column (`TRUE`/`FALSE`, `1`/`0`…) marking validation rows (fastai's `ColSplitter`). */
  validCol?: string;
  /** Fraction of rows drawn at random for validation when nothing else is given (default 0.2, as `RandomSplitter`). */
  validPct?: number;
  /** Seed of the random split. */
  seed?: number;
}

function checkIdx(idx: ArrayLike<number>, n: number, what: string): Int32Array {
  const out = Int32Array.from(idx);
  for (const i of out)
    if (!(i >= 0 && i < n)) throw new TabularOptionsError(`${what} index ${i} is out of range for ${n} rows`);
  return out;
}

/**
 * Splits the rows of `df` into training and validation indices, as fastai's splitters: explicit `splits`,
 * `validIdx` (everything else trains, in row order), a boolean `validCol`, or a seeded random `validPct`
 * (core's `randomSplitter`: shuffled indices, the first `floor(validPct·n)` validate).
 *
 * @example
 * ```ts
 * const [train, valid] = splitRows(df, { validCol: 'is_valid' });
 * ```
 */
export function splitRows(df: DataFrame, opts: SplitOptions): Splits {
  const n = df.nRows;
  let train: Int32Array;
  let valid: Int32Array;
  if (opts.splits) {
    train = checkIdx(opts.splits[0], n, 'training');
    valid = checkIdx(opts.splits[1], n, 'validation');
  } else if (opts.validIdx || opts.validCol !== undefined) {
    let isValid: Uint8Array;
    if (opts.validIdx) {
      valid = checkIdx(opts.validIdx, n, 'validation');
      isValid = new Uint8Array(n);
      for (const i of valid) isValid[i] = 1;
    } else {
      const flags = booleanColumn(df, opts.validCol!);
      const bad = flags.findIndex((f) => f !== 0 && f !== 1);
      if (bad >= 0)
        throw new TabularOptionsError(
          `${df.source}: validCol "${opts.validCol}", row ${bad + 1}: not a boolean (TRUE/FALSE, 1/0)`,
        );
      isValid = Uint8Array.from(flags);
      valid = Int32Array.from(isValid.keys()).filter((i) => isValid[i]);
    }
    train = Int32Array.from(isValid.keys()).filter((i) => !isValid[i]);
  } else {
    const pct = opts.validPct ?? 0.2;
    if (!(pct >= 0 && pct < 1)) throw new TabularOptionsError(`validPct must be in [0, 1), got ${pct}`);
    // core's RandomSplitter: seeded, or drawn from the global generator so `manualSeed(n)` reproduces it.
    const split = randomSplitter(n, pct, opts.seed);
    valid = Int32Array.from(split.valid);
    train = Int32Array.from(split.train);
  }
  if (!train.length) throw new TabularOptionsError(`${df.source}: the training split is empty`);
  return [train, valid];
}
