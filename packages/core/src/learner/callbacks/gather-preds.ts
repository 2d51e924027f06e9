import * as tf from '@tensorflow/tfjs-core';
import { Callback } from '../callback.js';

/**
 * fastai's `GatherPredsCallback`: during a validation pass, keeps every batch's predictions (after the loss's
 * activation when `act`, the default) and targets; {@link GatherPreds.result} concatenates them.
 * {@link Learner.getPreds} adds one for its pass; add your own to gather during `validate()`.
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
  /** Apply the loss's activation (softmax, sigmoid…) to the predictions. */
  readonly act: boolean;
  private preds: tf.Tensor[] = [];
  private targets: tf.Tensor[] = [];
  constructor(opts: { act?: boolean } = {}) {
    super();
    this.act = opts.act ?? true;
  }
  override beforeValidate(): void {
    this.dispose();
  }
  override afterBatch(): void {
    const l = this.learn;
    if (l.training || !l.pred) return;
    const pred = l.pred;
    this.preds.push(tf.tidy(() => (this.act ? l.lossFunc.activation(pred) : tf.clone(pred))));
    if (l.y) this.targets.push(tf.clone(l.y));
  }
  /** The gathered predictions and targets, concatenated along the batch axis (new tensors: the caller disposes them). */
  result(): { preds: tf.Tensor; targets: tf.Tensor } {
    return { preds: tf.concat(this.preds), targets: tf.concat(this.targets) };
  }
  /** Frees the gathered batches. */
  dispose(): void {
    tf.dispose([...this.preds, ...this.targets]);
    this.preds = [];
    this.targets = [];
  }
}
