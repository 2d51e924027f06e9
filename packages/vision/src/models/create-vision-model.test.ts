import * as tf from '@tensorflow/tfjs-core';
import { Adam } from '@tfai/core';
import { BatchNorm1d, Linear, Sequential, numParams } from '@tfai/core/nn';
import type { AnyModule, LayerInfo, Parameter } from '@tfai/core/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceFacts } from '@tfai/test-utils';
import { createHead } from './create-head.js';
import { addHead, applyInit, createVisionModel } from './create-vision-model.js';
import { defaultSplit, resnetSplit } from './model-meta.js';
import { resnet18, resnet34 } from './resnet.js';

interface GroupFacts {
  n_tensors: number;
  n_params: number;
  n_trainable: number;
}
interface LearnerFacts {
  total_params: number;
  body_params: number;
  head_params: number;
  head_layers: LayerInfo[];
  param_groups_before_freeze: GroupFacts[];
  param_groups_after_freeze: GroupFacts[];
  'param_groups_after_freeze_to_-2': GroupFacts[];
  trainable_after_freeze_total: number;
  trainable_body_param_names_after_freeze: string[];
  trainable_after_unfreeze_total: number;
}
const facts = referenceFacts().vision_learner as Record<string, LearnerFacts>;

/** The layer list as fastai's reference records it: PyTorch's `children()`, which lists a shared module once. */
function childrenAsReference(m: AnyModule): LayerInfo[] {
  const seen = new Set<AnyModule>();
  return m
    .children()
    .filter((c) => !seen.has(c) && seen.add(c))
    .map((c, idx) => ({ idx, ...c.describe() }));
}

const groupFacts = (groups: Parameter[][]): GroupFacts[] =>
  groups.map((g) => ({
    n_tensors: g.length,
    n_params: g.reduce((s, p) => s + p.size, 0),
    n_trainable: g.reduce((s, p) => s + (p.requiresGrad ? p.size : 0), 0),
  }));

describe.each([
  ['resnet18', resnet18],
  ['resnet34', resnet34],
] as const)('createVisionModel(%s, 37) against fastai vision_learner', (name, arch) => {
  const ref = facts[`${name}_nout37`];
  let model: Sequential;
  beforeAll(async () => {
    model = await createVisionModel(arch, 37, { pretrained: false });
  });
  afterAll(() => model.dispose());

  it('has fastai total, body and head parameters and head layers', () => {
    expect(model.length).toBe(2);
    expect(numParams(model)).toBe(ref.total_params);
    expect(numParams(model.get(0))).toBe(ref.body_params);
    expect(numParams(model.get(1))).toBe(ref.head_params);
    expect(childrenAsReference(model.get(1))).toEqual(ref.head_layers);
  });

  it('splits into the three reference parameter groups (_resnet_split)', () => {
    expect(groupFacts(resnetSplit(model))).toEqual(ref.param_groups_before_freeze);
  });

  it('freeze / freezeTo(-2) / unfreeze leave the reference parameters trainable (Adam, trainBn)', () => {
    const groups = resnetSplit(model);
    const opt = new Adam(groups);
    opt.freeze();
    expect(groupFacts(groups)).toEqual(ref.param_groups_after_freeze);
    expect(numParams(model, { trainable: true })).toBe(ref.trainable_after_freeze_total);
    const bodyTrainable = model
      .namedParameters()
      .filter(([n, p]) => n.startsWith('0.') && p.requiresGrad)
      .map(([n]) => n);
    expect(bodyTrainable).toEqual(ref.trainable_body_param_names_after_freeze);
    opt.freezeTo(-2);
    expect(groupFacts(groups)).toEqual(ref['param_groups_after_freeze_to_-2']);
    opt.unfreeze();
    expect(numParams(model, { trainable: true })).toBe(ref.trainable_after_unfreeze_total);
  });

  it('runs end to end in eval mode', () => {
    expect(tf.tidy(() => model.eval().call(tf.randomNormal([2, 64, 64, 3])).shape)).toEqual([2, 37]);
    model.train();
  });
});

describe('head initialisation (fastai apply_init(model[1], kaiming_normal_))', () => {
  it('draws Linear weights from N(0, 2/fan_in) and zeroes biases; BatchNorm keeps weight 1, bias 1e-3', () => {
    const head = createHead(256, 10, { linFirst: true, linFtrs: [1024] });
    applyInit(head);
    const lin = head.layers().filter((l): l is Linear => l instanceof Linear);
    const std = (t: tf.Tensor) => tf.tidy(() => Math.sqrt(tf.moments(t).variance.dataSync()[0]));
    // Sample std of 131k and 10k draws: within 5% of the target (4σ for the smaller sample is ≈ 3%).
    expect(std(lin[0].weight.variable) / Math.sqrt(2 / 512)).toBeCloseTo(1, 1);
    expect(std(lin[1].weight.variable) / Math.sqrt(2 / 1024)).toBeCloseTo(1, 1);
    expect(tf.tidy(() => tf.max(tf.abs(lin[1].bias!.variable)).dataSync()[0])).toBe(0);
    const bn = head.layers().find((l): l is BatchNorm1d => l instanceof BatchNorm1d)!;
    expect(Array.from(bn.bias!.variable.dataSync()).every((v) => v === Math.fround(1e-3))).toBe(true);
    head.dispose();
  });

  it('addHead with init null keeps the layers’ own initialisation; a custom head is used as given', () => {
    const body = new Sequential(new Linear(4, 4));
    const custom = new Sequential(new Linear(4, 2));
    const before = tf.clone((custom.get(0) as Linear).weight.variable);
    const m = addHead(body, 4, 2, { customHead: custom, init: null });
    expect(m.get(1)).toBe(custom);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(before, (custom.get(0) as Linear).weight.variable))).dataSync()[0])).toBe(
      0,
    );
    expect(defaultSplit(m).map((g) => g.length)).toEqual([2, 2]);
    before.dispose();
    m.dispose();
  });
});

describe('createVisionModel options', () => {
  it('passes nIn, cut and head options through', async () => {
    const m = await createVisionModel(resnet18, 5, {
      pretrained: false,
      nIn: 1,
      cut: -3,
      concatPool: false,
      linFtrs: [64],
      ps: 0.1,
      yRange: [0, 1],
    });
    const body = m.get(0) as Sequential;
    expect(body.length).toBe(7);
    expect(tf.tidy(() => m.eval().call(tf.zeros([1, 32, 32, 1])).shape)).toEqual([1, 5]);
    // layer3 (256 channels) is the last kept child; average pooling keeps 256 features.
    expect((m.get(1) as Sequential).get(4).describe()).toMatchObject({
      type: 'Linear',
      in_features: 256,
      out_features: 64,
    });
    expect((m.get(1) as Sequential).get(-1).typeName).toBe('SigmoidRange');
    m.dispose();
  });
});
