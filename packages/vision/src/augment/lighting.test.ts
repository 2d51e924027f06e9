import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@tfai/core';
import { describe, expect, it } from 'vitest';
import { LightingTfm } from './lighting.js';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const logit = (p: number) => Math.log(p / (1 - p));

describe('LightingTfm: fastai’s Brightness and Contrast in logit space', () => {
  it('computes sigmoid((logit(x) + logit(b)) · c) per image', () => {
    const x = tf.tensor4d([0.2, 0.5, 0.9, 0.2, 0.5, 0.9], [2, 1, 1, 3]);
    const t = new LightingTfm();
    const y = t.apply(x, Float32Array.from([logit(0.6), logit(0.5)]), Float32Array.from([1, 1.25]));
    const want = [0.2, 0.5, 0.9]
      .map((v) => sigmoid(logit(v) + logit(0.6)))
      .concat([0.2, 0.5, 0.9].map((v) => sigmoid(logit(v) * 1.25)));
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    tf.dispose([x, y]);
  });

  it('draws brightness in 0.5·(1 ± max) and contrast in exp(±log(1 − max)), neutral with probability 1 − p', () => {
    const t = new LightingTfm({ maxLighting: 0.2, pLighting: 0.75 });
    const rng = new Rng(0);
    let neutralB = 0;
    for (let i = 0; i < 2000; i++) {
      const { brightness, contrast } = t.draw(rng);
      expect(brightness).toBeGreaterThanOrEqual(0.4);
      expect(brightness).toBeLessThanOrEqual(0.6);
      expect(contrast).toBeGreaterThanOrEqual(0.8 - 1e-12);
      expect(contrast).toBeLessThanOrEqual(1 / 0.8 + 1e-12);
      if (brightness === 0.5) neutralB++;
    }
    expect(neutralB / 2000).toBeCloseTo(0.25, 1);
  });

  it('leaves validation batches alone', () => {
    const x = tf.ones([1, 2, 2, 3]) as tf.Tensor4D;
    expect(new LightingTfm().encodes(x, { train: false, rng: new Rng(0) })).toBe(x);
    x.dispose();
  });
});
