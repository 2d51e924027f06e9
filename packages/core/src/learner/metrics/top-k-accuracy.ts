// fastai's `top_k_accuracy`: whether the target is among the k highest scores.
import * as tf from '@tensorflow/tfjs-core';
import { AvgMetric, type Metric } from './metric.js';

/** Whether the target is among the `k` highest predictions. */
export function topKAccuracy(k = 5): Metric {
  return new AvgMetric('top_k_accuracy', (p, t) => {
    const { indices } = tf.topk(p, k);
    return tf.mean(tf.any(tf.equal(indices, t.toInt().reshape([-1, 1])), 1).toFloat()) as tf.Scalar;
  });
}
