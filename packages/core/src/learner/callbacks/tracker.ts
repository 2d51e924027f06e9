import { Callback, CancelFitException } from '../callback.js';

/** Options of the tracker callbacks. */
export interface TrackerOptions {
  /** A column of the epoch table: 'valid_loss' (default), 'train_loss' or a metric name. */
  monitor?: string;
  /**
   * 'min' or 'max'. Default: 'min' for the losses, the monitored metric's own `direction` (MAE, RMSE, perplexity
   * are 'min'), else 'min' for names containing "loss" or "error" and 'max' for the rest.
   */
  mode?: 'min' | 'max';
  /**
   * fastai's `comp`: `comp(a, b)` is true when `a` is better than `b` (e.g. `(a, b) => a < b`); it decides over
   * `mode` (and its direction is `comp(0, 1) ? 'min' : 'max'`).
   */
  comp?: (a: number, b: number) => boolean;
  /** The least change, in the monitored value's units, that counts as an improvement (fastai's `min_delta`). Default 0. */
  minDelta?: number;
}

/**
 * fastai's `TrackerCallback`: follows a monitored value and knows when it improved. The direction is explicit
 * (`comp` or `mode`), or the monitored metric's `direction`, or (for names no metric has) fastai's guess from the name.
 */
export abstract class TrackerCallback extends Callback {
  override order = 60;
  /** The epoch-table column followed (fastai's `monitor`): `'valid_loss'` (default), `'train_loss'` or a metric's name. */
  readonly monitor: string;
  /** The direction in use (settled at `beforeFit` from the monitored metric when neither `mode` nor `comp` is given). */
  mode: 'min' | 'max';
  /** fastai's `comp`, as given (undefined: from `mode` and the metric's direction). */
  readonly comp: ((a: number, b: number) => boolean) | undefined;
  /** The least change that counts as an improvement, in the monitored value's units (fastai's `min_delta`); default 0. */
  readonly minDelta: number;
  private readonly explicit: boolean;
  /** The best value seen in the current fit (fastai's `best`): ±Infinity at its start, NaN before any fit. */
  best = NaN;
  /** Whether the epoch that just ended improved on `best` by more than `minDelta` (fastai's `new_best`). */
  newBest = false;
  constructor(opts: TrackerOptions = {}) {
    super();
    this.monitor = opts.monitor ?? 'valid_loss';
    this.comp = opts.comp;
    this.explicit = opts.comp !== undefined || opts.mode !== undefined;
    this.mode = opts.comp ? (opts.comp(0, 1) ? 'min' : 'max') : (opts.mode ?? guessMode(this.monitor));
    this.minDelta = opts.minDelta ?? 0;
  }
  override beforeFit(): void {
    if (!this.explicit) {
      const m = /^(train|valid)_loss$/.test(this.monitor)
        ? undefined
        : this.learn.metrics.find((x) => x.name === this.monitor);
      this.mode = m ? (m.direction ?? 'max') : guessMode(this.monitor);
    }
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }
  override afterEpoch(): void | Promise<void> {
    const r = this.learn.recorder;
    const idx = r.metricNames.indexOf(this.monitor) - 1; // values have no epoch column
    if (idx < 0) throw new Error(`${this.name}: no column '${this.monitor}' in ${r.metricNames.join(', ')}`);
    const v = r.values[r.values.length - 1][idx];
    const delta = this.mode === 'min' ? -this.minDelta : this.minDelta;
    this.newBest = this.comp
      ? this.comp(v - delta, this.best)
      : this.mode === 'min'
        ? v - delta < this.best
        : v - delta > this.best;
    if (this.newBest) this.best = v;
  }
}

/** fastai's guess from a name: 'min' for losses and errors, 'max' for the rest. */
function guessMode(monitor: string): 'min' | 'max' {
  return /loss|error/.test(monitor) ? 'min' : 'max';
}

/**
 * Stops training when the monitored value has not improved for `patience` epochs.
 * @example
 * ```ts
 * await learn.fit(20, 1e-3, { cbs: [new EarlyStoppingCallback({ monitor: 'accuracy', patience: 3 })] });
 * ```
 */
export class EarlyStoppingCallback extends TrackerCallback {
  /** Epochs without improvement after which training stops (fastai's `patience`). Default 1. */
  readonly patience: number;
  private wait = 0;
  constructor(opts: TrackerOptions & { patience?: number } = {}) {
    super(opts);
    this.patience = opts.patience ?? 1;
  }
  override beforeFit(): void {
    super.beforeFit();
    this.wait = 0;
  }
  override afterEpoch(): void {
    super.afterEpoch();
    if (this.newBest) {
      this.wait = 0;
      return;
    }
    this.wait++;
    if (this.wait >= this.patience) {
      this.learn.logger(`No improvement since epoch ${this.learn.epoch - this.wait}: early stopping`);
      throw new CancelFitException();
    }
  }
}

/**
 * Saves the model whenever the monitored value improves (or every epoch), and loads the best at the end.
 * @example
 * ```ts
 * await learn.fitOneCycle(5, 1e-3, { cbs: [new SaveModelCallback({ monitor: 'accuracy', fname: 'best' })] });
 * ```
 */
export class SaveModelCallback extends TrackerCallback {
  /** The checkpoint's name, saved as `<path>/<modelDir>/<fname>.safetensors` (fastai's `fname`). Default `'model'`. */
  readonly fname: string;
  /** Save after every epoch, as `<fname>_<epoch>`, instead of on improvement, and load nothing at the end (fastai's `every_epoch`). Default false. */
  readonly everyEpoch: boolean;
  /** Also save (and load back) the optimizer's state (fastai's `with_opt`). Default false. */
  readonly withOpt: boolean;
  constructor(opts: TrackerOptions & { fname?: string; everyEpoch?: boolean; withOpt?: boolean } = {}) {
    super(opts);
    this.fname = opts.fname ?? 'model';
    this.everyEpoch = opts.everyEpoch ?? false;
    this.withOpt = opts.withOpt ?? false;
  }
  override async afterEpoch(): Promise<void> {
    if (this.everyEpoch) {
      await this.learn.save(`${this.fname}_${this.learn.epoch}`, { withOpt: this.withOpt });
      return;
    }
    super.afterEpoch();
    if (this.newBest) {
      this.learn.logger(`Better model found at epoch ${this.learn.epoch} with ${this.monitor} value: ${this.best}.`);
      await this.learn.save(this.fname, { withOpt: this.withOpt });
    }
  }
  override async afterFit(): Promise<void> {
    if (!this.everyEpoch && Number.isFinite(this.best)) await this.learn.load(this.fname, { withOpt: this.withOpt });
  }
}

// Moved to their own files; re-exported here for imports of this module.
export { CSVLogger } from './csv-logger.js';
export { GradientClip } from './gradient-clip.js';
