import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ResBlock } from '../fastai/res-block.js';
import { AvgPool2d, MaxPool2d } from './pooling.js';

/** Central finite differences of `f` at `x`, against tf.grad. */
async function gradCheck(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, eps = 1e-2): Promise<number> {
  const analytic = await tf.tidy(() => tf.grad(f)(x)).data();
  const base = await x.data();
  let worst = 0;
  for (let i = 0; i < base.length; i++) {
    const at = async (d: number) => {
      const v = Float32Array.from(base);
      v[i] += d;
      const t = tf.tensor(v, x.shape);
      const out = f(t);
      const r = (await out.data())[0];
      tf.dispose([t, out]);
      return r;
    };
    const numeric = ((await at(eps)) - (await at(-eps))) / (2 * eps);
    worst = Math.max(worst, Math.abs(numeric - analytic[i]));
  }
  return worst;
}

// PyTorch 1.13: F.avg_pool2d(x, 2, ceil_mode=True) and F.max_pool2d(x, 3, 2, ceil_mode=True) of x = arange(9|25).
describe('pooling with ceil_mode', () => {
  const x3 = tf.tensor4d([0, 1, 2, 3, 4, 5, 6, 7, 8], [1, 3, 3, 1]);

  it('AvgPool2d(2, ceil_mode=True) averages only the cells of a partial window, as PyTorch', async () => {
    const y = new AvgPool2d(2, { ceilMode: true }).call(x3);
    expect(y.shape).toEqual([1, 2, 2, 1]);
    // torch: [[2.0, 3.5], [6.5, 8.0]]
    expect(Array.from(await y.data())).toEqual([2, 3.5, 6.5, 8]);
    expect(new AvgPool2d(2).call(x3).shape).toEqual([1, 1, 1, 1]);
    y.dispose();
  });

  it('MaxPool2d(3, 2, ceil_mode=True) keeps the last partial window (SqueezeNet) and drops one starting in the padding', async () => {
    const x = tf.range(0, 36).reshape([1, 6, 6, 1]);
    const y = new MaxPool2d(3, { stride: 2, ceilMode: true }).call(x);
    // torch.nn.functional.max_pool2d(torch.arange(36.).view(1,1,6,6), 3, 2, ceil_mode=True) → 3×3: [[14,16,17],[26,28,29],[32,34,35]]
    expect(y.shape).toEqual([1, 3, 3, 1]);
    expect(Array.from(await y.data())).toEqual([14, 16, 17, 26, 28, 29, 32, 34, 35]);
    // 5 wide, k 2, s 2, p 1: ceil gives 4 windows but the 4th would start in the right padding → 3 (PyTorch's rule).
    const z = new MaxPool2d(2, { stride: 2, padding: 1, ceilMode: true }).call(tf.zeros([1, 5, 5, 1]));
    expect(z.shape).toEqual([1, 3, 3, 1]);
    expect(new MaxPool2d(3, { stride: 2, ceilMode: true }).toString()).toContain('ceil_mode=True');
    tf.dispose([x, y, z]);
  });

  it('gradients of both ceil-mode pools match finite differences', async () => {
    const x = tf.randomNormal([1, 5, 5, 2], 0, 1, 'float32', 3);
    const avg = new AvgPool2d(2, { ceilMode: true });
    const max = new MaxPool2d(3, { stride: 2, ceilMode: true });
    const w = tf.randomNormal([1, 3, 3, 2], 0, 1, 'float32', 4);
    expect(await gradCheck((t) => tf.sum(tf.mul(avg.call(t), w)), x)).toBeLessThan(2e-3);
    expect(
      await gradCheck((t) => tf.sum(tf.mul(max.call(t), tf.slice(w, [0, 0, 0, 0], [1, 2, 2, 2]))), x),
    ).toBeLessThan(2e-3);
    tf.dispose([x, w]);
  });

  it("ResBlock with stride 2 (xresnet's): strided conv, AvgPool-then-conv shortcut, odd sizes rounded up", () => {
    const rb = new ResBlock(1, 8, 16, { stride: 2 });
    expect(rb.namedParameters().map(([n]) => n)).toContain('idpath.1.0.weight');
    expect(rb.idpath.get(0)).toBeInstanceOf(AvgPool2d);
    const x = tf.zeros([1, 7, 7, 8]);
    const y = rb.call(x);
    expect(y.shape).toEqual([1, 4, 4, 16]);
    const n = tf.memory().numTensors;
    tf.dispose(rb.call(x));
    expect(tf.memory().numTensors).toBe(n);
    tf.dispose([x, y]);
    rb.dispose();
  });
});

describe('pooling on too small an input', () => {
  it("is a RangeError, as PyTorch's 'output size is too small' (fastai's num_features_model then tries a larger size)", () => {
    const x = tf.zeros([1, 1, 1, 4]);
    expect(() => new MaxPool2d(3, { stride: 2 }).call(x)).toThrow(RangeError);
    expect(() => new AvgPool2d(2).call(x)).toThrow(/too small/);
    expect(new MaxPool2d(3, { stride: 2, padding: 1 }).call(x).shape).toEqual([1, 1, 1, 4]);
    x.dispose();
  });
});
