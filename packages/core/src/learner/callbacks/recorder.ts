import * as tf from '@tensorflow/tfjs-core';
import { Callback } from '../callback.js';
import { NonFiniteLossError } from '../../errors.js';
import type { PlotLossOptions, PlotLrFindOptions } from '../../plot/recorder-plots.js';
import { appendEpochTime, epochTimesFile } from './epoch-times.js';
import { pid } from '#platform/process';

/**
 * fastai's `Recorder` (always attached): per training batch the learning rate, momentum and loss (plus the
 * smoothed loss, β = 0.98), per epoch `[train_loss, valid_loss, …metrics]`. Losses stay on the device and
 * are read in groups without waiting on the device (see {@link Recorder.lossLag}); a NaN/∞ loss stops training
 * with {@link NonFiniteLossError} naming the batch.
 */
export class Recorder extends Callback {
  override order = 50;
  /** Predictions (`getPreds`) leave the recorded losses and metrics as they are. */
  override runPredict = false;
  /** Smoothing of the training loss (fastai's `AvgSmoothLoss(beta=0.98)`). */
  beta = 0.98;
  /**
   * How many batches old the smoothed loss may be (default 4): losses are read in groups of ⌈lossLag/2⌉, each
   * group's read started when it is complete and awaited only when the next group is, so the device never
   * waits for the read while `smoothLoss` stays at most `lossLag` batches behind (and is complete after each
   * epoch's training).
   */
  lossLag = 4;
  /** Where the latest loss read came from: its batch index over the fit (`losses` index) and epoch; -1 before any. */
  lastRead: {
    /** The loss's index in `losses` (its training batch, counted over the fit from 0); -1 before any read. */
    index: number;
    /** The epoch (0-based) of that batch; -1 before any read. */
    epoch: number;
  } = { index: -1, epoch: -1 };
  /** The last parameter group's (the head's) learning rate at each training batch of the last fit (fastai's `lrs`). */
  lrs: number[] = [];
  /** The last parameter group's momentum (Adam's beta1) at each training batch of the last fit (fastai's `moms`). */
  moms: number[] = [];
  /** Raw training losses, one per batch. */
  losses: number[] = [];
  /** Smoothed training losses, one per batch (what fastai's Recorder stores as `losses`). */
  smoothLosses: number[] = [];
  /** Rows of the epoch table (without epoch number and time). */
  values: number[][] = [];
  /** Batch index (0-based, counted over the whole fit) at the end of each epoch. */
  iters: number[] = [];
  /** The mean validation loss of the latest validation pass (per item, weighted by batch size); NaN before any. */
  lastValidLoss = NaN;
  /** Each metric's value after the latest validation pass, keyed by the metric's name; empty before any. */
  lastMetrics: Record<string, number> = {};
  /** The current smoothed training loss (debiased exponential average, `beta`), at most `lossLag` batches old; NaN before any read. */
  smoothLoss = NaN;
  private smoothAvg = 0;
  private smoothCount = 0;
  private pending: { loss: tf.Scalar; epoch: number; batch: number }[] = [];
  private inflight: Promise<void> | undefined;
  private readError: unknown;
  private validTotal: tf.Scalar | undefined;
  private validCount = 0;
  private epochStart = 0;
  /** Seconds each epoch took. */
  times: number[] = [];

  /** Column names of the epoch table. */
  get metricNames(): string[] {
    return ['epoch', 'train_loss', 'valid_loss', ...this.learn.metrics.map((m) => m.name), 'time'];
  }

  override beforeFit(): void {
    this.lrs = [];
    this.moms = [];
    this.losses = [];
    this.smoothLosses = [];
    this.values = [];
    this.iters = [];
    this.times = [];
    this.smoothAvg = 0;
    this.smoothCount = 0;
    this.smoothLoss = NaN;
    this.lastRead = { index: -1, epoch: -1 };
    this.suggestions = [];
  }

  override beforeEpoch(): void {
    this.epochStart = performance.now();
  }

  override beforeValidate(): void {
    this.validTotal?.dispose();
    this.validTotal = undefined;
    this.validCount = 0;
    for (const m of this.learn.metrics) m.reset();
  }

  override async afterBatch(): Promise<void> {
    const l = this.learn;
    if (!l.loss) return;
    if (l.training) {
      const g = l.opt!.paramGroups[l.opt!.paramGroups.length - 1];
      this.lrs.push(g.lr);
      this.moms.push(g.mom);
      this.pending.push({ loss: tf.clone(l.loss), epoch: l.epoch, batch: l.iter });
      if (this.pending.length >= Math.max(1, Math.ceil(this.lossLag / 2))) {
        await this.settle();
        this.inflight = this.startRead();
      }
      return;
    }
    const bs = l.y?.shape[0] ?? 1;
    const next = tf.tidy(() => {
      const v = tf.mul(l.loss!, bs) as tf.Scalar;
      return this.validTotal ? (tf.add(this.validTotal, v) as tf.Scalar) : v;
    });
    this.validTotal?.dispose();
    this.validTotal = next;
    this.validCount += bs;
    if (l.pred && l.y) for (const m of l.metrics) m.accumulate(l.pred, l.y);
  }

  /** Reads every pending training loss now (one read for the group) and updates the smoothed loss. */
  async flush(): Promise<void> {
    await this.settle();
    this.inflight = this.startRead();
    await this.settle();
  }

  /** Waits for the read in flight; rethrows what it found (a non-finite loss). */
  private async settle(): Promise<void> {
    if (this.inflight) await this.inflight;
    this.inflight = undefined;
    const e = this.readError;
    this.readError = undefined;
    if (e !== undefined) throw e;
  }

  /** Starts one read of the pending losses; its result is applied when it arrives (errors kept for `settle`). */
  private startRead(): Promise<void> | undefined {
    if (!this.pending.length) return undefined;
    const items = this.pending;
    this.pending = [];
    const stacked = tf.stack(items.map((p) => p.loss));
    tf.dispose(items.map((p) => p.loss));
    return stacked
      .data()
      .then((vals) => {
        for (let i = 0; i < vals.length; i++) {
          const v = vals[i];
          if (!Number.isFinite(v)) throw new NonFiniteLossError(items[i].epoch, items[i].batch, v);
          this.losses.push(v);
          this.smoothCount++;
          this.smoothAvg = this.smoothAvg * this.beta + v * (1 - this.beta);
          this.smoothLoss = this.smoothAvg / (1 - this.beta ** this.smoothCount);
          this.smoothLosses.push(this.smoothLoss);
          this.lastRead = { index: this.losses.length - 1, epoch: items[i].epoch };
        }
      })
      .catch((e: unknown) => {
        this.readError = e;
      })
      .finally(() => stacked.dispose());
  }

  override async afterTrain(): Promise<void> {
    await this.flush();
    this.iters.push(this.losses.length - 1);
  }

  override async afterValidate(): Promise<void> {
    this.lastValidLoss = this.validTotal && this.validCount ? (await this.validTotal.data())[0] / this.validCount : NaN;
    this.validTotal?.dispose();
    this.validTotal = undefined;
    this.lastMetrics = {};
    for (const m of this.learn.metrics) {
      this.lastMetrics[m.name] = await m.value();
      m.reset(); // free the accumulated state now rather than at the next validation
    }
  }

  override async afterEpoch(): Promise<void> {
    this.times.push((performance.now() - this.epochStart) / 1000);
    this.values.push([this.smoothLoss, this.lastValidLoss, ...this.learn.metrics.map((m) => this.lastMetrics[m.name])]);
    const file = epochTimesFile();
    if (file) await this.logEpochTime(file);
  }

  /** `TFAI_EPOCH_TIMES`: this epoch's line (see epoch-times.ts). */
  private async logEpochTime(file: string): Promise<void> {
    const l = this.learn;
    const fin = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null);
    await appendEpochTime(file, {
      epoch: l.epoch,
      nEpoch: l.nEpoch,
      seconds: this.times[this.times.length - 1],
      trainBatches: l.dls.train.length,
      validBatches: l.dls.valid.length,
      trainLoss: fin(this.smoothLoss),
      validLoss: fin(this.lastValidLoss),
      metrics: Object.fromEntries(l.metrics.map((m) => [m.name, fin(this.lastMetrics[m.name])])),
      model: l.model.typeName,
      pid: pid(),
      end: new Date().toISOString(),
    });
  }

  override async afterCancelFit(): Promise<void> {
    await this.flush();
  }

  override async afterFit(): Promise<void> {
    await this.flush();
  }

  /**
   * fastai's `recorder.plot_loss()`: the smoothed training loss per batch (from `skipStart`, default 5) and the
   * validation loss at the end of each epoch, as a PNG (SVG if `file` ends in `.svg`). Returns the file.
   * @example
   * ```ts
   * await learn.fitOneCycle(4, 1e-2);
   * await learn.recorder.plotLoss('loss.png');
   * ```
   */
  async plotLoss(file = 'loss.png', opts: PlotLossOptions = {}): Promise<string> {
    const p = await import('../../plot/recorder-plots.js');
    return p.writePanels([p.lossPanel(this.plotData(), opts)], file);
  }

  /**
   * fastai's `recorder.plot_metrics()`: train/valid losses per epoch, then one panel per metric. Returns the file.
   * @example
   * ```ts
   * await learn.recorder.plotMetrics('metrics.png');
   * ```
   */
  async plotMetrics(file = 'metrics.png'): Promise<string> {
    const p = await import('../../plot/recorder-plots.js');
    return p.writePanels(p.metricPanels(this.plotData()), file);
  }

  /**
   * fastai's `recorder.plot_sched()`: the learning rate and momentum of every batch of the last fit. Returns the file.
   * @example
   * ```ts
   * await learn.fitOneCycle(4, 1e-2);
   * await learn.recorder.plotSched('sched.png');
   * ```
   */
  async plotSched(file = 'sched.png', keys: ('lr' | 'mom')[] = ['lr', 'mom']): Promise<string> {
    const p = await import('../../plot/recorder-plots.js');
    return p.writePanels(p.schedPanels(this.plotData(), keys), file);
  }

  /**
   * fastai's `recorder.plot_lr_find()` after {@link lrFind}: loss against learning rate on a log axis, the last
   * `skipEnd` (5) points dropped, the suggestions marked. Returns the file.
   * @example
   * ```ts
   * const { valley } = await learn.lrFind();
   * await learn.recorder.plotLrFind('lr_find.png');
   * ```
   */
  async plotLrFind(file = 'lr_find.png', opts: PlotLrFindOptions = {}): Promise<string> {
    const p = await import('../../plot/recorder-plots.js');
    return p.writePanels([p.lrFindPanel(this.plotData(), { suggestions: this.suggestions, ...opts })], file);
  }

  /** The lr_find suggestions of the last {@link lrFind} (marked by {@link plotLrFind}). */
  suggestions: {
    /** The suggestion function's name (`'valley'`, `'slide'`, `'minimum'`, `'steep'`). */
    name: string;
    /** The learning rate of the point the plot marks (for `minimum`, the minimum itself: ten times the suggestion). */
    lr: number;
    /** The smoothed loss at that point. */
    loss: number;
  }[] = [];

  private plotData() {
    return {
      lrs: this.lrs,
      moms: this.moms,
      smoothLosses: this.smoothLosses,
      values: this.values,
      iters: this.iters,
      metricNames: this.metricNames,
    };
  }

  /** Frees pending tensors. */
  dispose(): void {
    tf.dispose(this.pending.map((p) => p.loss));
    this.pending = [];
    this.validTotal?.dispose();
    this.validTotal = undefined;
    for (const m of this.learn.metrics) m.reset();
  }
}
