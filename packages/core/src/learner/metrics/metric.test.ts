import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { accuracy } from './accuracy.js';
import { f1Score } from './f1-score.js';
import { AccumMetric, AvgMetric } from './metric.js';
import { rmse } from './rmse.js';
import { rocAucBinary } from './roc-auc.js';
import { fixtureTensors, value } from '../../test-utils/metrics.js';

describe('AvgMetric and AccumMetric', () => {
  it('state stays on the device and is freed by reset; no value before any batch', async () => {
    const { logits, labels } = fixtureTensors();
    const n0 = tf.memory().numTensors;
    for (const m of [accuracy(), rmse(), f1Score(), rocAucBinary()]) {
      expect(Number.isNaN(await m.value())).toBe(true);
      await value(m, logits, labels);
    }
    expect(tf.memory().numTensors).toBe(n0);
  });

  it('AvgMetric weights each batch by its size; AccumMetric computes once over the set; directions default to max', async () => {
    const avg = new AvgMetric('mean', (p) => tf.mean(p) as tf.Scalar);
    const acc = new AccumMetric('max', (p) => Math.max(...p), undefined, 'min');
    const x = tf.tensor1d([1, 2, 3, 10]);
    expect(await value(avg, x, x, 3)).toBeCloseTo(4, 6); // (1+2+3+10)/4, not mean(2, 10) = 6
    expect(await value(acc, x, x, 1)).toBe(10);
    expect([avg.direction, acc.direction]).toEqual(['max', 'min']);
    x.dispose();
  });
});
