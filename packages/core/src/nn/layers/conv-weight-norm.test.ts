// Conv2d.weightNorm against PyTorch's torch.nn.utils.weight_norm (fixtures/torch_weight_norm.py, PyTorch 1.13):
// state-dict names, shapes and order, the forward, and the gradients of weight_g, weight_v, bias and the input.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type FixtureTensor, nchwToNhwc, relError, toTensor } from '@tfai/test-utils';
import { Conv2d } from './conv.js';

const fx = JSON.parse(readFileSync(new URL('./fixtures/torch-weight-norm.json', import.meta.url), 'utf8')) as {
  keys: string[];
  state_dict: Record<string, FixtureTensor>;
  x: FixtureTensor;
  y: FixtureTensor;
  dy: FixtureTensor;
  grads: Record<'weight_g' | 'weight_v' | 'bias' | 'x', FixtureTensor>;
};
const toNhwc = (t: FixtureTensor) => nchwToNhwc(toTensor(t));

describe('Conv2d.weightNorm (PyTorch weight_norm, dim 0)', () => {
  it("has PyTorch's keys, shapes and order, and leaves the output unchanged when applied", () => {
    const conv = new Conv2d(4, 6, 3, { padding: 1, stride: 2 });
    const x = tf.randomNormal([2, 7, 5, 4]);
    const before = conv.call(x);
    conv.weightNorm();
    const sd = conv.stateDict();
    expect(Object.keys(sd)).toEqual(fx.keys);
    for (const k of fx.keys) expect(sd[k].shape).toEqual(fx.state_dict[k].shape);
    expect(relError(conv.call(x), before)).toBeLessThan(1e-6);
    expect(conv.parameters().map((p) => p.shape)).toEqual([[6], [1, 1, 1, 6], [3, 3, 4, 6]]);
    tf.dispose([x, before, ...Object.values(sd)]);
    conv.dispose();
  });

  it('matches PyTorch: forward and the gradients of weight_g, weight_v, bias and x', () => {
    const conv = new Conv2d(4, 6, 3, { padding: 1, stride: 2 }).weightNorm();
    const sd = Object.fromEntries(Object.entries(fx.state_dict).map(([k, v]) => [k, toTensor(v)]));
    conv.loadStateDict(sd);
    const x = toNhwc(fx.x);
    const dy = toNhwc(fx.dy);
    const y = conv.call(x);
    expect(relError(y, toNhwc(fx.y))).toBeLessThan(1e-5);
    const [g, v, b] = [conv.weightG!, conv.weight, conv.bias!].map((p) => p.variable);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(conv.call(x), dy)) as tf.Scalar, [g, v, b]);
    const dx = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(conv.call(xi), dy)))(x);
    // Ours are HWIO: weight_g [1, 1, 1, out] ↔ PyTorch [out, 1, 1, 1]; weight_v [kh, kw, in, out] ↔ [out, in, kh, kw].
    const oihw = (t: tf.Tensor) => tf.transpose(t, [3, 2, 0, 1]);
    expect(relError(oihw(grads[g.name]), toTensor(fx.grads.weight_g))).toBeLessThan(1e-5);
    expect(relError(oihw(grads[v.name]), toTensor(fx.grads.weight_v))).toBeLessThan(1e-5);
    expect(relError(grads[b.name], toTensor(fx.grads.bias))).toBeLessThan(1e-5);
    expect(relError(dx, toNhwc(fx.grads.x))).toBeLessThan(1e-5);
    conv.dispose();
  });

  it('resetWeightG makes the effective weight equal weight_v', () => {
    const conv = new Conv2d(3, 5, 1).weightNorm();
    conv.weightG!.variable.assign(tf.fill([1, 1, 1, 5], 7));
    conv.resetWeightG();
    const w = conv.effectiveWeight();
    expect(relError(w, conv.weight.variable)).toBeLessThan(1e-6);
    w.dispose();
    conv.dispose();
  });
});
