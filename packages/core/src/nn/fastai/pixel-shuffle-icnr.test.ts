import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Conv2d } from '../../nn.js';
import type { ConvLayer } from './conv-layer.js';
import { PixelShuffleICNR, ReplicationPad2d, icnrInit } from './pixel-shuffle-icnr.js';

describe('PixelShuffle_ICNR and icnr_init', () => {
  it('icnr_init gives each group of scale² output filters the same weights', () => {
    const w = icnrInit([16 * 4, 32, 1, 1]).arraySync() as number[][][][];
    for (let i = 0; i < 64; i += 4) for (let k = 1; k < 4; k++) expect(w[i + k]).toEqual(w[i]);
    expect(w[0]).not.toEqual(w[4]);
    // kaiming_normal_ over [16, 32, 1, 1]: std sqrt(2/32).
    const t = tf.tensor(w.flat(3));
    expect(tf.moments(t).variance.sqrt().dataSync()[0]).toBeCloseTo(0.25, 1);
    t.dispose();
  });

  it('starts as nearest-neighbour upsampling: every 2×2 output window holds equal values', () => {
    const ps = new PixelShuffleICNR(16);
    const y = tf.tidy(() => ps.call(tf.randomNormal([2, 8, 8, 16])));
    expect(y.shape).toEqual([2, 16, 16, 16]);
    const a = y.arraySync() as number[][][][];
    for (let i = 0; i < 16; i += 2)
      for (let j = 0; j < 16; j += 2) {
        expect(a[1][i + 1][j]).toEqual(a[1][i][j]);
        expect(a[1][i][j + 1]).toEqual(a[1][i][j]);
        expect(a[1][i + 1][j + 1]).toEqual(a[1][i][j]);
      }
    expect(ps.typeName).toBe('PixelShuffle_ICNR');
    expect(
      Array.from(
        ps
          .get(0)
          .namedParameters()
          .find(([n]) => n === '0.bias')![1]
          .variable.dataSync(),
      ).every((v) => v === 0),
    ).toBe(true);
    tf.dispose(y);
    ps.dispose();
  });

  it("norm_type defaults to Weight as fastai's: a weight-normalised 1×1 conv whose effective weight is the ICNR weight", () => {
    const ps = new PixelShuffleICNR(16, 8);
    const sd = ps.stateDict();
    // fastai 2.7: PixelShuffle_ICNR(16, 8).state_dict() keys and shapes.
    expect(Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, v.shape]))).toEqual({
      '0.0.bias': [32],
      '0.0.weight_g': [32, 1, 1, 1],
      '0.0.weight_v': [32, 16, 1, 1],
    });
    const conv = (ps.get(0) as ConvLayer).get(0) as Conv2d;
    const w = conv.effectiveWeight();
    const v = conv.weight.variable;
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(w, v))).dataSync()[0])).toBeLessThan(1e-6);
    // Sub-pixel filters stay equal (ICNR), so weight_g is equal within each group of 4 too.
    const g = Array.from(conv.weightG!.variable.dataSync());
    for (let i = 0; i < 32; i += 4) for (let k = 1; k < 4; k++) expect(g[i + k]).toBeCloseTo(g[i], 6);
    tf.dispose([w, ...Object.values(sd)]);
    ps.dispose();
    // DynamicUnet's choice (normType null): a plain conv.
    const plain = new PixelShuffleICNR(16, 8, { normType: null });
    expect(plain.namedParameters().map(([n]) => n)).toEqual(['0.0.weight', '0.0.bias']);
    plain.dispose();
  });

  it('blur adds ReplicationPad2d((1,0,1,0)) and AvgPool2d(2, stride 1), keeping the size', () => {
    const ps = new PixelShuffleICNR(8, 4, { blur: true });
    expect(ps.layers().map((l) => l.typeName)).toEqual(['ConvLayer', 'PixelShuffle', 'ReplicationPad2d', 'AvgPool2d']);
    expect(tf.tidy(() => ps.call(tf.zeros([1, 5, 7, 8])).shape)).toEqual([1, 10, 14, 4]);
    const pad = tf.tidy(() =>
      new ReplicationPad2d([1, 0, 1, 0])
        .call(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]))
        .reshape([-1])
        .arraySync(),
    );
    expect(pad).toEqual([1, 1, 2, 1, 1, 2, 3, 3, 4]);
    ps.dispose();
  });
});
