import * as tf from '@tensorflow/tfjs-core';
import { ConvLayer, MergeLayer, ResBlock, SequentialEx, numParams } from '@tfai/core/nn';
import { describe, expect, it } from 'vitest';
import { ResizeToOrig, resizeNearestLike } from './resize-to-orig.js';

/** PyTorch's `F.interpolate(mode='nearest')` source index. */
const src = (i: number, inN: number, outN: number) => Math.min(Math.floor((i * inN) / outN), inN - 1);

describe('ResBlock, MergeLayer, ResizeToOrig, SequentialEx', () => {
  it("ResBlock(1, ni, nf): two convs, the second without activation (BatchZero with 'Batch'), 1×1 idpath when ni ≠ nf", () => {
    const a = new ResBlock(1, 16, 16);
    expect(a.convpath.layers().map((l) => (l as ConvLayer).layers().map((m) => m.typeName))).toEqual([
      ['Conv2d', 'BatchNorm2d', 'ReLU'],
      ['Conv2d', 'BatchNorm2d'],
    ]);
    expect(a.idpath.length).toBe(0);
    expect(a.describe().children!.at(-1)).toEqual({ name: 'act', type: 'ReLU', inplace: true, n_params: 0 });
    const b = new ResBlock(1, 16, 8, { normType: null });
    expect(b.idpath.length).toBe(1);
    expect(tf.tidy(() => b.call(tf.randomNormal([2, 4, 4, 16])).shape)).toEqual([2, 4, 4, 8]);
    expect(numParams(new ResBlock(1, 99, 99, { normType: null }))).toBe(176616); // reference.json's DynamicUnet ResBlock
    a.dispose();
    b.dispose();
  });

  it('MergeLayer concatenates (dense) or adds the input of the sequence', () => {
    const seq = new SequentialEx(new ConvLayer(3, 3, { normType: null }), new MergeLayer(true));
    expect(tf.tidy(() => seq.call(tf.zeros([1, 4, 4, 3])).shape)).toEqual([1, 4, 4, 6]);
    expect(seq.namedParameters().map(([n]) => n)).toEqual(['layers.0.0.weight', 'layers.0.0.bias']);
    const add = new SequentialEx(new ConvLayer(3, 3, { normType: null }), new MergeLayer());
    const x = tf.randomNormal([1, 4, 4, 3]);
    const diff = tf.tidy(
      () =>
        tf
          .sub(add.call(x), tf.add(add.get(0).call(x, x), x))
          .abs()
          .max()
          .dataSync()[0],
    );
    expect(diff).toBeLessThan(1e-6);
    x.dispose();
  });

  it("ResizeToOrig resizes nearest as PyTorch's F.interpolate (index ⌊i·in/out⌋) and is a no-op at the same size", () => {
    const x = tf.tensor4d(
      Float32Array.from({ length: 2 * 5 * 7 }, (_, i) => i),
      [2, 5, 7, 1],
    );
    const r = new ResizeToOrig();
    expect(r.call(x, tf.zeros([2, 5, 7, 3]))).toBe(x);
    for (const [h, w] of [
      [3, 4],
      [9, 11],
    ]) {
      const y = r.call(x, tf.zeros([2, h, w, 3])).arraySync() as number[][][][];
      for (let n = 0; n < 2; n++)
        for (let i = 0; i < h; i++)
          for (let j = 0; j < w; j++) expect(y[n][i][j][0]).toBe(n * 35 + src(i, 5, h) * 7 + src(j, 7, w));
    }
    x.dispose();
  });

  it("the nearest-resize gradient (UnetBlock's and ResizeToOrig's backward) sums dy into each source pixel, per image of the batch", () => {
    const [n, h, w, c] = [3, 5, 7, 2];
    const x = tf.randomNormal([n, h, w, c]);
    for (const [oh, ow] of [
      [3, 4],
      [9, 11],
      [10, 14],
    ]) {
      const dy = tf.randomNormal([n, oh, ow, c]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(resizeNearestLike(t, oh, ow), dy)))(x);
      const dyv = dy.arraySync() as number[][][][];
      const want = Array.from({ length: n }, () =>
        Array.from({ length: h }, () => Array.from({ length: w }, () => new Array<number>(c).fill(0))),
      );
      for (let b = 0; b < n; b++)
        for (let i = 0; i < oh; i++)
          for (let j = 0; j < ow; j++)
            for (let k = 0; k < c; k++) want[b][src(i, h, oh)][src(j, w, ow)][k] += dyv[b][i][j][k];
      const got = g.arraySync() as number[][][][];
      for (let b = 0; b < n; b++)
        for (let i = 0; i < h; i++)
          for (let j = 0; j < w; j++)
            for (let k = 0; k < c; k++) expect(got[b][i][j][k]).toBeCloseTo(want[b][i][j][k], 4);
      tf.dispose([dy, g]);
    }
    x.dispose();
  });
});
