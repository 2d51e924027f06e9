import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../../errors.js';
import { Callback } from '../callback.js';

/** Options of {@link GatherPreds} (fastai's `GatherPredsCallback`). */
export interface GatherPredsOptions {
  /**
   * The activation applied to each batch's predictions: `true` (default) the loss's (softmax, sigmoid…), `false`
   * none, or a function (fastai's `act`).
   */
  act?: boolean | ((pred: tf.Tensor) => tf.Tensor);
  /** Also keep the inputs (one tensor per input of the model). */
  withInput?: boolean;
  /** Also compute each item's loss (the loss's `perItem` form, averaged per item: fastai's `loss_not_reduced`). */
  withLoss?: boolean;
}

/**
 * fastai's `GatherPredsCallback`: during a validation pass, keeps every batch's predictions (after the loss's
 * activation when `act`, the default) and targets, and optionally the inputs and each item's loss;
 * {@link GatherPreds.result} concatenates them. {@link Learner.getPreds} adds one for its pass; add your own to
 * gather during `validate()`.
 * @example
 * ```ts
 * const gather = new GatherPreds();
 * learn.addCb(gather);
 * await learn.validate();
 * const { preds, targets } = gather.result();
 * learn.removeCb(gather);
 * gather.dispose();
 * ```
 */
export class GatherPreds extends Callback {
  /** The activation (true: the loss's; false: none; or a function). */
  readonly act: boolean | ((pred: tf.Tensor) => tf.Tensor);
  /** Whether the inputs are kept too (fastai's `with_input`). Default false. */
  readonly withInput: boolean;
  /** Whether each item's loss is computed too (fastai's `with_loss`; needs a loss with `perItem`). Default false. */
  readonly withLoss: boolean;
  private preds: tf.Tensor[] = [];
  private targets: tf.Tensor[] = [];
  private inputs: tf.Tensor[][] = [];
  private losses: tf.Tensor[] = [];
  constructor(opts: GatherPredsOptions = {}) {
    super();
    this.act = opts.act ?? true;
    this.withInput = opts.withInput ?? false;
    this.withLoss = opts.withLoss ?? false;
  }
  override beforeValidate(): void {
    this.dispose();
    const lf = this.learn.lossFunc;
    if (this.withLoss && !lf.perItem)
      throw new InvalidArgumentError('withLoss', true, `a loss with a perItem form ('${lf.spec.name}' has none)`);
  }
  override afterBatch(): void {
    const l = this.learn;
    if (l.training || !l.pred) return;
    const pred = l.pred;
    const act = this.act;
    this.preds.push(
      tf.tidy(() => (act === true ? l.lossFunc.activation(pred) : act === false ? tf.clone(pred) : act(pred))),
    );
    if (l.y) this.targets.push(tf.clone(l.y));
    if (this.withInput) this.inputs.push(l.x.map((x) => tf.clone(x)));
    if (this.withLoss) {
      const y = l.y;
      if (!y) throw new InvalidArgumentError('withLoss', true, 'a loader with targets');
      const per = l.lossFunc.perItem!;
      // fastai: the unreduced loss when it has one value per item, else its mean over each item's values.
      this.losses.push(tf.tidy(() => tf.mean(per(pred, y).reshape([pred.shape[0], -1]), 1)));
    }
  }
  /**
   * The gathered predictions and targets (and inputs, item losses when asked), concatenated along the batch axis
   * (new tensors: the caller disposes them).
   */
  result(): {
    /** The predictions, `act` applied, one row per item (`[n, classes]` for classification). */
    preds: tf.Tensor;
    /** The targets, in the same order. */
    targets: tf.Tensor;
    /** The inputs, one tensor per model input, when `withInput`; else absent. */
    inputs?: tf.Tensor[];
    /** Each item's loss, shape `[n]`, when `withLoss`; else absent. */
    losses?: tf.Tensor;
  } {
    const out: { preds: tf.Tensor; targets: tf.Tensor; inputs?: tf.Tensor[]; losses?: tf.Tensor } = {
      preds: tf.concat(this.preds),
      targets: tf.concat(this.targets),
    };
    if (this.withInput) out.inputs = (this.inputs[0] ?? []).map((_, j) => tf.concat(this.inputs.map((b) => b[j])));
    if (this.withLoss) out.losses = tf.concat(this.losses);
    return out;
  }
  /** Frees the gathered batches. */
  dispose(): void {
    tf.dispose([...this.preds, ...this.targets, ...this.inputs.flat(), ...this.losses]);
    this.preds = [];
    this.targets = [];
    this.inputs = [];
    this.losses = [];
  }
}
