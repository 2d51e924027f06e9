// Learning rates per parameter group: fastai's `slice(lo, hi)`, `even_mults` and `set_hyper` spreading.
import { OptimizerError } from '../errors.js';

/**
 * Python's `slice(start, stop)` as fastai uses it for discriminative learning rates: `slice(hi)` gives the
 * last group `hi` and every other `hi/10`; `slice(lo, hi)` spreads groups geometrically from `lo` to `hi`.
 * @example
 * ```ts
 * new LrSlice(1e-6, 1e-4); // same as slice(1e-6, 1e-4)
 * ```
 */
export class LrSlice {
  constructor(
    /** The first group's learning rate; `undefined` (Python's `slice(stop)`) gives every group but the last `stop/10`. */
    readonly start: number | undefined,
    /** The last group's (the head's) learning rate. */
    readonly stop: number,
  ) {}
  /** As fastai prints it: `slice(1e-05, 0.001)`. */
  toString(): string {
    return `slice(${this.start ?? 'None'}, ${this.stop})`;
  }
}

/**
 * fastai's `slice(stop)` / `slice(start, stop)` for learning rates.
 * @example
 * ```ts
 * lrsForGroups(slice(1e-4), 3);       // [1e-5, 1e-5, 1e-4]
 * lrsForGroups(slice(1e-6, 1e-4), 3); // [1e-6, 1e-5, 1e-4]
 * ```
 */
export function slice(stop: number): LrSlice;
export function slice(start: number, stop: number): LrSlice;
export function slice(a: number, b?: number): LrSlice {
  return b === undefined ? new LrSlice(undefined, a) : new LrSlice(a, b);
}

/**
 * fastai's `even_mults`: `n` values from `start` to `stop`, evenly spaced on a log scale (computed as fastai
 * does, `start * step**i` with `step = (stop/start)**(1/(n-1))`, so values are bit-identical). fastai returns
 * the scalar `stop` when `n == 1`; this returns `[stop]`.
 * @example
 * ```ts
 * evenMults(1e-6, 1e-4, 3); // [1e-6, 9.999999999999999e-6, 9.999999999999999e-5]
 * ```
 */
export function evenMults(start: number, stop: number, n: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw new OptimizerError(`evenMults: n must be a positive integer, got ${n}`);
  if (n === 1) return [stop];
  const step = (stop / start) ** (1 / (n - 1));
  return Array.from({ length: n }, (_, i) => start * step ** i);
}

/**
 * One value per parameter group, as fastai's `Optimizer.set_hyper`: a number goes to every group;
 * `slice(lo, hi)` → `evenMults(lo, hi, n)`; `slice(hi)` (or a start of 0, which Python treats as false) →
 * `[hi/10, …, hi/10, hi]`; an array must have one value per group (or a single value, repeated).
 * @example
 * ```ts
 * lrsForGroups(1e-3, 3);              // [1e-3, 1e-3, 1e-3]
 * lrsForGroups(slice(1e-6, 1e-4), 2); // [1e-6, 1e-4]
 * ```
 */
export function lrsForGroups(lr: number | LrSlice | readonly number[], nGroups: number, name = 'lr'): number[] {
  let v: number[];
  if (lr instanceof LrSlice) {
    v = lr.start ? evenMults(lr.start, lr.stop, nGroups) : [...Array<number>(nGroups - 1).fill(lr.stop / 10), lr.stop];
  } else if (typeof lr === 'number') {
    v = [lr];
  } else {
    v = [...lr];
  }
  if (v.length === 1) v = Array<number>(nGroups).fill(v[0]);
  if (v.length !== nGroups)
    throw new OptimizerError(`trying to set ${v.length} values for ${name} but there are ${nGroups} parameter groups`);
  if (v.some((x) => typeof x !== 'number' || Number.isNaN(x)))
    throw new OptimizerError(`${name}: every value must be a number, got [${v.join(', ')}]`);
  return v;
}
