// fastai's `accuracy`: the fraction of items whose argmax is the target.
import * as tf from '@tensorflow/tfjs-core';
import { AvgMetric, type Metric } from './metric.js';

/** Whether each item's argmax equals its target (class axis last); shared with {@link errorRate}. */
export const argmaxEq = (pred: tf.Tensor, target: tf.Tensor) =>
  tf.equal(tf.argMax(pred, -1), target.toInt().reshape(pred.shape.slice(0, -1)));

/**
 * Fraction of items whose argmax equals the target (any leading shape; class axis last).
 * @example
 * ```ts
 * new Learner(dls, model, { metrics: [accuracy()] });
 * ```
 */
export function accuracy(): Metric {
  return new AvgMetric('accuracy', (p, t) => tf.mean(argmaxEq(p, t).toFloat()) as tf.Scalar);
}
