import * as tf from '@tensorflow/tfjs-core';
import { AdaptiveAvgPool2d, Conv2d, Linear, ReLU, Sequential, numParams } from '@tfai/core/nn';
import { describe, expect, it } from 'vitest';
import { referenceFacts } from '@tfai/test-utils';
import { createBody, cutModel, hasPoolType } from './create-body.js';
import { ArchitectureError } from './errors.js';
import { inChannels, modelSizes, numFeaturesModel } from './model-sizes.js';
import { resnet18, resnet34, resnet50, type ResNet } from './resnet.js';

interface BodyFacts {
  auto_cut_index_when_cut_None: number;
  body_children: string[];
  n_body_children: number;
  body_params: number;
  body_child_params: number[];
  num_features_model: number;
  out_shape_1x3x224x224: number[];
  out_shape_1x3x64x64: number[];
  model_sizes_128: number[][];
}
const facts = referenceFacts().create_body as Record<string, BodyFacts>;
const nhwc = (s: number[]) => (s.length === 4 ? [s[0], s[2], s[3], s[1]] : s);
const outShape = (m: Sequential, size: number) =>
  tf.tidy(() => m.eval().call(tf.randomNormal([1, size, size, 3])).shape);

describe('createBody against fastai 2.7.12 (torchvision resnets, cut -2)', () => {
  it.each([
    ['resnet18', resnet18],
    ['resnet34', resnet34],
    ['resnet50', resnet50],
  ] as const)('%s: children, parameters, num_features_model, model_sizes at 128 and output at 64', (name, arch) => {
    const ref = facts[`${name}_cut-2`];
    const body = createBody(arch, { cut: -2 });
    expect(body).toBeInstanceOf(Sequential);
    expect(body.layers().map((c) => c.typeName)).toEqual(ref.body_children);
    expect(body.length).toBe(ref.n_body_children);
    expect(numParams(body)).toBe(ref.body_params);
    expect(body.layers().map((c) => numParams(c))).toEqual(ref.body_child_params);
    expect(numFeaturesModel(body)).toBe(ref.num_features_model);
    expect(modelSizes(body, [128, 128])).toEqual(ref.model_sizes_128.map(nhwc));
    expect(body.modules().every((m) => m.training)).toBe(true); // probing restores the training flags
    expect(outShape(body, 64)).toEqual(nhwc(ref.out_shape_1x3x64x64));
    body.dispose();
  });

  it('bodies give the reference output shape at 224', () => {
    for (const [name, arch] of [
      ['resnet18', resnet18],
      ['resnet34', resnet34],
      ['resnet50', resnet50],
    ] as const) {
      const body = createBody(arch, { cut: -2 });
      expect(outShape(body, 224)).toEqual(nhwc(facts[`${name}_cut-2`].out_shape_1x3x224x224));
      body.dispose();
    }
  });

  it('cut undefined cuts at the last child holding a pooling layer (index 8)', () => {
    const ref = facts['resnet18_cutNone'];
    const m: ResNet = resnet18();
    expect(m.layers().findLastIndex(hasPoolType)).toBe(ref.auto_cut_index_when_cut_None);
    const body = createBody(m);
    expect(body.length).toBe(ref.n_body_children);
    expect(numParams(body)).toBe(ref.body_params);
    m.dispose();
  });

  it("renames the body's children 0…7, so state-dict keys read as fastai's", () => {
    const body = createBody(resnet18, { cut: -2 });
    const names = body.namedParameters().map(([n]) => n);
    expect(names.slice(0, 4)).toEqual(['0.weight', '1.weight', '1.bias', '4.0.conv1.weight']);
    expect(names).toContain('5.0.downsample.0.weight');
    body.dispose();
  });

  it('cuts by positive index, negative index or function', () => {
    const m = resnet18();
    expect(cutModel(m, 4).layers()).toEqual(m.layers().slice(0, 4));
    expect(createBody(m, { cut: -3 }).length).toBe(7);
    const custom = createBody(m, { cut: (model) => new Sequential((model as ResNet).child('conv1')) });
    expect(custom.length).toBe(1);
    expect(() => createBody(m, { cut: 1.5 })).toThrow(ArchitectureError);
    m.dispose();
  });

  it('hasPoolType finds pooling layers at any depth, as fastai', () => {
    const m = new Sequential(
      new AdaptiveAvgPool2d(5),
      new Linear(2, 3),
      new Conv2d(2, 3, 1),
      new Sequential(new ReLU(), new AdaptiveAvgPool2d(1)),
    );
    expect(m.layers().map(hasPoolType)).toEqual([true, false, false, true]);
    expect(hasPoolType(m)).toBe(true);
    expect(() => createBody(new Sequential(new Linear(2, 3)))).toThrow(ArchitectureError);
    m.dispose();
  });
});

describe('createBody with nIn ≠ 3 (fastai _update_first_layer / _load_pretrained_weights)', () => {
  const firstWeight = (body: Sequential) => (body.get(0) as Conv2d).weight.variable;

  it.each([1, 2, 4, 5])('nIn=%i, not pretrained: a fresh Conv2d with the same settings', (nIn) => {
    const body = createBody(resnet18, { nIn, cut: -2 });
    const conv = body.get(0) as Conv2d;
    expect(conv).toBeInstanceOf(Conv2d);
    expect([conv.inChannels, conv.outChannels, conv.kernelSize, conv.stride, conv.padding, conv.bias]).toEqual([
      nIn,
      64,
      [7, 7],
      [2, 2],
      [3, 3],
      undefined,
    ]);
    expect(inChannels(body)).toBe(nIn);
    expect(tf.tidy(() => body.eval().call(tf.zeros([1, 32, 32, nIn])).shape)).toEqual([1, 1, 1, 512]);
    body.dispose();
  });

  it('pretrained: 1 channel sums, 2 channels take the first two ×1.5, more pad with zeros', () => {
    const source = resnet18();
    const old = tf.clone((source.child('conv1') as Conv2d).weight.variable); // HWIO [7, 7, 3, 64]
    const adapted = (nIn: number) => {
      const m = resnet18();
      tf.tidy(() => (m.child('conv1') as Conv2d).weight.variable.assign(old));
      const body = createBody(m, { nIn, pretrained: true, cut: -2 });
      const w = tf.clone(firstWeight(body));
      body.dispose();
      m.dispose();
      return w;
    };
    const close = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
    const w1 = adapted(1);
    expect(w1.shape).toEqual([7, 7, 1, 64]);
    expect(close(w1, tf.sum(old, 2, true))).toBeLessThan(1e-6);
    const w2 = adapted(2);
    expect(close(w2, tf.mul(tf.slice(old, [0, 0, 0, 0], [-1, -1, 2, -1]), 1.5))).toBe(0);
    const w5 = adapted(5);
    expect(w5.shape).toEqual([7, 7, 5, 64]);
    expect(close(tf.slice(w5, [0, 0, 0, 0], [-1, -1, 3, -1]), old)).toBe(0);
    expect(tf.tidy(() => tf.max(tf.abs(tf.slice(w5, [0, 0, 3, 0], [-1, -1, 2, -1]))).dataSync()[0])).toBe(0);
    tf.dispose([old, w1, w2, w5]);
    source.dispose();
  });

  it('refuses a first layer that is not a 3-channel Conv2d', () => {
    const lin = new Sequential(new Linear(3, 4), new AdaptiveAvgPool2d(1));
    expect(() => createBody(lin, { nIn: 1 })).toThrow(/only supported with Conv2d, found Linear/);
    const conv = new Sequential(new Conv2d(4, 8, 3), new AdaptiveAvgPool2d(1));
    expect(() => createBody(conv, { nIn: 1 })).toThrow(/found 4 while expecting 3/);
    lin.dispose();
    conv.dispose();
  });
});
