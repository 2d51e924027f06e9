import * as tf from '@tensorflow/tfjs-core';
import type { BatchNorm2d, Conv2d } from '../../nn.js';
import { ConvTranspose2d, ReLU } from '../../nn.js';
import { manualSeed } from '../../index.js';
import { describe, expect, it } from 'vitest';
import { ArchitectureError } from '../../errors.js';
import { ConvLayer } from './conv-layer.js';
import { fastaiBatchNorm } from './norm.js';

const std = (t: tf.Tensor) => tf.tidy(() => tf.moments(t).variance.sqrt().dataSync()[0]);

describe("ConvLayer as fastai's", () => {
  it('is conv, BatchNorm, ReLU by default: no conv bias, padding (ks-1)/2, BatchNorm weight 1 and bias 1e-3', () => {
    const c = new ConvLayer(16, 32);
    expect(c.layers().map((l) => l.typeName)).toEqual(['Conv2d', 'BatchNorm2d', 'ReLU']);
    const conv = c.get(0) as Conv2d;
    expect(conv.bias).toBeUndefined();
    expect(conv.padding).toEqual([1, 1]);
    const bn = c.get(1) as BatchNorm2d;
    expect(bn.weight!.variable.dataSync()[0]).toBe(1);
    expect(bn.bias!.variable.dataSync()[0]).toBeCloseTo(1e-3, 9);
    expect(tf.tidy(() => c.call(tf.zeros([2, 8, 8, 16])).shape)).toEqual([2, 8, 8, 32]);
    expect(tf.tidy(() => new ConvLayer(16, 32, { stride: 2 }).call(tf.zeros([2, 8, 8, 16])).shape)).toEqual([
      2, 4, 4, 32,
    ]);
    c.dispose();
  });

  it('has a bias without norm, no activation with actCls null, BatchZero weights 0, activation first with bnFirst false', () => {
    const a = new ConvLayer(8, 4, { normType: null, actCls: null, ks: 1 });
    expect(a.layers().map((l) => l.typeName)).toEqual(['Conv2d']);
    expect((a.get(0) as Conv2d).bias).toBeDefined();
    const z = new ConvLayer(8, 4, { normType: 'BatchZero' });
    expect((z.get(1) as BatchNorm2d).weight!.variable.dataSync()[0]).toBe(0);
    expect(new ConvLayer(8, 4, { bnFirst: false }).layers().map((l) => l.typeName)).toEqual([
      'Conv2d',
      'ReLU',
      'BatchNorm2d',
    ]);
    const t = new ConvLayer(8, 4, { transpose: true, ks: 2, stride: 2, normType: null });
    expect(t.get(0)).toBeInstanceOf(ConvTranspose2d);
    expect(tf.tidy(() => t.call(tf.zeros([1, 5, 5, 8])).shape)).toEqual([1, 10, 10, 4]);
    expect(fastaiBatchNorm(3).bias!.variable.dataSync()[0]).toBeCloseTo(1e-3, 9);
  });

  it("normType 'Weight': a weight-normalised conv with a bias (fastai's weight_norm(conv) after init), then ReLU", () => {
    const w = new ConvLayer(4, 8, { normType: 'Weight' });
    expect(w.layers().map((l) => l.typeName)).toEqual(['Conv2d', 'ReLU']);
    // fastai 2.7: ConvLayer(4, 8, norm_type=NormType.Weight).state_dict() keys and shapes.
    const sd = w.stateDict();
    expect(Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, v.shape]))).toEqual({
      '0.bias': [8],
      '0.weight_g': [8, 1, 1, 1],
      '0.weight_v': [8, 4, 3, 3],
    });
    expect(tf.tidy(() => w.call(tf.ones([1, 5, 5, 4])).shape)).toEqual([1, 5, 5, 8]);
    tf.dispose(Object.values(sd));
    expect(() => new ConvLayer(4, 8, { normType: 'Weight', transpose: true })).toThrow(ArchitectureError);
    expect(() => new ConvLayer(4, 8, { normType: 'Spectral' })).toThrow(/Spectral/);
    w.dispose();
  });

  it("initialises as init_linear: kaiming-uniform for ReLU, PyTorch's default without activation; bias N(0, 0.01)", () => {
    manualSeed(1);
    const relu = new ConvLayer(256, 256, { normType: null });
    expect(relu.get(1)).toBeInstanceOf(ReLU);
    const w = (relu.get(0) as Conv2d).weight.variable;
    // kaiming_uniform_ (a = 0): std = sqrt(2 / fan_in); fan_in = 256·9.
    expect(std(w)).toBeCloseTo(Math.sqrt(2 / (256 * 9)), 3);
    expect(std((relu.get(0) as Conv2d).bias!.variable)).toBeGreaterThan(0.005);
    expect(std((relu.get(0) as Conv2d).bias!.variable)).toBeLessThan(0.02);
    const lin = new ConvLayer(256, 256, { normType: null, actCls: null });
    // PyTorch's default: U(±1/sqrt(fan_in)), std = 1/sqrt(3·fan_in).
    expect(std((lin.get(0) as Conv2d).weight.variable)).toBeCloseTo(1 / Math.sqrt(3 * 256 * 9), 3);
    relu.dispose();
    lin.dispose();
  });
});
