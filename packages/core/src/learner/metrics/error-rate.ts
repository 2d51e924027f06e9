// fastai's `error_rate`: 1 − accuracy (lower is better).
import * as tf from '@tensorflow/tfjs-core';
import { argmaxEq } from './accuracy.js';
import { AvgMetric, type Metric } from './metric.js';

/** `1 - accuracy`. */
export function errorRate(): Metric {
  return new AvgMetric('error_rate', (p, t) => tf.sub(1, tf.mean(argmaxEq(p, t).toFloat())) as tf.Scalar, 'min');
}
