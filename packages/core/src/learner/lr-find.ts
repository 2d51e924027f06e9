import { rm } from '#platform/fs';
import { pid } from '#platform/process';
import { Callback, CancelFitException, CancelValidException } from './callback.js';
import type { Learner } from './learner.js';
import { ProgressCallback } from './callbacks/progress.js';
import type { ProgressBar } from '../progress/bar.js';
import { schedExp } from '../optim/schedule.js';

/** Options of {@link lrFind}. */
export interface LrFindOptions {
  startLr?: number;
  endLr?: number;
  numIt?: number;
  /** Stop when the smoothed loss exceeds 4× the best seen (default true). */
  stopDiv?: boolean;
  /** Write the loss-vs-lr plot here (PNG; fastai's `plot_lr_find`, the suggestion marked). */
  plot?: string;
  /** Points the plot drops at the end, where the loss diverges (fastai: 5). */
  skipEnd?: number;
}

/** Result of {@link lrFind}. */
export interface LrFindResult {
  /** fastai's default suggestion: the middle of the longest valley of the loss curve. */
  valley: number;
  lrs: number[];
  losses: number[];
  plot?: string;
}

/**
 * fastai's `valley` suggestion: the longest strictly decreasing run of the loss (longest decreasing
 * subsequence ending at each point), then a point 1/2 of the way into its middle third.
 */
export function valley(lrs: number[], losses: number[]): { lr: number; idx: number } {
  const n = losses.length;
  if (n === 0) return { lr: NaN, idx: -1 };
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
  return { lr: lrs[idx], idx };
}

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
 * optimizer state, and suggests a learning rate (`valley`).
 * @example
 * ```ts
 * const { valley } = await lrFind(learn, { plot: 'lr_find.png' });
 * await learn.fitOneCycle(3, valley);
 * ```
 */
export async function lrFind(learn: Learner, opts: LrFindOptions = {}): Promise<LrFindResult> {
  const startLr = opts.startLr ?? 1e-7;
  const endLr = opts.endLr ?? 10;
  const numIt = opts.numIt ?? 100;
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
    progress.forEach((c) => learn.addCb(c));
    await learn.load(tmp);
    await rm(file, { force: true });
  }
  const r = learn.recorder;
  const lrs = r.lrs.slice(0, r.smoothLosses.length);
  const losses = r.smoothLosses.slice();
  const lo = Math.floor(numIt / 10);
  const hi = Math.max(lo + 1, lrs.length - 5);
  const v = valley(lrs.slice(lo, hi), losses.slice(lo, hi));
  const result: LrFindResult = { valley: v.lr, lrs, losses };
  r.suggestions = Number.isFinite(v.lr) ? [{ name: 'valley', lr: v.lr, loss: losses[lo + v.idx] }] : [];
  if (opts.plot) result.plot = await r.plotLrFind(opts.plot, { skipEnd: opts.skipEnd });
  return result;
}
