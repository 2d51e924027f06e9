// The Learner's option and result types: its constructor's options, fit's, and what validate and predict return.
import type * as tf from '@tensorflow/tfjs-core';
import type { DataLoader } from '../data/dataloader.js';
import type { Module } from '../nn/module.js';
import type { LrSlice } from '../optim/lr.js';
import type { OptFactory } from '../optim/optimizer.js';
import type { OneCycleOptions } from '../optim/schedule.js';
import type { Splitter } from '../optim/splitter.js';
import type { Callback } from './callback.js';
import type { ProgressOptions } from './callbacks/progress.js';
import type { Loss } from './loss.js';
import type { Metric } from './metrics/index.js';

/** A model as the Learner calls it: `model.call(...batch.x)`. */
export type LearnerModel = Module<tf.Tensor[], tf.Tensor>;

/** A learning rate: one for all groups, one per group, or a `slice` spread over the groups. */
export type LrSpec = number | LrSlice | readonly number[];

/** How an exported learner is rebuilt: a builder registered by name, from a tfai package. */
export interface BuilderSpec {
  /** The tfai package exporting `learnerBuilders[name]` (e.g. `@tfai/vision`); omitted for builders registered in-process. */
  package?: string;
  /** The builder's name in that package's `learnerBuilders` (e.g. `'visionLearner'`, `'tabularLearner'`). */
  name: string;
  /** The builder's arguments, JSON-serialisable (architecture, head options, vocab sizes…), passed back to it on load. */
  args: unknown;
}

/** Options of {@link Learner}. */
export interface LearnerOptions {
  /** Default: cross-entropy. */
  lossFunc?: Loss;
  /** Metrics computed on the validation set after each epoch, one epoch-table column each (fastai's `metrics`). Default none. */
  metrics?: Metric | Metric[];
  /** Parameter groups (default: one group). */
  splitter?: Splitter;
  /** Optimizer factory (default `adam`). */
  opt?: OptFactory;
  /** Default learning rate (fastai: 1e-3). */
  lr?: number;
  /** Weight decay; default: the optimizer's (0.01 for Adam). */
  wd?: number;
  /** Keep BatchNorm parameters trainable in frozen groups (default true). */
  trainBn?: boolean;
  /** One-cycle momentums (default [0.95, 0.85, 0.95]). */
  moms?: [number, number, number];
  /** Callbacks attached for the learner's life, after its `Recorder` and `ProgressCallback` (fastai's `cbs`). */
  cbs?: Callback[];
  /** Folder for `save`/`load` (`<path>/<modelDir>/<name>.safetensors`) and exports. Default '.'. */
  path?: string;
  /** Sub-folder of `path` where `save`/`load` put checkpoints (fastai's `model_dir`). Default `'models'`. */
  modelDir?: string;
  /** Where the epoch table and messages go (default console.log). */
  logger?: (line: string) => void;
  /**
   * Progress bars (default true); options say where they go and how often to log. `false` drops the bars only: the
   * epoch table still goes to `logger`, as fastai's (silence it with `logger: () => {}`).
   */
  progress?: boolean | ProgressOptions;
  /** How to rebuild this learner from an export (set by `visionLearner`, `tabularLearner`…). */
  builder?: BuilderSpec;
}

/** Options of {@link Learner.fit}. */
export interface FitOptions {
  /** Weight decay for this fit and after (set on the optimizer); default the learner's `wd`, else the optimizer's. */
  wd?: number;
  /** Callbacks attached for this fit only, removed when it ends (fastai's `cbs` argument of `fit`). */
  cbs?: Callback[];
  /** Build a fresh optimizer first, dropping its moments and step counts (fastai's `reset_opt`). Default false; `fineTune` ignores it. */
  resetOpt?: boolean;
}

/** Options of {@link Learner.fitOneCycle}. */
export interface FitOneCycleOptions extends FitOptions, OneCycleOptions {}

/** Options of {@link Learner.fineTune}. */
export interface FineTuneOptions extends FitOptions {
  /** One-cycle epochs on the frozen model (head only) before unfreezing (fastai's `freeze_epochs`). Default 1. */
  freezeEpochs?: number;
  /** The ratio of the head's learning rate to the first group's once unfrozen, `slice(lr/lrMult, lr)` (fastai's `lr_mult`). Default 100. */
  lrMult?: number;
  /** The unfrozen one-cycle's warm-up fraction (fastai's `pct_start`; the frozen one uses 0.99). Default 0.3. */
  pctStart?: number;
  /** The unfrozen one-cycle starts at `lr/div` (fastai's `div`). Default 5. */
  div?: number;
}

/**
 * Options of {@link Learner.getPreds}, fastai's `get_preds` arguments. The type parameters are the three flags as
 * given (so the result type has exactly the members asked for).
 */
export interface GetPredsOptions<
  I extends boolean = boolean,
  D extends boolean = boolean,
  L extends boolean = boolean,
> {
  /** The loader (default the validation set; fastai's `dl`, or `ds_idx=1`). */
  dl?: DataLoader<unknown>;
  /** Also return the inputs (fastai's `with_input`). */
  withInput?: I;
  /** Also return the loss's `decodes` of the predictions (fastai's `with_decoded`). */
  withDecoded?: D;
  /** Also return each item's loss, unreduced (fastai's `with_loss`). */
  withLoss?: L;
  /** The activation: `true` (default) the loss's, `false` none, or a function (fastai's `act`). */
  act?: boolean | ((pred: tf.Tensor) => tf.Tensor);
}

/**
 * Result of {@link Learner.getPreds}: fastai's tuple `(inputs?, preds, targs, decoded?, losses?)` by name, each
 * optional member present exactly when its flag is `true`.
 */
export type GetPredsResult<I extends boolean = false, D extends boolean = false, L extends boolean = false> = {
  /** Activated predictions (fastai's `preds`). */
  preds: tf.Tensor;
  /** Targets (fastai's `targs`). */
  targets: tf.Tensor;
} & (true extends I
  ? {
      /** The inputs, one tensor per model input, concatenated over the batches (fastai's `inputs`). */
      inputs: tf.Tensor[];
    }
  : unknown) &
  (true extends D
    ? {
        /** The loss's `decodes` of `preds`: class indices for cross-entropy, `probs > threshold` for multi-label (fastai's `decoded`). */
        decoded: tf.Tensor;
      }
    : unknown) &
  (true extends L
    ? {
        /** Each item's loss, unreduced, shape `[n]` (fastai's `losses`). */
        losses: tf.Tensor;
      }
    : unknown);

/** Result of {@link Learner.validate}. */
export interface ValidateResult {
  /** The mean loss over the validation set (weighted by batch size, as fastai's `valid_loss`). */
  validLoss: number;
  /** Each metric's value on the validation set, keyed by the metric's name (`accuracy`, `error_rate`…). */
  metrics: Record<string, number>;
}

/** Options of {@link Learner.tta}, fastai's names. */
export interface TtaOptions {
  /** The loader (default the validation set); it must offer `withTrainAugmentation()`. */
  dl?: DataLoader<unknown>;
  /** Augmented passes (default 4). */
  n?: number;
  /** The weight of the plain predictions against the mean of the augmented ones (default 0.25). */
  beta?: number;
  /** Take the elementwise maximum of the augmented passes and the plain predictions instead (default false). */
  useMax?: boolean;
}

/** Result of {@link Learner.predict}. */
export interface Prediction {
  /** The decoded prediction: class index, or values for regression / multi-label. */
  decoded: number | number[];
  /** The class name when the data has a vocab and the prediction is a class index. */
  label?: string;
  /** Activated outputs (probabilities for classification) of the item. */
  probs: number[];
}
