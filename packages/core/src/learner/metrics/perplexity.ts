// fastai's `Perplexity`: exp of the mean cross-entropy of a language model (lower is better).
import * as tf from '@tensorflow/tfjs-core';
import { AvgMetric, type Metric } from './metric.js';

/** `exp(cross-entropy)` for language models (pred `[B, T, V]`, target `[B, T]`). */
export function perplexity(): Metric {
  const m = new AvgMetric('perplexity', (p, t) => {
    const v = p.shape[p.rank - 1]!;
    const logp = tf.logSoftmax(p.reshape([-1, v]));
    return tf.neg(tf.mean(tf.sum(tf.mul(logp, tf.oneHot(t.reshape([-1]).toInt(), v)), 1))) as tf.Scalar;
  });
  return {
    name: 'perplexity',
    direction: 'min',
    reset: () => m.reset(),
    accumulate: (p, t) => m.accumulate(p, t),
    value: async () => Math.exp(await m.value()),
  };
}
