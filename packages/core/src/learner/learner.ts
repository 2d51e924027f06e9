// fastai's Learner: the training loop, its events and callbacks; the options and results are in learner-options.ts.
import * as tf from '@tensorflow/tfjs-core';
import { getBackend, ready } from '../backend/backend.js';
import { describeBackend } from '../backend/describe.js';
import type { DataLoader, DataLoaders } from '../data/dataloader.js';
import { checkInteger, checkLearningRates, InvalidArgumentError } from '../errors.js';
import type { AnyModule } from '../nn/module.js';
import { LrSlice, lrsForGroups, slice } from '../optim/lr.js';
import { adam, type Hypers, type OptFactory, type Optimizer } from '../optim/optimizer.js';
import { oneCycleSchedules } from '../optim/schedule.js';
import { defaultSplitter, type Splitter } from '../optim/splitter.js';
import type { Callback } from './callback.js';
import {
  CancelBackwardException,
  CancelBatchException,
  CancelEpochException,
  CancelFitException,
  CancelStepException,
  CancelTrainException,
  CancelValidException,
  EVENTS,
  type EventName,
} from './callback.js';
import { ParamScheduler } from './callbacks/param-scheduler.js';
import { ProgressCallback } from './callbacks/progress.js';
import { ProgressBar } from '../progress/bar.js';
import { Recorder } from './callbacks/recorder.js';
import { GatherPreds } from './callbacks/gather-preds.js';
import { lrFind, type LrFindOptions, type LrFindResult } from './lr-find.js';
import { crossEntropyLossFlat, type Loss } from './loss.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { predictItem, tta } from './predict.js';
import { learnerSummary } from './summary.js';
import type { Metric } from './metrics/index.js';
import type {
  BuilderSpec,
  FineTuneOptions,
  FitOneCycleOptions,
  FitOptions,
  GetPredsOptions,
  GetPredsResult,
  LearnerModel,
  LearnerOptions,
  LrSpec,
  Prediction,
  TtaOptions,
  ValidateResult,
} from './learner-options.js';

/** Events of the batch loop (`beforeBatch` … `afterBatch`), the only ones `runTrain`/`runValid` filter (as fastai's `_inner_loop`). */
const INNER_LOOP = new Set<EventName>(EVENTS.slice(EVENTS.indexOf('beforeBatch'), EVENTS.indexOf('afterBatch') + 1));

/**
 * fastai's `Learner`: data, a model, a loss, an optimizer with parameter groups, and callbacks around a
 * training loop.
 *
 * @example
 * ```ts
 * const learn = new Learner(dls, model, { metrics: [accuracy()] });
 * await learn.fitOneCycle(3, 1e-3);
 * const { validLoss, metrics } = await learn.validate();
 * ```
 */
export class Learner {
  /** The loss (fastai's `loss_func`), `(pred, target) → scalar` with `activation` and `decodes`; default `crossEntropyLossFlat()`. */
  readonly lossFunc: Loss;
  /** The metrics computed on the validation set after each epoch, in the epoch table's column order (fastai's `metrics`). */
  readonly metrics: Metric[];
  /** Splits the model into parameter groups, body first and head last (fastai's `splitter`); default one group. */
  readonly splitter: Splitter;
  /** Builds the optimizer over the splitter's groups (fastai's `opt_func`); default `adam`. */
  readonly optFunc: OptFactory;
  /** The learning rate `fit` and `fitOneCycle` use when given none (fastai's `lr`); default 1e-3. */
  lr: number;
  /** Weight decay set on the optimizer at each fit (fastai's `wd`); `undefined` keeps the optimizer's (0.01 for Adam, 0 for SGD). */
  wd: number | undefined;
  /** Whether BatchNorm parameters stay trainable in frozen groups (fastai's `train_bn`); default true. */
  trainBn: boolean;
  /** `fitOneCycle`'s momentums at the start, at the peak learning rate and at the end (fastai's `moms`); default `[0.95, 0.85, 0.95]`. */
  moms: [number, number, number];
  /** The folder `save`, `load` and exports resolve against (fastai's `path`); default `'.'`. */
  path: string;
  /** The sub-folder of `path` for checkpoints, `<path>/<modelDir>/<name>.safetensors` (fastai's `model_dir`); default `'models'`. */
  modelDir: string;
  /** Where the epoch table and messages go (default `console.log`). */
  logger: (line: string) => void;
  /** How `exportLearner` records rebuilding this learner (set by `visionLearner`, `tabularLearner`…); `undefined` cannot be exported. */
  builder: BuilderSpec | undefined;
  /** The optimizer (fastai's `opt`): created by the first fit, `createOpt` or `freeze`; `undefined` before. */
  opt: Optimizer | undefined;
  /** The {@link Recorder} callback, always attached: losses, learning rates, momentums and the epoch table (fastai's `learn.recorder`). */
  readonly recorder: Recorder;
  private cbs: Callback[] = [];
  private passLock: Promise<void> = Promise.resolve();

  // Training state, as fastai's attributes (read by callbacks).
  /** The current epoch of the fit, 0-based (fastai's `epoch`). */
  epoch = 0;
  /** The number of epochs of the current (or last) fit (fastai's `n_epoch`). */
  nEpoch = 0;
  /** The current batch's index in the loader being run, 0-based, restarting with each training or validation pass (fastai's `iter`). */
  iter = 0;
  /** The number of batches of the loader being run (fastai's `n_iter`). */
  nIter = 0;
  /** Optimizer steps taken in the current fit, over all epochs (fastai's `train_iter`). */
  trainIter = 0;
  /** The fraction of the current fit's training done, from 0 to 1 (fastai's `pct_train`); schedules read it. */
  pctTrain = 0;
  /** True during an epoch's training pass, false during validation and prediction (fastai's `training`). */
  training = false;
  /** True during {@link getPreds}: a validation pass without the loss, for the callbacks with `runPredict`. */
  predicting = false;
  /** The current batch. */
  x: tf.Tensor[] = [];
  /** The current batch's targets (fastai's `y`); `undefined` between batches. */
  y: tf.Tensor | undefined;
  /** The model's raw output for the current batch, before the loss's activation (fastai's `pred`); `undefined` before the forward pass. */
  pred: tf.Tensor | undefined;
  /** The current batch's loss, a scalar (fastai's `loss`); `undefined` before it is computed, and in prediction. */
  loss: tf.Scalar | undefined;
  /** Gradients of the current batch, keyed by variable name (callbacks may replace them before the step). */
  grads: tf.NamedTensorMap | undefined;
  /** The loader being run: `dls.train`, `dls.valid` or the one given to `getPreds` (fastai's `dl`); `undefined` before the first pass. */
  dl: DataLoader<unknown> | undefined;

  constructor(
    /** The data (fastai's `dls`): the training and validation loaders, and the vocab exports and `predict` use. */
    readonly dls: DataLoaders,
    /** The model, called as `model.call(...batch.x)` (fastai's `model`); the learner trains it in place. */
    readonly model: LearnerModel,
    opts: LearnerOptions = {},
  ) {
    this.lossFunc = opts.lossFunc ?? dls.lossFunc ?? crossEntropyLossFlat();
    this.metrics = opts.metrics === undefined ? [] : Array.isArray(opts.metrics) ? opts.metrics : [opts.metrics];
    this.splitter = opts.splitter ?? defaultSplitter;
    this.optFunc = opts.opt ?? adam;
    this.lr = opts.lr ?? 1e-3;
    this.wd = opts.wd;
    this.trainBn = opts.trainBn ?? true;
    this.moms = opts.moms ?? [0.95, 0.85, 0.95];
    this.path = opts.path ?? '.';
    this.modelDir = opts.modelDir ?? 'models';
    this.logger = opts.logger ?? ((l) => console.log(l));
    this.builder = opts.builder;
    this.recorder = new Recorder();
    this.addCb(this.recorder);
    // fastai prints the epoch table with or without bars: `progress: false` drops the bars only.
    const progress = opts.progress ?? true;
    this.addCb(new ProgressCallback(progress === true ? {} : progress === false ? { bars: false } : progress));
    for (const cb of opts.cbs ?? []) this.addCb(cb);
  }

  /**
   * A progress bar drawn like the training bars (same stream and clock), silent when the learner was built with
   * `progress: false` (or without a ProgressCallback). `getPreds` and `lrFind` use it; so can your own loops.
   * @example
   * ```ts
   * const bar = learn.progressBar(dl.length, 'predict');
   * for await (const b of dl) { run(b); bar.tick(); }
   * bar.done();
   * ```
   */
  progressBar(total: number, label: string, opts: { unit?: string } = {}): ProgressBar {
    const cb = this.cbs.find((c): c is ProgressCallback => c instanceof ProgressCallback);
    return cb ? cb.bar(total, label, opts) : new ProgressBar(total, { label, silent: true });
  }

  /** An error left the loop: the bars stop where they stand, the cursor on a fresh line (see `ProgressCallback.abort`). */
  private abortProgress(): void {
    for (const cb of this.cbs) if (cb instanceof ProgressCallback) cb.abort();
  }

  /** Attaches a callback. */
  addCb(cb: Callback): this {
    cb.learn = this;
    this.cbs.push(cb);
    return this;
  }

  /** Detaches a callback. */
  removeCb(cb: Callback): this {
    this.cbs = this.cbs.filter((c) => c !== cb);
    return this;
  }

  /** The attached callbacks, sorted by order. */
  get callbacks(): readonly Callback[] {
    return [...this.cbs].sort((a, b) => a.order - b.order);
  }

  /** Creates the optimizer over the splitter's parameter groups (fastai's `create_opt`). */
  createOpt(): Optimizer {
    this.opt?.dispose();
    const groups = this.splitter(this.model as unknown as AnyModule);
    const hypers: Partial<Hypers> & { trainBn?: boolean } = { lr: this.lr, trainBn: this.trainBn };
    if (this.wd !== undefined) hypers.wd = this.wd;
    this.opt = this.optFunc(groups, hypers);
    return this.opt;
  }

  /** The optimizer, created if needed. */
  ensureOptimizer(): Optimizer {
    return this.opt ?? this.createOpt();
  }

  /** Freezes parameter groups before `n` (negative counts from the end); BatchNorm stays trainable. */
  freezeTo(n: number): void {
    const opt = this.ensureOptimizer();
    opt.freezeTo(n);
    opt.clearState();
  }
  /** Trains only the last parameter group (the head). */
  freeze(): void {
    this.freezeTo(-1);
  }
  /** Trains every parameter group. */
  unfreeze(): void {
    this.freezeTo(0);
  }

  /**
   * Whether `cb` takes part in `name` now, as fastai's `Callback.__call__`: the batch events only for callbacks that
   * run in the current phase (`runTrain` / `runValid`); in prediction ({@link getPreds}) only callbacks with
   * `runPredict`, and of those the batch events only for the ones that also run in validation.
   */
  private runs(cb: Callback, name: EventName): boolean {
    if (this.predicting && !cb.runPredict) return false;
    if (!INNER_LOOP.has(name)) return true;
    return this.training ? cb.runTrain : cb.runValid;
  }

  /** Runs `event` on every callback in order. */
  async event(name: EventName): Promise<void> {
    for (const cb of this.callbacks) {
      if (!this.runs(cb, name)) continue;
      const fn = cb[name];
      if (fn) await fn.call(cb);
    }
  }

  private syncEvent(name: 'afterPred' | 'afterLoss'): void {
    for (const cb of this.callbacks) {
      if (!this.runs(cb, name)) continue;
      const fn = cb[name];
      if (fn) fn.call(cb);
    }
  }

  private async withEvents(
    f: () => Promise<void>,
    ev: 'Fit' | 'Epoch' | 'Train' | 'Validate' | 'Batch' | 'Step' | 'Backward',
    cancel: new (...args: never[]) => Error,
  ): Promise<void> {
    try {
      await this.event(`before${ev}` as EventName);
      await f();
    } catch (e) {
      if (!(e instanceof cancel)) throw e;
      await this.event(`afterCancel${ev}` as EventName);
    }
    await this.event(`after${ev}` as EventName);
  }

  /**
   * Refuses arguments that would train on nothing or on garbage: epochs not a non-negative integer, learning
   * rates not finite and positive, a training loader with no batches (`bs` larger than the training set with
   * `dropLast`, as fastai's training loader).
   */
  private checkFitArgs(nEpoch: number, lr: LrSpec | undefined, name: string): void {
    checkInteger('nEpoch', nEpoch, 0);
    const spec: unknown = lr ?? this.lr;
    const arg = lr === undefined ? "the learner's lr" : name;
    // From JavaScript anything comes: a string such as '3e-3' is refused whole (iterating it would name its '3').
    if (!(spec instanceof LrSlice) && typeof spec !== 'number' && !Array.isArray(spec))
      throw new InvalidArgumentError(arg, spec, 'a finite positive learning rate, an array of them, or slice(...)');
    const lrs =
      spec instanceof LrSlice
        ? [spec.start ?? spec.stop, spec.stop]
        : typeof spec === 'number'
          ? [spec]
          : [...(spec as readonly number[])];
    checkLearningRates(arg, lrs);
    if (nEpoch > 0 && this.dls.train.length === 0)
      throw new InvalidArgumentError(
        'bs',
        this.dls.train.bs,
        `at most the training set's size (${this.dls.train.n} items${this.dls.train.dropLast ? ', and the training loader drops the last partial batch' : ''}) so that an epoch has at least one batch`,
      );
  }

  /**
   * Trains for `nEpoch` epochs at a constant learning rate.
   * @example
   * ```ts
   * await learn.fit(2, 1e-3);
   * await learn.fit(1, slice(1e-5, 1e-3)); // discriminative learning rates
   * ```
   */
  async fit(nEpoch: number, lr?: LrSpec, opts: FitOptions = {}): Promise<void> {
    this.checkFitArgs(nEpoch, lr, 'lr');
    await ready();
    if (opts.resetOpt || !this.opt) this.createOpt();
    const opt = this.opt!;
    const wd = opts.wd ?? this.wd;
    if (wd !== undefined) opt.setHyper('wd', wd);
    opt.setHyper('lr', lrsForGroups(lr ?? this.lr, opt.paramGroups.length));
    this.nEpoch = nEpoch;
    const extra = opts.cbs ?? [];
    extra.forEach((cb) => this.addCb(cb));
    try {
      await this.withEvents(() => this.doFit(), 'Fit', CancelFitException);
    } catch (e) {
      this.abortProgress();
      // A failed fit keeps nothing of its own: the Recorder's unread losses and sums, the metrics' state.
      this.recorder.dispose();
      throw e;
    } finally {
      extra.forEach((cb) => this.removeCb(cb));
      this.clearBatch();
    }
  }

  /**
   * fastai's `fit_one_cycle`: learning rate warms up from `lrMax/div` to `lrMax` over `pctStart` of the
   * batches, then anneals (cosine) to `lrMax/divFinal`; momentum does the opposite.
   * @example
   * ```ts
   * await learn.fitOneCycle(4, 3e-3);
   * ```
   */
  async fitOneCycle(nEpoch: number, lrMax?: LrSpec, opts: FitOneCycleOptions = {}): Promise<void> {
    this.checkFitArgs(nEpoch, lrMax, 'lrMax');
    await ready();
    if (opts.resetOpt || !this.opt) this.createOpt();
    const opt = this.opt!;
    opt.setHyper('lr', lrsForGroups(lrMax ?? this.lr, opt.paramGroups.length));
    const maxes = opt.paramGroups.map((g) => g.lr);
    const s = oneCycleSchedules(maxes, { ...opts, moms: opts.moms ?? this.moms });
    const sched = new ParamScheduler({ lr: s.lr, mom: s.mom });
    await this.fit(nEpoch, maxes, { wd: opts.wd, cbs: [sched, ...(opts.cbs ?? [])] });
  }

  /**
   * fastai's `fine_tune`: `freezeEpochs` one-cycle epochs on the head, then everything unfrozen with
   * discriminative learning rates `slice(baseLr/2/lrMult, baseLr/2)`.
   * @example
   * ```ts
   * await learn.fineTune(3); // baseLr 2e-3
   * ```
   */
  async fineTune(epochs: number, baseLr = 2e-3, opts: FineTuneOptions = {}): Promise<void> {
    checkInteger('epochs', epochs, 0);
    checkLearningRates('baseLr', [baseLr]);
    const freezeEpochs = checkInteger('freezeEpochs', opts.freezeEpochs ?? 1, 0);
    const lrMult = opts.lrMult ?? 100;
    this.freeze();
    await this.fitOneCycle(freezeEpochs, slice(baseLr), { pctStart: 0.99, wd: opts.wd, cbs: opts.cbs });
    const lr = baseLr / 2;
    this.unfreeze();
    await this.fitOneCycle(epochs, slice(lr / lrMult, lr), {
      pctStart: opts.pctStart ?? 0.3,
      div: opts.div ?? 5,
      wd: opts.wd,
      cbs: opts.cbs,
    });
  }

  private async doFit(): Promise<void> {
    this.trainIter = 0;
    this.pctTrain = 0;
    for (let epoch = 0; epoch < this.nEpoch; epoch++) {
      this.epoch = epoch;
      await this.withEvents(() => this.doEpoch(), 'Epoch', CancelEpochException);
    }
  }

  private async doEpoch(): Promise<void> {
    this.model.train();
    this.training = true;
    this.dl = this.dls.train;
    this.nIter = this.dl.length;
    await this.withEvents(() => this.allBatches(), 'Train', CancelTrainException);
    await this.doValidate(this.dls.valid);
  }

  private async doValidate(dl: DataLoader<unknown>): Promise<void> {
    this.model.eval();
    this.training = false;
    this.dl = dl;
    this.nIter = dl.length;
    await this.withEvents(() => this.allBatches(), 'Validate', CancelValidException);
  }

  private async allBatches(): Promise<void> {
    this.iter = 0;
    for await (const b of this.dl!) {
      this.x = b.x;
      this.y = b.y;
      try {
        await this.withEvents(() => this.oneBatch(), 'Batch', CancelBatchException);
      } finally {
        this.clearBatch();
      }
      this.iter++;
    }
  }

  private clearBatch(): void {
    tf.dispose([
      ...this.x,
      ...(this.y ? [this.y] : []),
      ...(this.pred ? [this.pred] : []),
      ...(this.loss ? [this.loss] : []),
    ]);
    if (this.grads) tf.dispose(Object.values(this.grads));
    this.x = [];
    this.y = undefined;
    this.pred = undefined;
    this.loss = undefined;
    this.grads = undefined;
  }

  /** Forward (and loss, except in prediction), running the synchronous afterPred/afterLoss events; returns the loss. */
  private forward(): tf.Scalar | undefined {
    const pred = this.model.call(...this.x);
    this.pred = pred;
    this.syncEvent('afterPred');
    if (this.predicting) {
      tf.keep(this.pred);
      return undefined;
    }
    this.loss = this.lossFunc(this.pred, this.y!);
    this.syncEvent('afterLoss');
    tf.keep(this.pred);
    return this.loss;
  }

  /**
   * After an exception escaped the forward pass (a Cancel exception from `afterPred`/`afterLoss`, a loss that
   * throws): the tensors tf.tidy disposed are no longer the batch's, and the gradient tape's saved tensors —
   * which tfjs frees only after a backward pass — are freed here.
   */
  private afterFailedForward(): void {
    if (this.pred?.isDisposed) this.pred = undefined;
    if (this.loss?.isDisposed) this.loss = undefined;
    const state = tf.engine().state as unknown as {
      gradientDepth: number;
      activeTape: { saved?: tf.Tensor[] }[] | null;
    };
    if (state.gradientDepth === 0 && state.activeTape) {
      for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
      state.activeTape = null;
    }
  }

  private async oneBatch(): Promise<void> {
    if (!this.training) {
      try {
        const loss = tf.tidy(() => this.forward());
        this.loss = loss;
      } catch (e) {
        this.afterFailedForward();
        throw e;
      }
      return;
    }
    const vars = this.opt!.trainableVariables();
    await this.withEvents(
      async () => {
        try {
          const { value, grads } = tf.variableGrads(() => this.forward()!, vars);
          this.loss = value;
          this.grads = grads;
        } catch (e) {
          this.afterFailedForward();
          throw e;
        }
      },
      'Backward',
      CancelBackwardException,
    );
    // fastai runs the step's events even when the backward pass was cancelled (there is nothing to apply then).
    await this.withEvents(
      async () => {
        if (this.grads) this.opt!.step(this.grads);
      },
      'Step',
      CancelStepException,
    );
    if (!this.grads) return;
    this.pctTrain += 1 / (this.nIter * this.nEpoch);
    this.trainIter++;
  }

  /**
   * fastai's `learn.lr_find()`: see {@link lrFind}. The weights and optimizer state are restored afterwards.
   * @example
   * ```ts
   * const { valley } = await learn.lrFind({ plot: 'lr_find.png' });
   * await learn.fitOneCycle(3, valley);
   * const { minimum, steep } = await learn.lrFind({ suggestFuncs: [SuggestionMethod.Minimum, SuggestionMethod.Steep] });
   * ```
   */
  lrFind<N extends string = 'valley'>(opts: LrFindOptions<N> = {}): Promise<LrFindResult<N>> {
    return lrFind(this, opts);
  }

  /**
   * fastai's `learn.summary()`: the first training batch run through the model (one item, eval mode) with a hook
   * on every leaf layer, and Keras's table: each layer's type, output shape (tfai's layout, NHWC for images; the batch
   * dimension shown as the loader's batch size), parameter count and trainable flag, a new section where a layer
   * changes the shape; the totals; the optimizer, the loss, the freezing state and the callbacks. Returns the text
   * (fastai returns it for the notebook to show); print it yourself.
   * @example
   * ```ts
   * console.log(await learn.summary());
   * ```
   */
  summary(): Promise<string> {
    return learnerSummary(this);
  }

  /**
   * Loss and metrics over a loader (default: the validation set), in eval mode.
   * @example
   * ```ts
   * const { validLoss, metrics } = await learn.validate();
   * ```
   */
  async validate(dl: DataLoader<unknown> = this.dls.valid): Promise<ValidateResult> {
    await ready();
    await this.evalPass(dl, false);
    return { validLoss: this.recorder.lastValidLoss, metrics: { ...this.recorder.lastMetrics } };
  }

  /**
   * fastai's `get_preds`: predictions (after the loss's activation, e.g. softmax) and targets over a loader (default
   * the validation set), gathered by a {@link GatherPreds} callback in a validation pass: the learner's callbacks
   * with `runPredict` see `beforeValidate`, the batches and `afterValidate`. fastai returns a tuple
   * `(inputs?, preds, targs, decoded?, losses?)`; here the same tensors come by name: `inputs` (`withInput`: one
   * tensor per model input), `preds`, `targets`, `decoded` (`withDecoded`: the loss's `decodes` of `preds`, e.g.
   * the argmax), `losses` (`withLoss`: each item's loss, unreduced). `act` is the activation (`true`, the default:
   * the loss's; `false`: raw outputs; or a function). The loader is read in its own order. The caller disposes
   * every tensor returned.
   * @example
   * ```ts
   * const { preds, targets, decoded, losses } = await learn.getPreds({ withDecoded: true, withLoss: true });
   * const test = await learn.getPreds(learn.dls.testDl(rows), { act: false });
   * tf.dispose([preds, targets, decoded, losses, test.preds, test.targets]);
   * ```
   */
  async getPreds<I extends boolean = false, D extends boolean = false, L extends boolean = false>(
    opts?: GetPredsOptions<I, D, L>,
  ): Promise<GetPredsResult<I, D, L>>;
  async getPreds<I extends boolean = false, D extends boolean = false, L extends boolean = false>(
    dl: DataLoader<unknown>,
    opts?: GetPredsOptions<I, D, L>,
  ): Promise<GetPredsResult<I, D, L>>;
  async getPreds(
    dlOrOpts?: DataLoader<unknown> | GetPredsOptions,
    maybeOpts: GetPredsOptions = {},
  ): Promise<GetPredsResult<boolean, boolean, boolean>> {
    const isDl = dlOrOpts !== undefined && Symbol.asyncIterator in (dlOrOpts as object);
    const opts = isDl ? maybeOpts : ((dlOrOpts as GetPredsOptions | undefined) ?? {});
    const dl = isDl ? (dlOrOpts as DataLoader<unknown>) : (opts.dl ?? this.dls.valid);
    await ready();
    const gather = new GatherPreds({ act: opts.act ?? true, withInput: opts.withInput, withLoss: opts.withLoss });
    try {
      await this.evalPass(dl, true, [gather]);
      const res: { preds: tf.Tensor; targets: tf.Tensor; decoded?: tf.Tensor } = gather.result();
      if (opts.withDecoded) res.decoded = tf.tidy(() => this.lossFunc.decodes(res.preds));
      return res as GetPredsResult<boolean, boolean, boolean>;
    } finally {
      gather.dispose();
    }
  }

  /**
   * One validation pass over `dl` through the learner's callbacks (plus `extra`), restoring the phase after. Passes
   * share the learner's batch state, so concurrent `validate`/`getPreds` calls wait for each other.
   */
  private async evalPass(dl: DataLoader<unknown>, predicting: boolean, extra: Callback[] = []): Promise<void> {
    const prev = this.passLock;
    let release!: () => void;
    this.passLock = new Promise<void>((r) => (release = r));
    await prev;
    try {
      await this.evalPassNow(dl, predicting, extra);
    } finally {
      release();
    }
  }

  private async evalPassNow(dl: DataLoader<unknown>, predicting: boolean, extra: Callback[]): Promise<void> {
    const wasTraining = this.model.training;
    const saved = {
      training: this.training,
      predicting: this.predicting,
      dl: this.dl,
      nIter: this.nIter,
      iter: this.iter,
    };
    extra.forEach((cb) => this.addCb(cb));
    this.predicting = predicting;
    try {
      await this.doValidate(dl);
    } catch (e) {
      this.abortProgress();
      throw e;
    } finally {
      extra.forEach((cb) => this.removeCb(cb));
      this.clearBatch();
      Object.assign(this, saved);
      this.model.train(wasTraining);
    }
  }

  /**
   * fastai's `tta`: predictions over `dl` (default the validation set) with the training augmentation, `n` times,
   * averaged (or their maximum, `useMax`), then combined with the plain predictions as
   * `lerp(augPreds, preds, beta)` = `beta · preds + (1 − beta) · augPreds` (so beta = 1 gives the plain predictions);
   * with `useMax`, the elementwise maximum of both. Returns activated predictions and targets, as
   * {@link Learner.getPreds}; the caller disposes both.
   * @example
   * ```ts
   * const { preds, targets } = await learn.tta(); // n = 4, beta = 0.25
   * ```
   */
  tta(opts: TtaOptions = {}): Promise<{
    /** The combined activated predictions, one row per item (`[n, classes]` for classification). */
    preds: tf.Tensor;
    /** The items' targets, in the same order. */
    targets: tf.Tensor;
  }> {
    return tta(this, opts);
  }

  /** Model outputs (activated) for a batch of inputs already encoded as tensors. */
  predictBatch(x: tf.Tensor[]): tf.Tensor {
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      return tf.tidy(() => this.lossFunc.activation(this.model.call(...x)));
    } finally {
      this.model.train(wasTraining);
    }
  }

  /**
   * Predicts one raw item (an image path, a row, a text…) through the data's own encoding.
   * @example
   * ```ts
   * const { label, probs } = await learn.predict('cat.png');
   * ```
   */
  predict(item: unknown): Promise<Prediction> {
    return predictItem(this, item);
  }

  /**
   * Saves the model's weights (and optimizer state) to `<path>/<modelDir>/<name>.safetensors`, atomically.
   * @example
   * ```ts
   * await learn.save('stage-1');
   * await learn.load('stage-1');
   * ```
   */
  save(name: string, opts: { withOpt?: boolean } = {}): Promise<string> {
    return saveCheckpoint(this, name, opts);
  }

  /**
   * Loads weights (and optimizer state, if saved and `withOpt`) written by {@link save}.
   * @example
   * ```ts
   * await learn.load('stage-1', { withOpt: false });
   * ```
   */
  async load(name: string, opts: { withOpt?: boolean; strict?: boolean } = {}): Promise<this> {
    await loadCheckpoint(this, name, opts);
    return this;
  }

  /** A one-line description of the backend in use (the training log names it). */
  get backendName(): string {
    return getBackend() ?? tf.getBackend();
  }

  /**
   * The backend in use as the training log names it: {@link backendName}, and on wasm whether native (oneDNN)
   * kernels run and on which ISA, e.g. `wasm + native oneDNN 2.6.3 (avx512_core, 2 threads)`.
   */
  get backendDescription(): string {
    return describeBackend();
  }

  /** Frees the model, optimizer state and callbacks' tensors. */
  dispose(): void {
    this.clearBatch();
    this.opt?.dispose();
    this.recorder.dispose();
    this.model.dispose();
  }
}
