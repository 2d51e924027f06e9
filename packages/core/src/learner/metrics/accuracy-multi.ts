// fastai's `accuracy_multi`: the fraction of (item, label) pairs whose thresholded prediction equals the target.
import * as tf from '@tensorflow/tfjs-core';
import { AvgMetric, type Metric } from './metric.js';

/** Options of {@link accuracyMulti} and the multi-label F scores. */
export interface MultiLabelMetricOptions {
  /** The probability above which a label is predicted (default 0.5). */
  thresh?: number;
  /** Apply a sigmoid to the predictions first (default true: they are logits). */
  sigmoid?: boolean;
}

/**
 * fastai's `accuracy_multi`: predictions (logits, or probabilities with `sigmoid: false`) above `thresh` compared
 * with one-hot targets, averaged over every item and label.
 * @example
 * ```ts
 * new Learner(dls, model, { metrics: [accuracyMulti({ thresh: 0.2 })] });
 * ```
 */
export function accuracyMulti(opts: MultiLabelMetricOptions = {}): Metric {
  const thresh = opts.thresh ?? 0.5;
  const sigmoid = opts.sigmoid ?? true;
  return new AvgMetric('accuracy_multi', (p, t) => {
    const probs = sigmoid ? tf.sigmoid(p) : p;
    const pred = tf.greater(probs.reshape([-1]), thresh);
    return tf.mean(tf.equal(pred, tf.cast(t.reshape([-1]), 'bool')).toFloat()) as tf.Scalar;
  });
}
