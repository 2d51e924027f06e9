// fastai's steppers (optimizer.py: `weight_decay`, `l2_reg`, `average_grad`, `average_sqr_grad`, `debias`,
// `momentum_step`, `adam_step`) written once, over an abstract arithmetic, for the three bodies that run them: the
// tf ops of the unfused step (optimizer.ts), the WebAssembly SIMD loops (backend/wasm/simd/simd-kernels.ts emits
// them from these rules) and the JS loops of the fused step (fused-step.ts, hand-written for speed and tested
// bit-identical to these rules run on numbers: steppers.test.ts).

/** The element-wise tensors a rule reads: the weight, its gradient and the state it keeps. */
export type StepTensor = 'w' | 'g' | 'gradAvg' | 'sqrAvg';

/** The state tensors a rule writes (fastai's `grad_avg`, `sqr_avg`). */
export type StateName = 'gradAvg' | 'sqrAvg';

/**
 * The numbers of one step, by name: `wdMul` is `1 - lr*wd` for decoupled weight decay (else 1), `l2` the weight
 * decay added to the gradient (else 0), `mom1`/`sqrMom1` the dampenings `1 - mom`/`1 - sqrMom`, `invDebias2`
 * `1 / debias(sqrMom, 1 - sqrMom, step)` and `stepSize` `lr / debias(mom, 1 - mom, step)` (Adam).
 */
export interface StepNumbers {
  wdMul: number;
  l2: number;
  lr: number;
  mom: number;
  mom1: number;
  sqrMom: number;
  sqrMom1: number;
  invDebias2: number;
  eps: number;
  stepSize: number;
}
export type StepNumber = keyof StepNumbers;

/** The arithmetic a rule is written in: over numbers (one element), tensors (tf ops) or emitted SIMD code. */
export interface StepArith<V> {
  load(name: StepTensor): V;
  k(name: StepNumber): V;
  add(a: V, b: V): V;
  sub(a: V, b: V): V;
  mul(a: V, b: V): V;
  div(a: V, b: V): V;
  sqrt(a: V): V;
  /** Names a value used more than once (a local of the SIMD loop; the value itself elsewhere). */
  let(name: string, v: V): V;
}

/** What a rule computes: the new weight and the new state tensors. */
export interface StepResult<V> {
  gradAvg?: V;
  sqrAvg?: V;
  w: V;
}

/**
 * One optimizer rule: the state it keeps, the numbers it reads (in the SIMD loops' argument order, `l2` last for
 * the L2 variant) and its body.
 */
export interface StepRule {
  state: readonly StateName[];
  numbers: readonly StepNumber[];
  step<V>(a: StepArith<V>, l2: boolean): StepResult<V>;
}

/** `weight_decay` (decoupled): `w·wdMul`. */
const weightDecay = <V>(a: StepArith<V>, w: V): V => a.mul(w, a.k('wdMul'));

/** `l2_reg`: the gradient, plus `l2·w` for L2 weight decay. */
const l2Reg = <V>(a: StepArith<V>, w: V, l2: boolean): V =>
  l2 ? a.add(a.load('g'), a.mul(a.k('l2'), w)) : a.load('g');

/** `average_grad`: `gradAvg·mom + g` (SGD, no dampening) or `gradAvg·mom + g·mom1` (Adam, dampened). */
const averageGrad = <V>(a: StepArith<V>, g: V, dampened: boolean): V =>
  a.add(a.mul(a.load('gradAvg'), a.k('mom')), dampened ? a.mul(g, a.k('mom1')) : g);

/** `average_sqr_grad`: `sqrAvg·sqrMom + g²·sqrMom1`. */
const averageSqrGrad = <V>(a: StepArith<V>, g: V): V =>
  a.add(a.mul(a.load('sqrAvg'), a.k('sqrMom')), a.mul(a.mul(g, g), a.k('sqrMom1')));

/** `sgd_step` / `momentum_step`: `w·wdMul − d·lr`. */
const momentumStep = <V>(a: StepArith<V>, w: V, d: V): V => a.sub(weightDecay(a, w), a.mul(d, a.k('lr')));

/** `adam_step` after `debias`: `w·wdMul − gradAvg / (√(sqrAvg·invDebias2) + eps) · stepSize`. */
const adamStep = <V>(a: StepArith<V>, w: V, avg: V, sqr: V): V =>
  a.sub(
    weightDecay(a, w),
    a.mul(a.div(avg, a.add(a.sqrt(a.mul(sqr, a.k('invDebias2'))), a.k('eps'))), a.k('stepSize')),
  );

/** fastai's `SGD` without momentum. */
export const SGD_RULE: StepRule = {
  state: [],
  numbers: ['wdMul', 'lr'],
  step: (a, l2) => {
    const w = a.let('w', a.load('w'));
    return { w: momentumStep(a, w, l2Reg(a, w, l2)) };
  },
};

/** fastai's `SGD` with momentum. */
export const SGD_MOM_RULE: StepRule = {
  state: ['gradAvg'],
  numbers: ['wdMul', 'lr', 'mom'],
  step: (a, l2) => {
    const w = a.let('w', a.load('w'));
    const gradAvg = a.let('a', averageGrad(a, l2Reg(a, w, l2), false));
    return { gradAvg, w: momentumStep(a, w, gradAvg) };
  },
};

/** fastai's `Adam`. */
export const ADAM_RULE: StepRule = {
  state: ['gradAvg', 'sqrAvg'],
  numbers: ['wdMul', 'mom', 'mom1', 'sqrMom', 'sqrMom1', 'invDebias2', 'eps', 'stepSize'],
  step: (a, l2) => {
    const w = a.let('w', a.load('w'));
    const g = a.let('g', l2Reg(a, w, l2));
    const gradAvg = a.let('a', averageGrad(a, g, true));
    const sqrAvg = a.let('s', averageSqrGrad(a, g));
    return { gradAvg, sqrAvg, w: adamStep(a, w, gradAvg, sqrAvg) };
  },
};

/**
 * fastai's bias correction `debias(mom, damp, step) = damp * (1 - mom**step) / (1 - mom)`.
 * @example
 * ```ts
 * debias(0.9, 0.1, 1); // 0.1 (≈ 1 - 0.9**1 with dampening)
 * ```
 */
export function debias(mom: number, damp: number, step: number): number {
  return (damp * (1 - mom ** step)) / (1 - mom);
}

/** The hyper-parameters of one parameter's step, weight decay already resolved to `wdMul` and `l2`. */
export interface StepHypers {
  wdMul: number;
  l2: number;
  lr: number;
  mom: number;
  sqrMom: number;
  eps: number;
  /** This step's count (already incremented). */
  step: number;
}

/**
 * The numbers every body of a rule runs with, rounded to float32 as the tf ops' scalars and the SIMD loops'
 * arguments are (`invDebias2` is the float64 inverse of the rounded `debias2`; float32 arguments round it again).
 */
export function stepNumbers(h: StepHypers): StepNumbers {
  const f = Math.fround;
  const { mom, sqrMom, step } = h;
  return {
    wdMul: f(h.wdMul),
    l2: f(h.l2),
    lr: f(h.lr),
    mom: f(mom),
    mom1: f(1 - mom),
    sqrMom: f(sqrMom),
    sqrMom1: f(1 - sqrMom),
    invDebias2: 1 / f(debias(sqrMom, 1 - sqrMom, step)),
    eps: f(h.eps),
    stepSize: f(h.lr / debias(mom, 1 - mom, step)),
  };
}
