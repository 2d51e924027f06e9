// The fused dropout kernel against tf.dropout, on wasm and cpu: the same mask for the same seed (bit for bit),
// gradients, kernel counts, no tensors left behind.
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Dropout } from '../../nn/layers/dropout.js';
import { manualSeed } from '../../nn/random.js';
import { setFused } from '../fused.js';
import { dropout } from '../fused-ops.js';
import { alea } from './dropout.js';
import { describeOnBackends, kernelNames, rand } from '../../test-utils/backends.js';

describeOnBackends('dropout', () => {
  it("alea() is seedrandom's: tf.randomUniform's values bit for bit", () => {
    for (const seed of [0, 42, 1234567890]) {
      const next = alea(String(seed));
      const ours = Float32Array.from({ length: 257 }, () => next());
      const ref = tf.tidy(() => tf.randomUniform([257], 0, 1, 'float32', seed).dataSync());
      expect(Array.from(ours)).toEqual(Array.from(ref));
    }
  });

  const cases: { shape: number[]; rate: number; noise?: number[] }[] = [
    { shape: [64, 33], rate: 0.5 },
    { shape: [41], rate: 0.1 },
    { shape: [1, 5], rate: 0.25 },
    { shape: [3, 5, 4], rate: 0.3, noise: [3, 1, 4] }, // RNNDropout: one mask per sequence
    { shape: [11, 6], rate: 0.4, noise: [11, 1] }, // EmbeddingDropout: whole rows
    { shape: [2, 3, 4, 5], rate: 0.6, noise: [1, 3, 1, 5] },
  ];
  it.each(cases)(
    '$shape rate=$rate noise=$noise: output and gradient equal tf.dropout bit for bit',
    async ({ shape, rate, noise }) => {
      const x = rand(shape, 71, 2);
      const up = rand(shape, 72);
      const seed = 987654;
      const fused = tf.tidy(() => {
        const y = dropout(x, rate, noise, seed);
        const [g] = tf.grads((xx: tf.Tensor) => tf.sum(tf.mul(dropout(xx, rate, noise, seed), up)))([x]);
        return [y, g];
      });
      const plain = tf.tidy(() => {
        const y = tf.dropout(x, rate, noise, seed);
        const [g] = tf.grads((xx: tf.Tensor) => tf.sum(tf.mul(tf.dropout(xx, rate, noise, seed), up)))([x]);
        return [y, g];
      });
      const [fy, fg, py, pg] = await Promise.all([...fused, ...plain].map(async (t) => Array.from(await t.data())));
      expect(fy).toEqual(py);
      expect(fg).toEqual(pg);
      // Some elements dropped, some kept and scaled.
      expect(fy.some((v) => v === 0)).toBe(true);
      expect(fy.some((v) => v !== 0)).toBe(true);
      tf.dispose([x, up, ...fused, ...plain]);
    },
  );

  it('Dropout after manualSeed: the same masks fused and unfused, one kernel, numTensors flat', async () => {
    const d = new Dropout(0.5).train();
    const x = rand([8, 16], 81);
    const draw = () => {
      manualSeed(5);
      return tf.tidy(() => [d.call(x), d.call(x)]);
    };
    const f = draw();
    const restore = setFused('dropout', false);
    const p = draw();
    restore();
    for (let i = 0; i < 2; i++) expect(Array.from(await f[i].data())).toEqual(Array.from(await p[i].data()));
    expect(Array.from(await f[0].data())).not.toEqual(Array.from(await f[1].data()));
    const prof = await tf.profile(() => tf.tidy(() => void d.call(x)));
    expect(kernelNames(prof)).toEqual(['TfaiDropout']);
    const v = tf.variable(x);
    const step = () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(d.call(v)) as tf.Scalar, [v]);
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, v, ...f, ...p]);
  });
});
