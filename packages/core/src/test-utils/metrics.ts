// Test helpers of the metric tests (not built): the fixed inputs and the values sklearn's / fastai's definitions give
// on them (learner/metrics/fixtures/metrics-expected.json, written by metrics_expected.py there with numpy; sklearn is not
// installed here), and a two-batch accumulation so the set-wide value, not a mean of batch values, is checked.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { Metric } from '../learner/metrics/metric.js';

interface Fixture {
  inputs: {
    logits: number[][];
    labels: number[];
    yreg: number[];
    preg: number[];
    binLogit: number[];
    binY: number[];
    lmLogits: number[][][];
    lmY: number[][];
  };
  expected: Record<string, number>;
}
const fx = JSON.parse(
  readFileSync(new URL('../learner/metrics/fixtures/metrics-expected.json', import.meta.url), 'utf8'),
) as Fixture;
/** The fixed inputs. */
export const I = fx.inputs;
/** The expected values, by fastai's metric name. */
export const E = fx.expected;

/** The fixed inputs as tensors: 4-class logits/labels, regression preds/targets, binary scores (one and two columns). */
export function fixtureTensors() {
  return {
    logits: tf.tensor2d(I.logits),
    labels: tf.tensor1d(I.labels, 'int32'),
    preg: tf.tensor1d(I.preg),
    yreg: tf.tensor1d(I.yreg),
    bin2: tf.tensor2d(I.binLogit.map((s) => [0, s])),
    bin1: tf.tensor2d(I.binLogit.map((s) => [s])),
    binY: tf.tensor1d(I.binY, 'int32'),
  };
}

/** Accumulates `pred`/`target` in two batches (the first 13 items, then the rest) and reads the value. */
export async function value(m: Metric, pred: tf.Tensor, target: tf.Tensor, split = 13): Promise<number> {
  const n = pred.shape[0]!;
  m.reset();
  for (const [a, b] of [
    [0, split],
    [split, n],
  ]) {
    const [p, t] = tf.tidy(() => [tf.slice(pred, a, b - a), tf.slice(target, a, b - a)]);
    m.accumulate(p, t);
    tf.dispose([p, t]);
  }
  const v = await m.value();
  m.reset();
  return v;
}
