// fastai's `mse`: mean squared error (lower is better).
import * as tf from '@tensorflow/tfjs-core';
import { AvgMetric, type Metric } from './metric.js';

/** Mean squared error. */
export function mse(): Metric {
  return new AvgMetric(
    'mse',
    (p, t) => tf.mean(tf.squaredDifference(p.reshape([-1]), t.reshape([-1]).toFloat())) as tf.Scalar,
    'min',
  );
}
