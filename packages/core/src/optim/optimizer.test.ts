import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { OptimizerError } from '../errors.js';
import { Parameter, type ParamKind } from '../nn/module.js';
import { referenceFacts } from '@tfai/test-utils';
import { Adam, SGD, adam, sgd, type Hypers, type Optimizer } from './optimizer.js';
import { debias } from './steppers.js';

// Small fixed parameters of each kind and a fixed gradient sequence (float32-exact values).
const f32 = (xs: number[]) => xs.map(Math.fround);
const INIT: Record<ParamKind, number[]> = {
  weight: f32([0.5, -1.25, 2.0, 0.75, -0.3, 1.1]),
  bias: f32([0.1, -0.2, 0.3]),
  norm: f32([1.0, 0.9, 1.2]),
};
const SHAPES: Record<ParamKind, number[]> = { weight: [2, 3], bias: [3], norm: [3] };
const KINDS: ParamKind[] = ['weight', 'bias', 'norm'];
function gradAt(kind: ParamKind, step: number): number[] {
  return f32(INIT[kind].map((_, i) => Math.sin(1 + 3 * i + 7 * step + KINDS.indexOf(kind)) * (0.2 + 0.1 * step)));
}
function makeParams(): Parameter[] {
  return KINDS.map((k) => new Parameter(tf.variable(tf.tensor(INIT[k], SHAPES[k])), 'none', k));
}
function gradsFor(ps: Parameter[], step: number): tf.NamedTensorMap {
  return Object.fromEntries(ps.map((p) => [p.variable.name, tf.tensor(gradAt(p.kind, step), p.shape)]));
}
const values = (p: Parameter) => Array.from(p.variable.dataSync());
function expectClose(got: number[], want: number[], rel = 2e-6) {
  expect(got.length).toBe(want.length);
  const scale = Math.max(...want.map(Math.abs));
  got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThanOrEqual(rel * scale));
}
// Per-step hyper-parameters that change as one-cycle would change them, so the current `mom` matters.
const SCHEDULE: Partial<Hypers>[] = [
  { lr: 0.01, mom: 0.95 },
  { lr: 0.02, mom: 0.9 },
  { lr: 0.015, mom: 0.85 },
  { lr: 0.005, mom: 0.92 },
];

/** Step `s` of the schedule: its lr and mom, then the gradients of step `s`. */
function stepAt(opt: Optimizer, ps: Parameter[], s: number): void {
  opt.setHyper('lr', SCHEDULE[s].lr as number);
  opt.setHyper('mom', SCHEDULE[s].mom as number);
  const grads = gradsFor(ps, s);
  opt.step(grads);
  tf.dispose(Object.values(grads));
}

describe('Adam', () => {
  it("has fastai's defaults (reference opt_hypers_after_create_opt)", () => {
    const ref = (referenceFacts().vision_learner.resnet18_nout37 as Record<string, unknown>)
      .opt_hypers_after_create_opt as Record<string, number>[];
    const opt = new Adam([[], [], []]);
    expect(opt.hypers).toEqual(ref.map((h) => ({ lr: h.lr, mom: h.mom, sqrMom: h.sqr_mom, eps: h.eps, wd: h.wd })));
    expect(opt.decoupledWd).toBe(true);
    expect(opt.trainBn).toBe(true);
  });

  it("matches fastai's adam_step computed in float64 over several steps (decoupled wd, debias, no wd on bias/norm)", () => {
    const ps = makeParams();
    const opt = new Adam([ps], { wd: 0.1 });
    const { sqrMom, eps, wd } = opt.paramGroups[0];
    // float64 reference, following fastai's callbacks: weight_decay, average_grad(dampening), average_sqr_grad, step_stat, adam_step.
    const ref = KINDS.map((k) => ({ p: [...INIT[k]], avg: INIT[k].map(() => 0), sqr: INIT[k].map(() => 0) }));
    SCHEDULE.forEach((h, s) => {
      stepAt(opt, ps, s);
      const { lr, mom } = h as Hypers;
      KINDS.forEach((k, ki) => {
        const r = ref[ki];
        const g = gradAt(k, s);
        const step = s + 1;
        const d1 = ((1 - mom) * (1 - mom ** step)) / (1 - mom);
        const d2 = ((1 - sqrMom) * (1 - sqrMom ** step)) / (1 - sqrMom);
        for (let i = 0; i < g.length; i++) {
          if (k === 'weight') r.p[i] *= 1 - lr * wd;
          r.avg[i] = r.avg[i] * mom + (1 - mom) * g[i];
          r.sqr[i] = r.sqr[i] * sqrMom + (1 - sqrMom) * g[i] * g[i];
          r.p[i] -= (lr / d1) * (r.avg[i] / (Math.sqrt(r.sqr[i] / d2) + eps));
        }
        expectClose(values(ps[ki]), r.p);
      });
    });
    opt.dispose();
    ps.forEach((p) => p.variable.dispose());
  });

  it("first step is fastai's closed form p*(1-lr*wd) - lr*g/(|g|+eps) on weights, p - lr*g/(|g|+eps) on bias/norm", () => {
    // With step=1, debias1 = 1-mom and debias2 = 1-sqr_mom, so grad_avg/debias1 = g and sqr_avg/debias2 = g².
    expect(debias(0.9, 0.1, 1)).toBeCloseTo(0.1, 15);
    expect(debias(0.99, 0.01, 1)).toBeCloseTo(0.01, 15);
    const ps = makeParams();
    const opt = new Adam([ps], { lr: 0.01 });
    const grads = gradsFor(ps, 0);
    opt.step(grads);
    tf.dispose(Object.values(grads));
    KINDS.forEach((k, ki) => {
      const g = gradAt(k, 0);
      const want = INIT[k].map(
        (p, i) => (k === 'weight' ? p * (1 - 0.01 * 0.01) : p) - (0.01 * g[i]) / (Math.abs(g[i]) + 1e-5),
      );
      expectClose(values(ps[ki]), want);
    });
    opt.dispose();
    ps.forEach((p) => p.variable.dispose());
  });

  it('creates its state on the first step and leaks no tensor over 50 more steps', () => {
    const ps = makeParams();
    const opt = adam([ps.slice(0, 1), ps.slice(1)], { lr: 1e-3 });
    const grads = gradsFor(ps, 1);
    opt.step(grads);
    const n = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) {
      opt.setHyper('mom', 0.85 + i / 500);
      opt.step(grads);
    }
    expect(tf.memory().numTensors).toBe(n);
    tf.dispose(Object.values(grads));
    opt.dispose();
    expect(tf.memory().numTensors).toBe(n - 3 - 2 * 3); // the grads and the two moments of three params
    ps.forEach((p) => p.variable.dispose());
  });
});

describe('SGD', () => {
  it("has fastai's defaults: mom 0, wd 0, so a plain step is p - lr*g", () => {
    const ps = makeParams();
    const opt = sgd([ps], { lr: 0.1 });
    expect(opt).toBeInstanceOf(SGD);
    expect(opt.paramGroups[0]).toMatchObject({ lr: 0.1, mom: 0, wd: 0 });
    expect((opt as SGD).momentum).toBe(false);
    const grads = gradsFor(ps, 0);
    opt.step(grads);
    tf.dispose(Object.values(grads));
    KINDS.forEach((k, ki) =>
      expectClose(
        values(ps[ki]),
        INIT[k].map((p, i) => p - 0.1 * gradAt(k, 0)[i]),
      ),
    );
    expect(Object.keys(opt.stateDict().state).filter((key) => !key.endsWith('.step'))).toEqual([]);
    opt.dispose();
    ps.forEach((p) => p.variable.dispose());
  });

  it("matches fastai's momentum_step in float64 over several steps (average_grad without dampening, decoupled wd)", () => {
    const ps = makeParams();
    const opt = new SGD([ps], { mom: 0.9, wd: 0.05 });
    expect(opt.momentum).toBe(true);
    const ref = KINDS.map((k) => ({ p: [...INIT[k]], avg: INIT[k].map(() => 0) }));
    SCHEDULE.forEach((h, s) => {
      stepAt(opt, ps, s);
      KINDS.forEach((k, ki) => {
        const r = ref[ki];
        const g = gradAt(k, s);
        for (let i = 0; i < g.length; i++) {
          if (k === 'weight') r.p[i] *= 1 - (h.lr as number) * 0.05;
          r.avg[i] = r.avg[i] * (h.mom as number) + g[i];
          r.p[i] -= (h.lr as number) * r.avg[i];
        }
        expectClose(values(ps[ki]), r.p);
      });
    });
    opt.dispose();
    ps.forEach((p) => p.variable.dispose());
  });

  it('applies L2 regularisation to the gradient when decoupledWd is false', () => {
    const ps = makeParams();
    const opt = new SGD([ps], { lr: 0.1, mom: 0.9, wd: 0.5, decoupledWd: false });
    const grads = gradsFor(ps, 2);
    opt.step(grads);
    tf.dispose(Object.values(grads));
    KINDS.forEach((k, ki) => {
      const want = INIT[k].map((p, i) => p - 0.1 * (gradAt(k, 2)[i] + (k === 'weight' ? 0.5 * p : 0)));
      expectClose(values(ps[ki]), want);
    });
    opt.dispose();
    ps.forEach((p) => p.variable.dispose());
  });
});

describe('Optimizer', () => {
  it('skips parameters without a gradient and rejects gradients of the wrong shape', () => {
    const ps = makeParams();
    const opt = new Adam([ps]);
    const g = { [ps[0].variable.name]: tf.ones(ps[0].shape) };
    opt.step(g);
    expect(values(ps[1])).toEqual(INIT.bias);
    expect(values(ps[0])).not.toEqual(INIT.weight);
    expect(() => opt.step({ [ps[1].variable.name]: tf.ones([1]) })).toThrow(OptimizerError);
    tf.dispose(Object.values(g));
    opt.dispose();
    ps.forEach((p) => p.variable.dispose());
  });

  it('sets hyper-parameters per group, and rejects a list of the wrong length', () => {
    const ps = makeParams();
    const opt = new Adam([[ps[0]], [ps[1]], [ps[2]]]);
    opt.setHyper('lr', [1, 2, 3]);
    opt.setHyper('wd', 0);
    expect(opt.paramGroups.map((g) => [g.lr, g.wd])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
    expect(() => opt.setHyper('lr', [1, 2])).toThrow(/2 values for lr but there are 3 parameter groups/);
    expect(() => new Adam([])).toThrow(OptimizerError);
    expect(() => new Adam([[ps[0]], [ps[0]]])).toThrow(/more than one group/);
    ps.forEach((p) => p.variable.dispose());
  });

  it('round-trips its state: a copy loaded from stateDict() takes the same next step', async () => {
    const a = makeParams();
    const b = makeParams();
    const optA = new Adam([a.slice(0, 2), a.slice(2)], { lr: 0.01 });
    const optB = new Adam([b.slice(0, 2), b.slice(2)]);
    for (let s = 0; s < 3; s++) {
      const g = gradsFor(a, s);
      optA.step(g);
      tf.dispose(Object.values(g));
    }
    a.forEach((p, i) => b[i].variable.assign(p.variable));
    const sd = optA.stateDict();
    expect(Object.keys(sd.state).sort()).toEqual(
      ['0.0', '0.1', '1.0'].flatMap((k) => [`${k}.grad_avg`, `${k}.sqr_avg`, `${k}.step`]).sort(),
    );
    await optB.loadStateDict(sd);
    expect(optB.hypers).toEqual(optA.hypers);
    tf.dispose(Object.values(sd.state));
    const ga = gradsFor(a, 3);
    const gb = gradsFor(b, 3);
    optA.step(ga);
    optB.step(gb);
    a.forEach((p, i) => expect(values(b[i])).toEqual(values(p)));
    tf.dispose([...Object.values(ga), ...Object.values(gb)]);

    const bad = optA.stateDict();
    bad.state['0.0.bogus'] = tf.zeros([1]);
    await expect(optB.loadStateDict(bad)).rejects.toThrow(/unexpected key 0.0.bogus/);
    await expect(optB.loadStateDict({ hypers: bad.hypers.slice(1), state: {} })).rejects.toThrow(OptimizerError);
    tf.dispose(Object.values(bad.state));
    for (const o of [optA, optB]) o.dispose();
    [...a, ...b].forEach((p) => p.variable.dispose());
  });
});
