import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { BatchNorm1d, BatchNorm2d } from '../nn/layers/batchnorm.js';
import { Sequential } from '../nn/layers/container.js';
import { Conv2d } from '../nn/layers/conv.js';
import { Linear } from '../nn/layers/linear.js';
import { ReLU } from '../nn/layers/activation.js';
import { AdaptiveAvgPool2d } from '../nn/layers/pooling.js';
import { Flatten } from '../nn/layers/reshape.js';
import { numParams, type Parameter } from '../nn/module.js';
import { Adam } from './optimizer.js';
import { defaultSplitter, params, trainableParams } from './splitter.js';

// A miniature of vision_learner's three groups: L(body[:3], body[3:], head), each with conv/linear and BatchNorm.
function makeModel() {
  const body = new Sequential(
    new Conv2d(3, 4, 3, { padding: 1, bias: false }),
    new BatchNorm2d(4),
    new ReLU(),
    new Conv2d(4, 6, 3, { padding: 1 }),
    new BatchNorm2d(6),
    new ReLU(),
  );
  const head = new Sequential(new AdaptiveAvgPool2d(1), new Flatten(), new BatchNorm1d(6), new Linear(6, 2));
  const model = new Sequential(body, head);
  const groups = [params(body.slice(0, 3)), params(body.slice(3)), params(head)];
  return { model, groups };
}
const trainable = (g: Parameter[]) => g.map((p) => p.requiresGrad);
const kinds = (g: Parameter[]) => g.map((p) => p.kind);

describe('freezing parameter groups', () => {
  const { model, groups } = makeModel();
  const opt = new Adam(groups, { lr: 0.1 });
  afterEach(() => opt.unfreeze());
  afterAll(() => {
    opt.dispose();
    model.dispose();
  });

  it('groups hold the expected kinds of parameters', () => {
    expect(groups.map(kinds)).toEqual([
      ['weight', 'norm', 'norm'],
      ['weight', 'bias', 'norm', 'norm'],
      ['norm', 'norm', 'weight', 'bias'],
    ]);
    expect(defaultSplitter(model)).toEqual([model.parameters()]);
  });

  it('freeze() freezes all groups but the last, keeping BatchNorm trainable', () => {
    opt.freeze();
    expect(opt.frozenIdx).toBe(2);
    expect(groups.map(trainable)).toEqual([
      [false, true, true],
      [false, false, true, true],
      [true, true, true, true],
    ]);
    const bnOnly = groups
      .slice(0, 2)
      .flat()
      .filter((p) => p.requiresGrad);
    expect(bnOnly.every((p) => p.kind === 'norm')).toBe(true);
    expect(numParams(model, { trainable: true })).toBe(4 * 2 + 6 * 2 + 6 * 2 + 6 * 2 + 2);
    expect(opt.trainableVariables()).toEqual(trainableParams(model).map((p) => p.variable));
  });

  it('freezeTo(-2) unfreezes the last two groups; unfreeze() everything', () => {
    opt.freezeTo(-2);
    expect(opt.frozenIdx).toBe(1);
    expect(groups.map(trainable)).toEqual([
      [false, true, true],
      [true, true, true, true],
      [true, true, true, true],
    ]);
    opt.unfreeze();
    expect(opt.frozenIdx).toBe(0);
    expect(groups.flat().every((p) => p.requiresGrad)).toBe(true);
  });

  it('freezes BatchNorm too when trainBn is false', () => {
    opt.trainBn = false;
    opt.freeze();
    expect(
      groups
        .slice(0, 2)
        .flat()
        .some((p) => p.requiresGrad),
    ).toBe(false);
    opt.trainBn = true; // re-applies the freeze
    expect(groups.map(trainable)[1]).toEqual([false, false, true, true]);
  });

  it('a step leaves frozen parameters unchanged but updates BatchNorm of frozen groups', () => {
    opt.freeze();
    const x = tf.randomNormal([2, 5, 5, 3], 0, 1, 'float32', 1);
    const before = groups.map((g) => g.map((p) => p.variable.dataSync().slice()));
    const { value, grads } = tf.variableGrads(
      () => tf.tidy(() => tf.mean(tf.square(model.call(x))).asScalar()),
      opt.trainableVariables(),
    );
    expect(Object.keys(grads)).toHaveLength(opt.trainableVariables().length);
    opt.step(grads);
    tf.dispose([value, x, ...Object.values(grads)]);
    groups.forEach((g, gi) =>
      g.forEach((p, pi) => {
        const changed = p.variable.dataSync().some((v, i) => v !== before[gi][pi][i]);
        expect(changed, `group ${gi} param ${pi} (${p.kind})`).toBe(p.requiresGrad);
      }),
    );
    opt.clearState();
  });

  it('freezing more groups than there are freezes the whole model (but BatchNorm), with a warning as fastai', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    opt.freezeTo(5);
    expect(warn).toHaveBeenCalledWith('Freezing 5 groups; model has 3; whole model is frozen.');
    warn.mockRestore();
    expect(
      groups
        .flat()
        .filter((p) => p.requiresGrad)
        .every((p) => p.kind === 'norm'),
    ).toBe(true);
    opt.freezeTo(-5); // Python slicing: nothing is frozen
    expect(groups.flat().every((p) => p.requiresGrad)).toBe(true);
  });
});
