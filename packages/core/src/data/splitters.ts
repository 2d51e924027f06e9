// fastai's splitters (fastai/data/transforms.py), once for every package: RandomSplitter, IndexSplitter, ColSplitter
// (one rule for reading an `is_valid` flag) and GrandparentSplitter. Random draws come from core's global RNG unless seeded.
import { InvalidArgumentError } from '../errors.js';
import { globalRng, Rng } from '../nn/random.js';

/** A split: indices of the training and validation items. */
export interface Split {
  /** Indices (into the items given to the splitter) of the training items, fastai's `splits[0]`. */
  train: number[];
  /** Indices of the validation items, fastai's `splits[1]`. */
  valid: number[];
}

const TRUE_TEXT = new Set(['true', '1', 'yes', 't', 'y']);
const FALSE_TEXT = new Set(['false', '0', 'no', 'f', 'n']);

/**
 * The one reading of a boolean flag (an `is_valid` cell, a `same` cell) in tfai: a boolean; the numbers 1 and 0;
 * text `true`/`false`, `1`/`0`, `yes`/`no`, `t`/`f`, `y`/`n` in any case (`True`, `FALSE`…). Anything else
 * (empty, `2`, `maybe`) is `undefined`: callers say which file, column and row.
 * @example
 * ```ts
 * parseFlag('True'); // true
 * parseFlag(0); // false
 * parseFlag('maybe'); // undefined
 * ```
 */
export function parseFlag(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : undefined;
  if (typeof v !== 'string') return undefined;
  const t = v.trim().toLowerCase();
  if (TRUE_TEXT.has(t)) return true;
  if (FALSE_TEXT.has(t)) return false;
  return undefined;
}

/**
 * fastai's `ColSplitter`: rows whose flag is true validate, the others train. A value that is not a flag
 * ({@link parseFlag}) calls `onBad(row, value)`, which throws the caller's typed error naming the file and column
 * (default: an {@link InvalidArgumentError}).
 * @example
 * ```ts
 * colSplitter(['False', 'True', '0']); // { train: [0, 2], valid: [1] }
 * ```
 */
export function colSplitter(values: readonly unknown[], onBad?: (row: number, value: unknown) => never): Split {
  const split: Split = { train: [], valid: [] };
  values.forEach((v, i) => {
    const f = parseFlag(v);
    if (f === undefined) {
      if (onBad) onBad(i, v);
      throw new InvalidArgumentError(`is_valid (row ${i + 1})`, v, 'a boolean (True/False, 1/0)');
    }
    (f ? split.valid : split.train).push(i);
  });
  return split;
}

/**
 * fastai's `RandomSplitter(valid_pct, seed)`: a seeded permutation; the first `floor(validPct · n)` items validate
 * (`validPct` in [0, 1): 0 puts every item in training, as fastai's does). Without a seed the permutation draws from core's global RNG, so `manualSeed(n)` makes it reproducible. (tfai's
 * RNG, so not the same items as PyTorch's `randperm` with that seed.)
 * @example
 * ```ts
 * randomSplitter(10, 0.2, 42).valid.length; // 2
 * ```
 */
export function randomSplitter(n: number, validPct = 0.2, seed?: number): Split {
  if (!(validPct >= 0 && validPct < 1)) throw new RangeError(`validPct must be in [0, 1), got ${validPct}`);
  const perm = Array.from(new Rng(seed ?? globalRng.seed()).permutation(n));
  const cut = Math.floor(validPct * n);
  return { valid: perm.slice(0, cut), train: perm.slice(cut) };
}

/**
 * fastai's `IndexSplitter(valid_idx)`: the items at `validIdx` validate (in the order given), every other index of
 * the `n` items trains, in order. An index that is not an integer in [0, n) calls `onBad(position, index)`, which
 * throws the caller's typed error naming it (default: an {@link InvalidArgumentError} naming `validIdx[position]`).
 * @example
 * ```ts
 * indexSplitter(5, [3, 1]); // { train: [0, 2, 4], valid: [3, 1] }
 * ```
 */
export function indexSplitter(
  n: number,
  validIdx: ArrayLike<number>,
  onBad?: (position: number, index: number) => never,
): Split {
  const isValid = new Uint8Array(n);
  const valid = Array.from(validIdx);
  valid.forEach((i, k) => {
    if (!(Number.isInteger(i) && i >= 0 && i < n)) {
      if (onBad) onBad(k, i);
      throw new InvalidArgumentError(`validIdx[${k}]`, i, `an integer index in [0, ${n})`);
    }
    isValid[i] = 1;
  });
  const train: number[] = [];
  for (let i = 0; i < n; i++) if (!isValid[i]) train.push(i);
  return { train, valid };
}

/**
 * fastai's `parent_label`: the name of the folder holding the file (`/` or `\` separated; `''` for a bare name, as
 * `Path('a.png').parent.name`). The label getter of `fromFolder` in vision and text.
 * @example
 * ```ts
 * parentLabel('train/bag/1.png'); // 'bag'
 * ```
 */
export function parentLabel(file: string): string {
  const parts = file.split(/[\\/]+/);
  return parts.length >= 2 ? parts[parts.length - 2] : '';
}

/** The name of the folder two levels above a path (`/` or `\` separated). */
function grandparent(file: string): string {
  const parts = file.split(/[\\/]+/);
  return parts.length >= 3 ? parts[parts.length - 3] : '';
}

/**
 * fastai's `GrandparentSplitter`: items whose grandparent folder is `trainName` train, `validName` validate; the
 * others are in neither.
 * @example
 * ```ts
 * grandparentSplitter(['p/train/a/1.png', 'p/valid/a/2.png']); // { train: [0], valid: [1] }
 * ```
 */
export function grandparentSplitter(files: readonly string[], trainName = 'train', validName = 'valid'): Split {
  const split: Split = { train: [], valid: [] };
  files.forEach((f, i) => {
    const gp = grandparent(f);
    if (gp === trainName) split.train.push(i);
    else if (gp === validName) split.valid.push(i);
  });
  return split;
}
