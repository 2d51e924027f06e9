import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { manualSeed } from '@tfai/core';
import { SelfAttention, SpectralConv1d } from './self-attention.js';

describe("SelfAttention as fastai's", () => {
  it('is the identity while gamma is 0, and has fastai/PyTorch names (spectral norm: weight_orig, weight_u, weight_v)', () => {
    const sa = new SelfAttention(16);
    const x = tf.randomNormal([2, 4, 4, 16]);
    const y = sa.call(x);
    expect(tf.tidy(() => tf.sub(y, x).abs().max().dataSync()[0])).toBe(0);
    expect(Object.keys(sa.stateDict()).sort()).toEqual(
      [
        'gamma',
        'key.0.weight_orig',
        'key.0.weight_u',
        'key.0.weight_v',
        'query.0.weight_orig',
        'query.0.weight_u',
        'query.0.weight_v',
        'value.0.weight_orig',
        'value.0.weight_u',
        'value.0.weight_v',
      ].sort(),
    );
    tf.dispose([x, y]);
    sa.dispose();
  });

  it("computes x + γ·(softmax over positions of f·g) applied to h, as fastai's NCHW formula", () => {
    const sa = new SelfAttention(8);
    sa.gamma.variable.assign(tf.tensor1d([0.7]));
    sa.eval();
    const x = tf.randomNormal([1, 2, 3, 8]);
    const got = sa.call(x);
    const want = tf.tidy(() => {
      // fastai, on NCHW flattened to [C, N]: f, g, h = W·x; beta = softmax(fᵀg, dim=0); o = γ·h·beta + x.
      const xc = x.reshape([6, 8]).transpose(); // [C, N]
      const w = (m: SelfAttention['query']) => (m.get(0) as SpectralConv1d).weight();
      const f = tf.matMul(w(sa.query), xc);
      const g = tf.matMul(w(sa.key), xc);
      const h = tf.matMul(w(sa.value), xc);
      const beta = tf.softmax(tf.matMul(f, g, true, false).transpose()).transpose(); // softmax over dim 0
      return tf
        .add(tf.mul(0.7, tf.matMul(h, beta)), xc)
        .transpose()
        .reshape([1, 2, 3, 8]);
    });
    expect(tf.tidy(() => tf.sub(got, want).abs().max().dataSync()[0])).toBeLessThan(1e-5);
    tf.dispose([x, got, want]);
    sa.dispose();
  });

  it('spectral norm: after power iterations in training the weight has spectral norm ≈ 1', () => {
    manualSeed(0); // the weight and u, v are drawn from the global generator: a fixed draw, not whatever came before
    const c = new SpectralConv1d(12, 6);
    for (let i = 0; i < 30; i++) c.weight().dispose();
    const s = tf.tidy(() => {
      const w = c.weight();
      // Largest singular value by power iteration on WᵀW.
      let v = tf.ones([12, 1]);
      for (let i = 0; i < 100; i++)
        v = tf.div(tf.matMul(w, tf.matMul(w, v), true), tf.norm(tf.matMul(w, tf.matMul(w, v), true)));
      return tf.norm(tf.matMul(w, v)).dataSync()[0];
    });
    expect(s).toBeCloseTo(1, 3);
    c.dispose();
  });
});
