// The steppers' rules are the one description of SGD, SGD with momentum and Adam: the SIMD loops are emitted from
// them (simd-kernels.test.ts checks those against float32 references), the tf-op step runs them (optimizer.test.ts,
// fused-step.test.ts), and the fused step's JS loops must be these rules run in float64, rounded once per stored
// value: checked here bit for bit on the cpu backend, where the fused step runs its JS loops.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../backend/backend.js';
import { randomValues } from '../test-utils/backends.js';
import { fusedOptimizerStep, type FusedRule } from './fused-step.js';
import {
  ADAM_RULE,
  SGD_MOM_RULE,
  SGD_RULE,
  debias,
  stepNumbers,
  type StepArith,
  type StepHypers,
  type StepRule,
  type StepTensor,
} from './steppers.js';

beforeAll(async () => {
  await setBackend('cpu');
});

/** The rule on one element, in float64. */
function onNumbers(rule: StepRule, inputs: Record<StepTensor, number>, h: StepHypers): Record<string, number> {
  const n = stepNumbers(h);
  const a: StepArith<number> = {
    load: (name) => inputs[name],
    k: (name) => n[name],
    add: (x, y) => x + y,
    sub: (x, y) => x - y,
    mul: (x, y) => x * y,
    div: (x, y) => x / y,
    sqrt: Math.sqrt,
    let: (_name, v) => v,
  };
  const out = rule.step(a, n.l2 !== 0);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Math.fround(v as number)]));
}

const RULES: [FusedRule, StepRule][] = [
  ['sgd', SGD_RULE],
  ['sgd-mom', SGD_MOM_RULE],
  ['adam', ADAM_RULE],
];

describe("fastai's steppers, one description", () => {
  it('debias is fastai’s', () => {
    expect(debias(0.9, 0.1, 1)).toBeCloseTo(0.1, 15);
    expect(debias(0.99, 0.01, 3)).toBeCloseTo((0.01 * (1 - 0.99 ** 3)) / 0.01, 15);
  });

  for (const [name, rule] of RULES)
    for (const l2 of [0, 0.01])
      it(`${name}${l2 ? ' with L2' : ''}: the fused step's JS loop is the rule, bit for bit`, () => {
        const size = 37;
        const [w0, g0, a0, s0] = [1, 2, 3, 4].map((seed) => randomValues(size, seed));
        const sqr0 = s0.map(Math.abs);
        const h: StepHypers = {
          wdMul: l2 ? 1 : 1 - 0.01 * 0.1,
          l2,
          lr: 0.01,
          mom: 0.9,
          sqrMom: 0.99,
          eps: 1e-5,
          step: 3,
        };
        const variable = tf.variable(tf.tensor1d(w0));
        const grad = tf.tensor1d(g0);
        const state: Record<string, tf.Tensor> = {};
        if (rule.state.includes('gradAvg')) state.grad_avg = tf.tensor1d(a0);
        if (rule.state.includes('sqrAvg')) state.sqr_avg = tf.tensor1d(sqr0);
        expect(fusedOptimizerStep(name, [{ variable, grad, state, ...h }])).toBe(true);
        const got = {
          w: variable.dataSync(),
          gradAvg: state.grad_avg?.dataSync(),
          sqrAvg: state.sqr_avg?.dataSync(),
        };
        for (let i = 0; i < size; i++) {
          const want = onNumbers(rule, { w: w0[i], g: g0[i], gradAvg: a0[i], sqrAvg: sqr0[i] }, h);
          expect(got.w[i]).toBe(want.w);
          if (got.gradAvg) expect(got.gradAvg[i]).toBe(want.gradAvg);
          if (got.sqrAvg) expect(got.sqrAvg[i]).toBe(want.sqrAvg);
        }
        tf.dispose([variable, grad, ...Object.values(state)]);
      });
});
