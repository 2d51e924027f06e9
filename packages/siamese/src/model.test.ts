import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam, lrsForGroups, manualSeed, slice } from '@tfai/core';
import { numParams } from '@tfai/core/nn';
import { createBody, createHead, resnet18, resnet34 } from '@tfai/vision/models';
import { referenceFacts } from '@tfai/test-utils';
import { SiameseInputError } from './errors.js';
import { createSiameseModel, SiameseModel } from './model.js';
import { siameseSplitter } from './splitter.js';

interface GroupFacts {
  n_tensors: number;
  n_params: number;
  n_trainable: number;
}
interface SiameseFacts {
  total_params: number;
  encoder_params: number;
  head_params: number;
  out_shape_two_1x3x64x64: number[];
  param_groups: GroupFacts[];
  param_groups_after_freeze: GroupFacts[];
  trainable_after_freeze_total: number;
  'lrs_for_slice_1e-6_1e-4': number[];
}
const ref = referenceFacts().siamese as unknown as SiameseFacts;

const groupFacts = (model: SiameseModel): GroupFacts[] =>
  siameseSplitter(model).map((g) => ({
    n_tensors: g.length,
    n_params: g.reduce((s, p) => s + p.size, 0),
    n_trainable: g.filter((p) => p.requiresGrad).reduce((s, p) => s + p.size, 0),
  }));

describe('SiameseModel(resnet34) against the book’s model in fastai 2.7.12', () => {
  let model: SiameseModel;
  beforeAll(async () => {
    manualSeed(0);
    model = await createSiameseModel(resnet34, { pretrained: false });
  });
  afterAll(() => model.dispose());

  it('encoder, head and total parameter counts', () => {
    expect(numParams(model.encoder as never)).toBe(ref.encoder_params);
    expect(numParams(model.head as never)).toBe(ref.head_params);
    expect(numParams(model)).toBe(ref.total_params);
    expect(model.namedChildren().map(([n]) => n)).toEqual(['encoder', 'head']);
  });

  it('two 1×64×64×3 images give one row of 2 logits', () => {
    const out = tf.tidy(() => model.eval().call(tf.randomUniform([1, 64, 64, 3]), tf.randomUniform([1, 64, 64, 3])));
    expect(out.shape).toEqual(ref.out_shape_two_1x3x64x64);
    out.dispose();
  });

  it('siameseSplitter gives the two groups; freeze() leaves the encoder’s BatchNorm and the head trainable', () => {
    expect(groupFacts(model)).toEqual(ref.param_groups);
    const opt = new Adam(siameseSplitter(model), { lr: 1e-3 });
    opt.freeze();
    expect(groupFacts(model)).toEqual(ref.param_groups_after_freeze);
    expect(numParams(model, { trainable: true })).toBe(ref.trainable_after_freeze_total);
    opt.unfreeze();
    expect(groupFacts(model)).toEqual(ref.param_groups);
    expect(opt.paramGroups.length).toBe(2);
    opt.setHyper('lr', slice(1e-6, 1e-4));
    expect(opt.paramGroups.map((g) => g.lr)).toEqual(ref['lrs_for_slice_1e-6_1e-4']);
    expect(lrsForGroups(slice(1e-6, 1e-4), 2)).toEqual(ref['lrs_for_slice_1e-6_1e-4']);
    opt.dispose();
  });
});

describe('SiameseModel forward', () => {
  it('is head(concat(encoder(a), encoder(b)) on the channel axis), in that order', () => {
    manualSeed(1);
    const encoder = createBody(resnet18, { cut: -2 });
    const model = new SiameseModel(encoder, createHead(512 * 2, 2, { ps: 0.5 })).eval();
    tf.tidy(() => {
      const a = tf.randomUniform([2, 32, 32, 3]);
      const b = tf.randomUniform([2, 32, 32, 3]);
      const fa = encoder.call(a);
      const fb = encoder.call(b);
      expect(fa.shape).toEqual([2, 1, 1, 512]);
      const expected = model.head.call(tf.concat([fa, fb], 3));
      const got = model.call(a, b);
      expect(got.shape).toEqual([2, 2]);
      expect(tf.max(tf.abs(tf.sub(got, expected))).dataSync()[0]).toBeLessThan(1e-6);
      const swapped = model.call(b, a);
      expect(tf.max(tf.abs(tf.sub(swapped, got))).dataSync()[0]).toBeGreaterThan(1e-6);
    });
    model.dispose();
  });

  it('refuses one image or batches of different sizes, with a SiameseInputError', () => {
    manualSeed(2);
    const model = new SiameseModel(createBody(resnet18, { cut: 5 }), createHead(128 * 2, 2));
    const a = tf.zeros([2, 32, 32, 3]);
    const b = tf.zeros([3, 32, 32, 3]);
    expect(() => (model.call as (x: tf.Tensor) => tf.Tensor)(a)).toThrow(SiameseInputError);
    expect(() => model.call(a, b)).toThrow(/differ in size: 2 and 3 images/);
    tf.dispose([a, b]);
    model.dispose();
  });

  it('createSiameseModel sizes the head from the encoder (a cut ResNet-18 body of 128 channels)', async () => {
    manualSeed(3);
    const model = await createSiameseModel(resnet18, { pretrained: false, cut: 6, nIn: 1 });
    const lin = model.head.describe().children!.filter((c) => c.type === 'Linear');
    expect(lin[0].in_features).toBe(128 * 2 * 2);
    const out = tf.tidy(() => model.eval().call(tf.zeros([2, 28, 28, 1]), tf.zeros([2, 28, 28, 1])));
    expect(out.shape).toEqual([2, 2]);
    out.dispose();
    model.dispose();
  });
});
