// fastai's RNN callbacks (`fastai/callback/rnn.py`): ModelResetter, and RNNRegularizer (AR/TAR) reading the model's
// extra outputs (what fastai's RNNCallback splits off; here `SequentialRNN.extraOutputs` keeps them).
import * as tf from '@tensorflow/tfjs-core';
import { Callback } from '@tfai/core';
import type { SequentialRNN } from '../models/sequential-rnn.js';

/** A model with a recurrent state. */
interface Resettable {
  reset(): void;
}

/**
 * fastai's `ModelResetter`: clears the model's hidden state before training, before and after validation (and `getPreds`) and after the fit,
 * so a language model never carries the state of one phase into the other. Text learners add it themselves.
 * @example
 * ```ts
 * new Learner(dls, lm, { cbs: [new ModelResetter()] });
 * ```
 */
export class ModelResetter extends Callback {
  private reset(): void {
    const m = this.learn.model as unknown as Partial<Resettable>;
    m.reset?.();
  }
  override beforeTrain(): void {
    this.reset();
  }
  override beforeValidate(): void {
    this.reset();
  }
  /** Also after validation (and prediction), so `validate()`/`getPreds()` leave no hidden state behind. */
  override afterValidate(): void {
    this.reset();
  }
  override afterFit(): void {
    this.reset();
  }
}

/**
 * fastai's `RNNRegularizer`, in training only: adds activation regularisation `α·mean(out²)` on the encoder's last
 * output after the head's dropout, and temporal activation regularisation `β·mean((h[:, t+1] − h[:, t])²)` on the
 * raw output, to the loss (inside the gradient tape, in `afterLoss`). The two tensors are the model's
 * {@link SequentialRNN.extraOutputs} `[rawOut, out]`.
 *
 * fastai adds the penalty to `loss_grad` only; here the Learner records the regularised loss as the training loss.
 * @example
 * ```ts
 * new Learner(dls, lm, { cbs: [new ModelResetter(), new RNNRegularizer(2, 1)] });
 * ```
 */
export class RNNRegularizer extends Callback {
  override order = 1;
  override runValid = false;
  constructor(
    /** Weight α of activation regularisation, `α·mean(out²)` (fastai's `alpha`; the text learners use 2). */
    readonly alpha = 0,
    /** Weight β of temporal activation regularisation, `β·mean((h[t+1] − h[t])²)` (fastai's `beta`; the text learners use 1). */
    readonly beta = 0,
  ) {
    super();
  }
  override afterLoss(): void {
    const l = this.learn;
    if (!l.training || !l.loss) return;
    const extra = (l.model as unknown as Partial<SequentialRNN>).extraOutputs;
    if (!extra || extra.length < 2) return;
    const [rawOut, out] = extra;
    let loss: tf.Scalar = l.loss;
    if (this.alpha) loss = tf.add(loss, tf.mul(this.alpha, tf.mean(tf.square(out))));
    if (this.beta && rawOut.rank === 3 && rawOut.shape[1]! > 1) {
      const T = rawOut.shape[1]!;
      const h1 = tf.slice(rawOut, [0, 1, 0], [-1, T - 1, -1]);
      const h0 = tf.slice(rawOut, [0, 0, 0], [-1, T - 1, -1]);
      loss = tf.add(loss, tf.mul(this.beta, tf.mean(tf.square(tf.sub(h1, h0)))));
    }
    l.loss = loss;
  }
}

/**
 * fastai's `rnn_cbs(alpha, beta)`: the callbacks a text learner adds.
 * @example
 * ```ts
 * new Learner(dls, lm, { cbs: rnnCbs(2, 1) });
 * ```
 */
export function rnnCbs(alpha = 0, beta = 0): Callback[] {
  return [new ModelResetter(), new RNNRegularizer(alpha, beta)];
}
