// Each metric against the value sklearn's / fastai's definition gives on fixed inputs: metrics-fixtures/
// metrics-expected.json, written by metrics-fixtures/metrics_expected.py (numpy; sklearn is not installed here).
// Every metric is fed in two uneven batches, so the set-wide value (not a mean of batch values) is what is checked.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { accuracy, errorRate, f1Score, mae, mse, perplexity, r2Score, rmse, rocAucBinary, topKAccuracy, type Metric } from './metrics.js';

interface Fixture {
  inputs: { logits: number[][]; labels: number[]; yreg: number[]; preg: number[]; binLogit: number[]; binY: number[]; lmLogits: number[][][]; lmY: number[][] };
  expected: Record<string, number>;
}
const fx = JSON.parse(readFileSync(new URL('./metrics-fixtures/metrics-expected.json', import.meta.url), 'utf8')) as Fixture;
const { inputs: I, expected: E } = fx;

/** Accumulates `pred`/`target` in two batches (the first 13 items, then the rest) and reads the value. */
async function value(m: Metric, pred: tf.Tensor, target: tf.Tensor, split = 13): Promise<number> {
  const n = pred.shape[0]!;
  m.reset();
  for (const [a, b] of [[0, split], [split, n]]) {
    const [p, t] = tf.tidy(() => [tf.slice(pred, a, b - a), tf.slice(target, a, b - a)]);
    m.accumulate(p, t);
    tf.dispose([p, t]);
  }
  const v = await m.value();
  m.reset();
  return v;
}

describe('metrics on fixed inputs (numpy-computed expectations)', () => {
  const logits = tf.tensor2d(I.logits);
  const labels = tf.tensor1d(I.labels, 'int32');
  const preg = tf.tensor1d(I.preg);
  const yreg = tf.tensor1d(I.yreg);
  const bin2 = tf.tensor2d(I.binLogit.map((s) => [0, s]));
  const bin1 = tf.tensor2d(I.binLogit.map((s) => [s]));
  const binY = tf.tensor1d(I.binY, 'int32');

  it('classification: accuracy, error rate, top-k, F1 (binary, macro, micro), ROC AUC with ties', async () => {
    expect(await value(accuracy(), logits, labels)).toBeCloseTo(E.accuracy, 6);
    expect(await value(errorRate(), logits, labels)).toBeCloseTo(E.error_rate, 6);
    expect(await value(topKAccuracy(2), logits, labels)).toBeCloseTo(E.top_k_accuracy_2, 6);
    expect(await value(f1Score(), bin2, binY)).toBeCloseTo(E.f1_binary, 6);
    expect(await value(f1Score({ average: 'macro' }), logits, labels)).toBeCloseTo(E.f1_macro, 6);
    expect(await value(f1Score({ average: 'micro' }), logits, labels)).toBeCloseTo(E.f1_micro, 6);
    expect(await value(rocAucBinary(), bin1, binY)).toBeCloseTo(E.roc_auc_score, 6);
    expect(await value(rocAucBinary(), bin2, binY)).toBeCloseTo(E.roc_auc_score, 6);
  });

  it('regression: MAE, MSE, RMSE and R² over the whole set', async () => {
    expect(await value(mae(), preg, yreg)).toBeCloseTo(E.mae, 5);
    expect(await value(mse(), preg, yreg)).toBeCloseTo(E.mse, 5);
    expect(await value(rmse(), preg, yreg)).toBeCloseTo(E._rmse, 5);
    expect(await value(r2Score(), preg, yreg)).toBeCloseTo(E.r2_score, 5);
  });

  it('perplexity: exp of the mean cross-entropy of a language model’s [B, T, V] outputs', async () => {
    const m = perplexity();
    m.accumulate(tf.tensor3d(I.lmLogits), tf.tensor2d(I.lmY, undefined, 'int32'));
    expect(await m.value()).toBeCloseTo(E.perplexity, 4);
    m.reset();
  });

  it('state stays on the device and is freed by reset; no value before any batch', async () => {
    const n0 = tf.memory().numTensors;
    for (const m of [accuracy(), rmse(), f1Score(), rocAucBinary()]) {
      expect(Number.isNaN(await m.value())).toBe(true);
      await value(m, logits, labels);
    }
    expect(tf.memory().numTensors).toBe(n0);
  });
});
