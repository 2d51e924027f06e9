// The fused optimizer step (optim/fused-step.ts) against the unfused tf-op step, on wasm and cpu:
// same parameters, gradients and hyper-parameter changes, results to 1e-5; in-place writes never change data
// that something else holds; no tensors pile up.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { setBackend } from '../backend/backend.js';
import { setFused } from '../backend/fused.js';
import { relErr } from '@tfai/test-utils';
import { randomValues } from '../test-utils/backends.js';
import { Learner } from '../learner/learner.js';
import { Conv2d } from '../nn/layers/conv.js';
import { Linear } from '../nn/layers/linear.js';
import { Parameter, type ParamKind } from '../nn/module.js';
import { manualSeed } from '../nn/random.js';
import { creditDls, creditModel, loadCredit } from '../test-utils/credit.js';
import { Adam, SGD, type Optimizer, type OptimizerOptions, type ParamState, type StepContext } from './optimizer.js';

type Backend = 'wasm' | 'cpu';
let wasmReady: Promise<unknown> | undefined;
async function use(backend: Backend): Promise<void> {
  if (backend === 'wasm') await (wasmReady ??= setBackend('wasm'));
  await tf.setBackend(backend);
  expect(tf.getBackend()).toBe(backend);
}
afterAll(async () => {
  await (wasmReady ??= setBackend('wasm'));
  await tf.setBackend('wasm');
});

/** Turns both fused rules on or off (whatever TFAI_FUSED says); returns the restorer. */
function fused(on: boolean): () => void {
  const r = [setFused('all', true), setFused('adam', on), setFused('sgd', on)];
  return () => r.reverse().forEach((f) => f());
}

// Two groups of odd-sized parameters of each kind.
const SPECS: [ParamKind, number[]][][] = [
  [
    ['weight', [7, 5]],
    ['bias', [5]],
    ['norm', [5]],
  ],
  [
    ['weight', [3, 4, 3]],
    ['bias', [13]],
    ['weight', [1]],
    ['norm', [2]],
  ],
];
function makeGroups(): Parameter[][] {
  let seed = 1;
  return SPECS.map((g) =>
    g.map(
      ([kind, shape]) =>
        new Parameter(
          tf.tidy(() => tf.variable(tf.tensor(randomValues(size(shape), seed++), shape))),
          'none',
          kind,
        ),
    ),
  );
}
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

type Make = (groups: Parameter[][]) => Optimizer;
interface Outcome {
  params: Float32Array[];
  state: Record<string, Float32Array>;
  /** Kernels the last step ran. */
  kernels: number;
}

/**
 * Six steps: hyper changes after steps 1 and 4, group 0 frozen for step 3, a stateDict round trip into a new
 * optimizer before step 4, the bias of group 1 without a gradient on even steps, and clones / reads of data taken
 * before a step checked unchanged after it.
 */
async function scenario(backend: Backend, on: boolean, make: Make): Promise<Outcome> {
  await use(backend);
  const restore = fused(on);
  const groups = makeGroups();
  const all = groups.flat();
  let opt = make(groups);
  let kernels = -1;
  try {
    for (let s = 0; s < 6; s++) {
      if (s === 1) {
        opt.setHyper('lr', [0.01, 0.03]);
        opt.setHyper('mom', 0.85);
      }
      if (s === 2) opt.freeze();
      if (s === 3) {
        opt.unfreeze();
        const sd = opt.stateDict();
        const next = make(groups);
        await next.loadStateDict(sd);
        opt.dispose();
        opt = next;
        // The state dict (still held) must not change under its holder when the step writes in place.
        const held = await Promise.all(Object.values(sd.state).map(async (t) => Float32Array.from(await t.data())));
        stepOnce(opt, all, s);
        const after = await Promise.all(Object.values(sd.state).map(async (t) => Float32Array.from(await t.data())));
        after.forEach((a, i) => expect(a).toEqual(held[i]));
        tf.dispose(Object.values(sd.state));
        continue;
      }
      if (s === 4) {
        opt.setHyper('wd', 0.05);
        opt.setHyper('lr', 0.02);
        opt.setHyper('mom', 0.9);
      }
      // A clone (shares the data) and a read and a read array taken before the step keep their values.
      const clone = tf.clone(all[0].variable);
      const before = Float32Array.from(await clone.data());
      const read = await all[3].variable.data();
      const copy = Float32Array.from(read);
      const info = await tf.profile(() => stepOnce(opt, all, s));
      kernels = info.kernels.length;
      expect(Float32Array.from(await clone.data())).toEqual(before);
      expect(read).toEqual(copy);
      clone.dispose();
    }
    const params = await Promise.all(all.map(async (p) => Float32Array.from(await p.variable.data())));
    const sd = opt.stateDict();
    const state: Record<string, Float32Array> = {};
    for (const [k, t] of Object.entries(sd.state)) state[k] = Float32Array.from(await t.data());
    tf.dispose(Object.values(sd.state));
    return { params, state, kernels };
  } finally {
    opt.dispose();
    all.forEach((p) => p.variable.dispose());
    restore();
  }
}

function stepOnce(opt: Optimizer, all: Parameter[], s: number): void {
  const grads: tf.NamedTensorMap = {};
  all.forEach((p, i) => {
    if (i === 4 && s % 2 === 0) return; // group 1's bias: no gradient on even steps
    grads[p.variable.name] = tf.tensor(randomValues(p.size, 100 * s + i + 7), p.shape);
  });
  opt.step(grads);
  tf.dispose(Object.values(grads));
}

const CASES: [string, Make][] = [
  ['SGD', (g) => new SGD(g, { lr: 0.1, wd: 0.01 })],
  ['SGD, no wd', (g) => new SGD(g, { lr: 0.1 })],
  ['SGD mom 0.9', (g) => new SGD(g, { lr: 0.1, mom: 0.9, wd: 0.01 })],
  ['SGD mom 0.9, L2 wd', (g) => new SGD(g, { lr: 0.1, mom: 0.9, wd: 0.01, decoupledWd: false })],
  ['Adam', (g) => new Adam(g, { lr: 0.01, wd: 0.1 })],
  ['Adam, L2 wd', (g) => new Adam(g, { lr: 0.01, wd: 0.1, decoupledWd: false })],
  ['Adam, wdBnBias', (g) => new Adam(g, { lr: 0.01, wd: 0.1, wdBnBias: true })],
  ['Adam, trainBn false', (g) => new Adam(g, { lr: 0.01, wd: 0.1, trainBn: false, eps: 1e-3, sqrMom: 0.9 })],
];

describe.each(['wasm', 'cpu'] as const)('fused optimizer step on %s', (backend) => {
  it.each(CASES)('%s: fused matches the unfused step to 1e-5 over six steps', async (_, make) => {
    const a = await scenario(backend, false, make);
    const b = await scenario(backend, true, make);
    expect(a.kernels).toBeGreaterThan(10);
    expect(b.kernels).toBe(0); // one pass, no tensor op
    b.params.forEach((p, i) => expect(relErr(p, a.params[i])).toBeLessThan(1e-5));
    expect(Object.keys(b.state).sort()).toEqual(Object.keys(a.state).sort());
    for (const k of Object.keys(a.state)) expect(relErr(b.state[k], a.state[k]), k).toBeLessThan(1e-5);
    if (backend === 'wasm') {
      // wasm's JS loops (no SIMD module) agree too.
      const restore = setFused('simd', false);
      const c = await scenario(backend, true, make);
      restore();
      expect(c.kernels).toBe(0);
      c.params.forEach((p, i) => expect(relErr(p, a.params[i])).toBeLessThan(1e-5));
      for (const k of Object.keys(a.state)) expect(relErr(c.state[k], a.state[k]), k).toBeLessThan(1e-5);
    }
    // The frozen step really skipped group 0's weight and bias: their step count is one short.
    expect(a.state['0.0.step'][0]).toBe(5);
    expect(a.state['1.1.step'][0]).toBe(3);
  });

  it('keeps tf.memory().numTensors flat over many steps (SGD with momentum and Adam)', async () => {
    await use(backend);
    const restore = fused(true);
    try {
      for (const make of [CASES[2][1], CASES[4][1]]) {
        const groups = makeGroups();
        const all = groups.flat();
        const opt = make(groups);
        stepOnce(opt, all, 1);
        const n = tf.memory().numTensors;
        for (let s = 0; s < 30; s++) stepOnce(opt, all, s);
        expect(tf.memory().numTensors).toBe(n);
        // Shared data forces copies; those are freed too.
        const sd = opt.stateDict();
        stepOnce(opt, all, 3);
        tf.dispose(Object.values(sd.state));
        expect(tf.memory().numTensors).toBe(n);
        opt.dispose();
        all.forEach((p) => p.variable.dispose());
      }
    } finally {
      restore();
    }
  });

  it('trains a Linear and a Conv2d as the unfused step does (the backend never sees stale weights)', async () => {
    // XNNPACK (wasm) caches packed weights per tensor id: weights written in place would leave the forward on
    // the old values. Five steps of forward, backward and Adam; the losses of both paths must agree.
    const losses = async (on: boolean): Promise<number[]> => {
      await use(backend);
      const restore = fused(on);
      const lin = new Linear(12, 5);
      const conv = new Conv2d(3, 4, 3, { padding: 1 });
      const seedW = [...lin.parameters(), ...conv.parameters()];
      seedW.forEach((p, i) => p.variable.assign(tf.tidy(() => tf.tensor(randomValues(p.size, 50 + i), p.shape))));
      const x = tf.tensor(randomValues(6 * 12, 3), [6, 12]);
      const img = tf.tensor(randomValues(2 * 5 * 5 * 3, 4), [2, 5, 5, 3]);
      const opt = new Adam([seedW], { lr: 0.05 });
      const out: number[] = [];
      try {
        for (let s = 0; s < 5; s++) {
          const { value, grads } = tf.variableGrads(
            () => tf.add(tf.sum(tf.square(lin.call(x))), tf.sum(tf.square(conv.call(img)))) as tf.Scalar,
            opt.trainableVariables(),
          );
          opt.step(grads);
          out.push((await value.data())[0]);
          tf.dispose([value, ...Object.values(grads)]);
        }
      } finally {
        opt.dispose();
        lin.dispose();
        conv.dispose();
        tf.dispose([x, img]);
        restore();
      }
      return out;
    };
    const a = await losses(false);
    const b = await losses(true);
    expect(a[4]).toBeLessThan(a[0] * 0.9);
    expect(relErr(b, a)).toBeLessThan(1e-5);
  });

  it('SGD on wasm without SIMD leaves parameters over 16 K elements to the tf ops; with SIMD fuses all; all match', async () => {
    const run = async (on: boolean, simd = true) => {
      await use(backend);
      const restore = fused(on);
      const restoreSimd = setFused('simd', simd);
      const ps = [[130, 130], [130], [7, 3]].map(
        (shape, i) =>
          new Parameter(
            tf.tidy(() => tf.variable(tf.tensor(randomValues(size(shape), 60 + i), shape))),
            'none',
            i === 1 ? 'bias' : 'weight',
          ),
      );
      const opt = new SGD([ps], { lr: 0.1, mom: 0.9, wd: 0.01 });
      let kernels = 0;
      for (let s = 0; s < 4; s++) kernels = (await tf.profile(() => stepOnce(opt, ps, s))).kernels.length;
      const out = await Promise.all(ps.map(async (p) => Float32Array.from(await p.variable.data())));
      opt.dispose();
      ps.forEach((p) => p.variable.dispose());
      restoreSimd();
      restore();
      return { out, kernels };
    };
    const a = await run(false);
    const b = await run(true, false);
    const c = await run(true);
    // Unfused: 5 ops per parameter (decay, mom*avg, +grad, lr*avg, w-); fused without SIMD on wasm: only the big
    // weight's 5; with SIMD (and on cpu) none.
    expect(a.kernels).toBe(14);
    expect(b.kernels).toBe(backend === 'wasm' ? 5 : 0);
    expect(c.kernels).toBe(0);
    b.out.forEach((o, i) => expect(relErr(o, a.out[i])).toBeLessThan(1e-5));
    c.out.forEach((o, i) => expect(relErr(o, a.out[i])).toBeLessThan(1e-5));
  });

  it('runs the update of a subclass that declares no fused rule', async () => {
    await use(backend);
    const restore = fused(true);
    let calls = 0;
    class Counting extends Adam {
      override get fusedRule(): undefined {
        return undefined;
      }
      protected override update(w: tf.Tensor, grad: tf.Tensor, st: ParamState, ctx: StepContext): tf.Tensor {
        calls++;
        return super.update(w, grad, st, ctx);
      }
    }
    const groups = makeGroups();
    const opt = new Counting(groups, {} as OptimizerOptions);
    stepOnce(opt, groups.flat(), 1);
    expect(calls).toBe(groups.flat().length);
    opt.dispose();
    groups.flat().forEach((p) => p.variable.dispose());
    restore();
  });

  it('is chosen by the rule each optimizer declares: Adam, SGD with and without momentum', () => {
    const groups = makeGroups();
    const opts = [new Adam(groups), new SGD(groups), new SGD(groups, { mom: 0.9 })];
    expect(opts.map((o) => o.fusedRule)).toEqual(['adam', 'sgd', 'sgd-mom']);
    opts.forEach((o) => o.dispose());
    groups.flat().forEach((p) => p.variable.dispose());
  });
});

describe('a real fit with the fused step', () => {
  it('fitOneCycle on credit_data ends where the unfused step ends (wasm)', async () => {
    await use('wasm');
    const data = loadCredit();
    const fit = async (on: boolean) => {
      const restore = fused(on);
      try {
        manualSeed(0);
        const model = creditModel(data);
        const learn = new Learner(creditDls(data, 64, 0), model, { logger: () => undefined });
        const before = (await learn.validate()).validLoss;
        await learn.fitOneCycle(2, 1e-2);
        const after = (await learn.validate()).validLoss;
        const weights = await Promise.all(
          model.parameters().map(async (p) => Float32Array.from(await p.variable.data())),
        );
        model.dispose();
        learn.opt?.dispose();
        return { before, after, weights };
      } finally {
        restore();
      }
    };
    const a = await fit(false);
    const b = await fit(true);
    expect(a.after).toBeLessThan(a.before - 0.1);
    expect(b.before).toBe(a.before);
    expect(Math.abs(b.after - a.after)).toBeLessThan(1e-4 * a.after);
    b.weights.forEach((w, i) => expect(relErr(w, a.weights[i])).toBeLessThan(1e-4));
  });
});
