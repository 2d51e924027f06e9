// fastai's `mae`: mean absolute error (lower is better).
import * as tf from '@tensorflow/tfjs-core';
import { AvgMetric, type Metric } from './metric.js';

/** Mean absolute error. */
export function mae(): Metric {
  return new AvgMetric(
    'mae',
    (p, t) => tf.mean(tf.abs(tf.sub(p.reshape([-1]), t.reshape([-1]).toFloat()))) as tf.Scalar,
    'min',
  );
}
