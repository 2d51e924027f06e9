import { rm } from '#platform/fs';
import { pid } from '#platform/process';
import { Callback, CancelFitException, CancelValidException } from './callback.js';
import type { Learner } from './learner.js';
import { ProgressCallback } from './callbacks/progress.js';
import type { ProgressBar } from '../progress/bar.js';
import { schedExp } from '../optim/schedule.js';

/**
 * What a suggestion function returns, as fastai's `(suggestion, (lr, loss))`: the suggested learning rate and the
 * point of the curve the plot marks (for `minimum`, the minimum itself, ten times the suggestion).
 */
export interface LrSuggestion {
  /** The suggested learning rate (NaN when the curve is too short to suggest one). */
  lr: number;
  /** The point of the loss curve the plot marks for this suggestion. */
  point: {
    /** The point's learning rate. */
    lr: number;
    /** The smoothed loss at that learning rate. */
    loss: number;
  };
}

/**
 * One of fastai's lr_find suggestion functions (`callback/schedule.py`): `(lrs, losses, numIt)` over the smoothed
 * loss curve, named (`valley`, `slide`, `minimum`, `steep`); {@link lrFind} returns each suggestion under its name.
 * Make your own (or a configured `slide`, as fastai's `partial(slide, lr_diff=10)`) with {@link suggestionFunc}.
 */
export interface SuggestionFunc<N extends string = string> {
  (lrs: readonly number[], losses: readonly number[], numIt: number): LrSuggestion;
  /** The name its suggestion is returned under in {@link LrFindResult} (`'valley'`, `'slide'`…); fastai uses the function's `__name__`. */
  readonly name: N;
}

/**
 * Names a suggestion function, so that {@link lrFind} returns its suggestion under `name`.
 * @example
 * ```ts
 * const slide10 = suggestionFunc('slide', (lrs, losses, n) => slide(lrs, losses, n, { lrDiff: 10 }));
 * const { slide: lr } = await learn.lrFind({ suggestFuncs: [slide10] });
 * ```
 */
export function suggestionFunc<N extends string>(
  name: N,
  f: (lrs: readonly number[], losses: readonly number[], numIt: number) => LrSuggestion,
): SuggestionFunc<N> {
  const g = (lrs: readonly number[], losses: readonly number[], numIt: number) => f(lrs, losses, numIt);
  Object.defineProperty(g, 'name', { value: name });
  return g as SuggestionFunc<N>;
}

const NONE: LrSuggestion = { lr: NaN, point: { lr: NaN, loss: NaN } };

/** Index of the first smallest value (torch's/numpy's `argmin`); -1 when empty. */
function argmin(v: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < v.length; i++) if (best < 0 || v[i] < v[best]) best = i;
  return best;
}

/** The loss at the learning rate nearest `lr` (fastai's `losses[min(range(len(lrs)), key=|lrs[i] - lr|)]`). */
function lossNearest(lrs: readonly number[], losses: readonly number[], lr: number): number {
  let best = 0;
  for (let i = 1; i < lrs.length; i++) if (Math.abs(lrs[i] - lr) < Math.abs(lrs[best] - lr)) best = i;
  return losses[best];
}

/**
 * fastai's `valley` (lr_find's default): the longest decreasing subsequence of the loss (lds[i], the longest one
 * ending at i; maxEnd its argmax, maxStart = maxEnd − lds[maxEnd]), then the point
 * `maxStart + ⌊(maxEnd − maxStart)/3⌋ + ⌊(maxEnd − maxStart)/6⌋` (half-way into its middle third).
 * @example
 * ```ts
 * valley(lrs, losses, 100).lr;
 * ```
 */
export const valley: SuggestionFunc<'valley'> = suggestionFunc('valley', (lrs, losses) => {
  const n = losses.length;
  if (n === 0) return NONE;
  let maxStart = 0;
  let maxEnd = 0;
  const lds = new Array<number>(n).fill(1);
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (losses[i] < losses[j] && lds[i] < lds[j] + 1) lds[i] = lds[j] + 1;
      if (lds[maxEnd] < lds[i]) {
        maxEnd = i;
        maxStart = maxEnd - lds[maxEnd];
      }
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  const idx = maxStart + Math.trunc(sections) + Math.trunc(sections / 2);
  // fastai indexes with idx as Python does: -1 (a curve that only rises) is the last point.
  const i = idx < 0 ? n + idx : idx;
  return { lr: lrs[i], point: { lr: lrs[i], loss: losses[i] } };
});

/** Options of {@link slide} (fastai's defaults). */
export interface SlideOptions {
  /** Distance in points between the two gradients compared (15). */
  lrDiff?: number;
  /** How close the two gradients must be to stop sliding (0.005). */
  thresh?: number;
  /** Multiplies the suggestion (1). */
  adjustValue?: number;
}

/**
 * fastai's `slide` (the interval slide rule): the loss's gradient (numpy's `gradient`: central differences inside,
 * one-sided at the ends) compared at two points `lrDiff` apart, slid left from the end of the curve until they differ
 * by at most `thresh`; the suggestion is the learning rate at the left point, times `adjustValue`.
 * @example
 * ```ts
 * slide(lrs, losses, 100, { lrDiff: 10 }).lr;
 * ```
 */
export const slide = Object.defineProperty(
  (lrs: readonly number[], losses: readonly number[], _numIt: number, opts: SlideOptions = {}): LrSuggestion => {
    const { lrDiff = 15, thresh = 0.005, adjustValue = 1 } = opts;
    const n = losses.length;
    if (n < 2 || lrDiff + 1 > n) return NONE;
    const grad = losses.map((_, i) =>
      i === 0
        ? losses[1] - losses[0]
        : i === n - 1
          ? losses[n - 1] - losses[n - 2]
          : (losses[i + 1] - losses[i - 1]) / 2,
    );
    // fastai's negative indices (from the end) as positions.
    let r = n - 1;
    let l = r - lrDiff;
    let localMin = lrs[l];
    while (l >= 0 && Math.abs(grad[r] - grad[l]) > thresh) {
      localMin = lrs[l];
      r--;
      l--;
    }
    const lr = localMin * adjustValue;
    return { lr, point: { lr, loss: interp(Math.log10(lr), lrs.map(Math.log10), losses) } };
  },
  'name',
  { value: 'slide' },
) as SuggestionFunc<'slide'> &
  ((lrs: readonly number[], losses: readonly number[], numIt: number, opts?: SlideOptions) => LrSuggestion);

/** numpy's `interp`: piecewise linear through increasing `xp`, clamped at the ends. */
function interp(x: number, xp: readonly number[], fp: readonly number[]): number {
  const n = xp.length;
  if (x <= xp[0]) return fp[0];
  if (x >= xp[n - 1]) return fp[n - 1];
  let i = 1;
  while (xp[i] < x) i++;
  return fp[i - 1] + ((fp[i] - fp[i - 1]) * (x - xp[i - 1])) / (xp[i] - xp[i - 1]);
}

/**
 * fastai's `minimum`: a tenth of the learning rate at the loss's minimum (the point marked is the minimum itself).
 * @example
 * ```ts
 * minimum(lrs, losses, 100).lr;
 * ```
 */
export const minimum: SuggestionFunc<'minimum'> = suggestionFunc('minimum', (lrs, losses) => {
  const i = argmin(losses);
  if (i < 0) return NONE;
  const lrMin = lrs[i];
  return { lr: lrMin / 10, point: { lr: lrMin, loss: lossNearest(lrs, losses, lrMin) } };
});

/**
 * fastai's `steep`: the learning rate where the loss falls fastest against log(lr) (the first point of the steepest
 * step, `argmin((l[i+1] − l[i]) / (ln lr[i+1] − ln lr[i]))`).
 * @example
 * ```ts
 * steep(lrs, losses, 100).lr;
 * ```
 */
export const steep: SuggestionFunc<'steep'> = suggestionFunc('steep', (lrs, losses) => {
  if (losses.length < 2) return NONE;
  const grads = losses.slice(1).map((l, i) => (l - losses[i]) / (Math.log(lrs[i + 1]) - Math.log(lrs[i])));
  const lr = lrs[argmin(grads)];
  return { lr, point: { lr, loss: lossNearest(lrs, losses, lr) } };
});

/**
 * fastai's `SuggestionMethod`: the four suggestion functions by name, for `suggestFuncs`.
 * @example
 * ```ts
 * await learn.lrFind({ suggestFuncs: [SuggestionMethod.Minimum, SuggestionMethod.Steep] });
 * ```
 */
export const SuggestionMethod = {
  /** {@link valley}: the longest valley's point 45% along (fastai's default). */
  Valley: valley,
  /** {@link slide}: where the loss's slope starts to slide, searched back from the minimum. */
  Slide: slide,
  /** {@link minimum}: a tenth of the learning rate at the minimum loss. */
  Minimum: minimum,
  /** {@link steep}: the steepest descent of the loss. */
  Steep: steep,
} as const;

/** Options of {@link lrFind}. */
export interface LrFindOptions<N extends string = 'valley'> {
  /** The sweep's first learning rate (fastai's `start_lr`). Default 1e-7. */
  startLr?: number;
  /** The sweep's last learning rate, reached exponentially (fastai's `end_lr`). Default 10. */
  endLr?: number;
  /** The number of training batches of the sweep, over as many epochs as it takes (fastai's `num_it`). Default 100. */
  numIt?: number;
  /** Stop when the smoothed loss exceeds 4× the best seen (default true). */
  stopDiv?: boolean;
  /** Write the loss-vs-lr plot here (PNG; fastai's `plot_lr_find`, the suggestions marked). */
  plot?: string;
  /** Points the plot drops at the end, where the loss diverges (fastai: 5). */
  skipEnd?: number;
  /**
   * fastai's `suggest_funcs` (default `[valley]`): each runs on the curve from `numIt/10` to 5 points before the end
   * (cut at the first NaN) and its suggestion is returned under its name.
   */
  suggestFuncs?: readonly SuggestionFunc<N>[];
}

/**
 * Result of {@link lrFind}: fastai's `SuggestedLRs` (one learning rate per suggestion function, under its name:
 * `valley` by default), the swept curve, and the suggestions with the points the plot marks.
 */
export type LrFindResult<N extends string = 'valley'> = {
  [K in N]: number;
} & {
  /** Learning rate of each training batch of the sweep. */
  lrs: number[];
  /** Smoothed loss of each training batch of the sweep (fastai's `recorder.losses`). */
  losses: number[];
  /** Each suggestion function's result, in `suggestFuncs` order. */
  suggestions: {
    /** The suggestion function's name (`'valley'`…), the key its learning rate is also returned under. */
    name: N;
    /** The suggested learning rate (NaN when the curve is too short). */
    lr: number;
    /** The point of the curve the plot marks for it. */
    point: {
      /** The point's learning rate. */
      lr: number;
      /** The smoothed loss at that learning rate. */
      loss: number;
    };
  }[];
  /** The plot file written, when the `plot` option was given. */
  plot?: string;
};

class LRFinder extends Callback {
  override order = 60;
  private best = Infinity;
  constructor(
    private readonly bar: ProgressBar,
    private readonly start: number[],
    private readonly end: number[],
    private readonly numIt: number,
    private readonly stopDiv: boolean,
  ) {
    super();
  }
  override beforeFit(): void {
    this.best = Infinity;
  }
  override beforeBatch(): void {
    if (!this.learn.training) return;
    const pos = this.learn.trainIter / this.numIt;
    this.learn.opt!.setHyper(
      'lr',
      this.start.map((s, i) => schedExp(s, this.end[i])(pos)),
    );
  }
  override async afterBatch(): Promise<void> {
    if (!this.learn.training) return;
    // The stop test needs this batch's loss: read it now (lr_find is short; the stall does not matter).
    await this.learn.recorder.flush();
    const sl = this.learn.recorder.smoothLoss;
    this.bar.update(this.learn.trainIter, { comment: Number.isFinite(sl) ? sl.toFixed(4) : '' });
    if (sl < this.best) this.best = sl;
    if ((this.stopDiv && (sl > 4 * this.best || !Number.isFinite(sl))) || this.learn.trainIter >= this.numIt)
      throw new CancelFitException();
  }
  override beforeValidate(): void {
    throw new CancelValidException();
  }
  override afterFit(): void {
    this.bar.done();
  }
}

/**
 * fastai's `lr_find`: trains with an exponentially increasing learning rate from `startLr` to `endLr` over
 * `numIt` batches (stopping when the loss diverges), records the smoothed loss, restores the weights and
 * optimizer state, and returns the suggestions of `suggestFuncs` (default `valley`) under their names.
 * @example
 * ```ts
 * const { valley } = await lrFind(learn, { plot: 'lr_find.png' });
 * const { minimum, steep } = await lrFind(learn, { suggestFuncs: [SuggestionMethod.Minimum, SuggestionMethod.Steep] });
 * await learn.fitOneCycle(3, valley);
 * ```
 */
export async function lrFind<N extends string = 'valley'>(
  learn: Learner,
  opts: LrFindOptions<N> = {},
): Promise<LrFindResult<N>> {
  const startLr = opts.startLr ?? 1e-7;
  const endLr = opts.endLr ?? 10;
  const numIt = opts.numIt ?? 100;
  const funcs = opts.suggestFuncs ?? ([valley] as unknown as readonly SuggestionFunc<N>[]);
  const nEpoch = Math.floor(numIt / Math.max(learn.dls.train.length, 1)) + 1;
  const tmp = `_tmp_lr_find_${pid()}`;
  const file = await learn.save(tmp);
  const bar = learn.progressBar(numIt, 'lr_find');
  const progress = learn.callbacks.filter((c) => c instanceof ProgressCallback);
  progress.forEach((c) => learn.removeCb(c));
  try {
    learn.ensureOptimizer();
    const groups = learn.opt!.paramGroups.length;
    const cb = new LRFinder(
      bar,
      new Array(groups).fill(startLr),
      new Array(groups).fill(endLr),
      numIt,
      opts.stopDiv ?? true,
    );
    await learn.fit(nEpoch, undefined, { cbs: [cb] });
  } finally {
    bar.done();
    progress.forEach((c) => learn.addCb(c));
    await learn.load(tmp);
    await rm(file, { force: true });
  }
  const r = learn.recorder;
  const lrs = r.lrs.slice(0, r.smoothLosses.length);
  const losses = r.smoothLosses.slice();
  // fastai: lrs[num_it//10:-5], cut at the first NaN.
  const lo = Math.floor(numIt / 10);
  const hi = Math.max(lo + 1, lrs.length - 5);
  let cutLrs = lrs.slice(lo, hi);
  let cutLosses = losses.slice(lo, hi);
  const nan = cutLosses.findIndex((v) => Number.isNaN(v));
  if (nan >= 0) [cutLrs, cutLosses] = [cutLrs.slice(0, nan), cutLosses.slice(0, nan)];
  const suggestions = funcs.map((f) => ({ name: f.name, ...f(cutLrs, cutLosses, numIt) }));
  const result = { lrs, losses, suggestions } as LrFindResult<N>;
  for (const s of suggestions) (result as Record<string, unknown>)[s.name] = s.lr;
  r.suggestions = suggestions
    .filter((s) => Number.isFinite(s.point.lr))
    .map((s) => ({ name: s.name, lr: s.point.lr, loss: s.point.loss }));
  if (opts.plot) result.plot = await r.plotLrFind(opts.plot, { skipEnd: opts.skipEnd });
  return result;
}
