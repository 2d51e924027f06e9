// The unreduced form of the losses (what MixUp blends) against their reduced values.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { crossEntropyLossFlat, mseLossFlat } from './loss.js';

describe('Loss.perItem', () => {
  const pred = tf.tensor2d([
    [2, -1, 0],
    [0.5, 0.3, 0.1],
    [-1, 1.5, 0],
    [0, 0, 3],
  ]);
  const target = tf.tensor1d([0, 2, 1, 2], 'int32');

  it.each([0, 0.1])('cross-entropy (label smoothing %d): one loss per target, whose mean is the loss', async (eps) => {
    const lf = crossEntropyLossFlat({ labelSmoothing: eps });
    expect(lf.yInt).toBe(true);
    const per = lf.perItem!(pred, target);
    expect(per.shape).toEqual([4]);
    const [mean, loss] = await Promise.all([tf.mean(per).data(), lf(pred, target).data()]);
    expect(mean[0]).toBeCloseTo(loss[0]!, 6);
    // First row by hand: logsumexp(2, -1, 0) − 2.
    const ce0 = Math.log(Math.exp(2) + Math.exp(-1) + 1) - 2;
    const smooth0 = ce0 * (1 - eps) + eps * (Math.log(Math.exp(2) + Math.exp(-1) + 1) - (2 - 1 + 0) / 3);
    expect((await per.data())[0]).toBeCloseTo(smooth0, 5);
    per.dispose();
  });

  it('cross-entropy with ignoreIndex: ignored targets lose 0; the loss averages the others', async () => {
    const lf = crossEntropyLossFlat({ ignoreIndex: 2 });
    const per = await lf.perItem!(pred, target).data();
    expect(per[1]).toBe(0);
    expect(per[3]).toBe(0);
    expect((await lf(pred, target).data())[0]).toBeCloseTo((per[0]! + per[2]!) / 2, 6);
  });

  it('regression losses have float targets (MixUp blends the targets instead); their per-item form is the squared error', async () => {
    expect(mseLossFlat().yInt).toBeUndefined();
    const p = tf.tensor1d([1, 2, 4]);
    const t = tf.tensor1d([0, 2, 1]);
    const per = mseLossFlat().perItem!(p, t);
    expect(Array.from(await per.data())).toEqual([1, 0, 9]);
    tf.dispose([p, t, per]);
  });
});
