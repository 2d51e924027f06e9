// Hyper-parameter schedules: fastai's callback/schedule.py (sched_*, combine_scheds, combined_cos, one-cycle).
import { OptimizerError } from '../errors.js';

/** A hyper-parameter as a function of training progress `pos` in [0, 1]. */
export type Schedule = (pos: number) => number;

/**
 * Linear from `start` to `end` (fastai's `SchedLin`).
 * @example
 * ```ts
 * schedLin(1, 2)(0.5); // 1.5
 * ```
 */
export function schedLin(start: number, end: number): Schedule {
  return (pos) => start + pos * (end - start);
}

/**
 * Half a cosine from `start` to `end` (fastai's `SchedCos`, same operation order).
 * @example
 * ```ts
 * schedCos(0, 1)(0.5); // 0.5
 * ```
 */
export function schedCos(start: number, end: number): Schedule {
  return (pos) => start + ((1 + Math.cos(Math.PI * (1 - pos))) * (end - start)) / 2;
}

/**
 * Constant `start` (fastai's `SchedNo`; `end` is ignored, as there).
 * @example
 * ```ts
 * schedNo(3, 5)(0.7); // 3
 * ```
 */
export function schedNo(start: number, _end?: number): Schedule {
  return () => start;
}

/**
 * Exponential from `start` to `end` (fastai's `SchedExp`, used by the learning-rate finder).
 * @example
 * ```ts
 * schedExp(1e-7, 10)(0.5); // 1e-3
 * ```
 */
export function schedExp(start: number, end: number): Schedule {
  return (pos) => start * (end / start) ** pos;
}

/**
 * Polynomial of `power` from `start` to `end` (fastai's `SchedPoly`).
 * @example
 * ```ts
 * schedPoly(0, 1, 2)(0.5); // 0.25
 * ```
 */
export function schedPoly(start: number, end: number, power: number): Schedule {
  return (pos) => start + (end - start) * pos ** power;
}

/**
 * Chains `scheds`, each running over its fraction `pcts[i]` of training (fastai's `combine_scheds`). As in
 * fastai, the phase boundaries are a float32 tensor (a float64 cumulative sum rounded to float32, as
 * `torch.cumsum` on CPU) and the phase-local position is computed in float32, so values match fastai's to the
 * last bit. Works for any value type (`number[]` for one value per parameter group).
 * @example
 * ```ts
 * const s = combineScheds([0.5, 0.5], [schedLin(0, 1), schedLin(1, 0)]);
 * s(0.25); // 0.5
 * ```
 */
export function combineScheds<T = number>(
  pcts: readonly number[],
  scheds: readonly ((pos: number) => T)[],
): (pos: number) => T {
  if (pcts.length !== scheds.length || pcts.length === 0)
    throw new OptimizerError(`combineScheds: ${pcts.length} pcts for ${scheds.length} schedules`);
  if (pcts.some((p) => !(p >= 0)))
    throw new OptimizerError(`combineScheds: pcts must be >= 0, got [${pcts.join(', ')}]`);
  const total = pcts.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-9) throw new OptimizerError(`combineScheds: pcts must sum to 1, got ${total}`);
  const f32 = Math.fround;
  // tensor([0] + pcts).cumsum(0): float32 inputs, float64 accumulator, float32 outputs.
  const bounds = [0];
  let acc = 0;
  for (const p of pcts) {
    acc += f32(p);
    bounds.push(f32(acc));
  }
  const lim = bounds.length - 2;
  return (pos) => {
    const p32 = f32(pos);
    let idx = 0;
    for (let i = 0; i < bounds.length; i++) if (p32 >= bounds[i]) idx = i;
    idx = Math.min(idx, lim);
    const actualPos = f32(f32(p32 - bounds[idx]) / f32(bounds[idx + 1] - bounds[idx]));
    return scheds[idx](actualPos);
  };
}

/**
 * Cosine annealing from `start` to `middle` over the first `pct` of training, then from `middle` to `end`
 * (fastai's `combined_cos`: the one-cycle shape).
 * @example
 * ```ts
 * const lr = combinedCos(0.25, 1e-3 / 25, 1e-3, 1e-3 / 1e5);
 * lr(0.25); // 1e-3
 * ```
 */
export function combinedCos(pct: number, start: number, middle: number, end: number): Schedule {
  return combineScheds([pct, 1 - pct], [schedCos(start, middle), schedCos(middle, end)]);
}

/** Options of {@link oneCycleSchedules}, with fastai's `fit_one_cycle` defaults. */
export interface OneCycleOptions {
  /** Fraction of training spent warming up. Default 0.25. */
  pctStart?: number;
  /** The first learning rate is `lrMax / div`. Default 25. */
  div?: number;
  /** The last learning rate is `lrMax / divFinal`. Default 1e5. */
  divFinal?: number;
  /** Momentum at the start, at the peak learning rate and at the end. Default `[0.95, 0.85, 0.95]`. */
  moms?: [number, number, number];
}

/**
 * The learning-rate and momentum schedules of fastai's `fit_one_cycle`, with one peak learning rate per
 * parameter group (`lr` returns one value per group).
 * @example
 * ```ts
 * const { lr, mom } = oneCycleSchedules(lrsForGroups(slice(1e-6, 1e-4), 3));
 * lr(0.25); // [1e-6, 1e-5, 1e-4]
 * mom(0.25); // 0.85
 * ```
 */
export function oneCycleSchedules(
  lrMax: readonly number[],
  opts: OneCycleOptions = {},
): {
  /** The learning rate of each parameter group at `pos` (0 → 1 through training). */
  lr: (pos: number) => number[];
  /** The momentum at `pos`. */
  mom: Schedule;
} {
  const { pctStart = 0.25, div = 25, divFinal = 1e5, moms = [0.95, 0.85, 0.95] } = opts;
  const phase = (f: (l: number) => [number, number]) => (pos: number) => lrMax.map((l) => schedCos(...f(l))(pos));
  const lr = combineScheds<number[]>(
    [pctStart, 1 - pctStart],
    [phase((l) => [l / div, l]), phase((l) => [l, l / divFinal])],
  );
  return { lr, mom: combinedCos(pctStart, moms[0], moms[1], moms[2]) };
}

/**
 * The training position of every batch of a fit, exactly as fastai computes it: `pct_train` starts at 0 and
 * `1/(nEpochs*nIter)` is added (in float64) after each training batch, so batch `i` sees the accumulated
 * sum, not `i/(nEpochs*nIter)`, and the last batch is below 1.
 * @example
 * ```ts
 * oneCyclePositions(1, 4); // [0, 0.25, 0.5, 0.75]
 * ```
 */
export function oneCyclePositions(nEpochs: number, nIter: number): number[] {
  const n = nEpochs * nIter;
  const out: number[] = [];
  let pct = 0;
  for (let i = 0; i < n; i++) {
    out.push(pct);
    pct += 1 / (nIter * nEpochs);
  }
  return out;
}
