// BCEWithLogitsLossFlat, accuracy_multi, FBetaMulti and F1ScoreMulti against fastai 2.7.12's own values
// (../shared/reference/fastai/t3.json).
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { needsReference, referenceFile } from '@tfai/test-utils';
import { describe, expect, it } from 'vitest';
import { bceWithLogitsLossFlat } from '../loss.js';
import { accuracyMulti } from './accuracy-multi.js';
import { f1ScoreMulti, fBetaMulti } from './fbeta-multi.js';
import type { Metric } from './metric.js';

const T3 = 'fastai/t3.json';
interface Ref {
  bce_with_logits_flat: {
    logits: number[][];
    targets: number[][];
    loss: number;
    activation: number[][];
    'decodes_thresh_0.5': boolean[][];
    'loss_thresh_0.2_decodes': boolean[][];
  };
  accuracy_multi: Record<string, number>;
  fbeta_multi_beta2_samples: number;
  f1_multi_macro: number;
}
const ref = (): Ref => JSON.parse(readFileSync(referenceFile(T3), 'utf8')) as Ref;

/** The metric over two batches (rows 0–2 and 3–5), so the whole-set value is checked. */
async function over2(m: Metric, p: tf.Tensor2D, t: tf.Tensor2D): Promise<number> {
  m.reset();
  for (const [a, b] of [
    [0, 3],
    [3, 3],
  ]) {
    const [ps, ts] = [p.slice(a, b), t.slice(a, b)];
    m.accumulate(ps, ts); // outside tf.tidy: the metric keeps its running state
    tf.dispose([ps, ts]);
  }
  const v = await m.value();
  m.reset();
  return v;
}

describe('multi-label losses and metrics (fastai t3.json)', needsReference(T3), () => {
  it('BCEWithLogitsLossFlat: loss, sigmoid activation, decodes (x > thresh) at 0.5 and 0.2', async () => {
    const r = ref().bce_with_logits_flat;
    const x = tf.tensor2d(r.logits);
    const y = tf.tensor2d(r.targets);
    const loss = bceWithLogitsLossFlat();
    const before = tf.memory().numTensors;
    const l = loss(x, y);
    expect((await l.data())[0]).toBeCloseTo(r.loss, 6);
    const act = loss.activation(x);
    const a = (await act.array()) as number[][];
    a.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(r.activation[i][j], 6)));
    // fastai's decodes is `x > thresh`; the oracle applied it to the logits above.
    const d5 = loss.decodes(x);
    const d2 = bceWithLogitsLossFlat({ threshold: 0.2 }).decodes(x);
    expect(((await d5.array()) as number[][]).map((row) => row.map(Boolean))).toEqual(r['decodes_thresh_0.5']);
    expect(((await d2.array()) as number[][]).map((row) => row.map(Boolean))).toEqual(r['loss_thresh_0.2_decodes']);
    tf.dispose([l, act, d5, d2]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('accuracy_multi at five settings, FBetaMulti(beta=2, samples), F1ScoreMulti(macro)', async () => {
    const R = ref();
    const x = tf.tensor2d(R.bce_with_logits_flat.logits);
    const y = tf.tensor2d(R.bce_with_logits_flat.targets);
    const probs = tf.sigmoid(x) as tf.Tensor2D;
    const am = R.accuracy_multi;
    expect(await over2(accuracyMulti(), x, y)).toBeCloseTo(am.default, 6);
    expect(await over2(accuracyMulti({ thresh: 0.3 }), x, y)).toBeCloseTo(am['thresh_0.3'], 6);
    expect(await over2(accuracyMulti({ thresh: 0.7 }), x, y)).toBeCloseTo(am['thresh_0.7'], 6);
    expect(await over2(accuracyMulti({ thresh: 0.1 }), x, y)).toBeCloseTo(am['thresh_0.1'], 6);
    expect(await over2(accuracyMulti({ sigmoid: false }), probs, y)).toBeCloseTo(am.no_sigmoid_on_probs, 6);
    expect(await over2(fBetaMulti(2, { average: 'samples' }), x, y)).toBeCloseTo(R.fbeta_multi_beta2_samples, 6);
    expect(await over2(f1ScoreMulti(), x, y)).toBeCloseTo(R.f1_multi_macro, 6);
    expect(accuracyMulti().direction).toBe('max');
    tf.dispose([x, y, probs]);
  });
});
