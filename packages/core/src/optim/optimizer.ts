// fastai's Optimizer (optimizer.py): parameter groups with their own hyper-parameters, freezing by group,
// decoupled weight decay, SGD and Adam. The math runs in tf ops, or on wasm and cpu for SGD and Adam as one fused
// pass over backend memory (./fused-step.ts, switch `adam` / `sgd`); hyper-parameters are plain numbers.
import * as tf from '@tensorflow/tfjs-core';
import { fusedEnabled } from '../backend/fused.js';
import { fusedOptimizerStep, fusedPays, type FusedRule } from './fused-step.js';
import { OptimizerError } from '../errors.js';
import type { Parameter } from '../nn/module.js';
import { lrsForGroups, type LrSlice } from './lr.js';
import {
  ADAM_RULE,
  SGD_MOM_RULE,
  SGD_RULE,
  stepNumbers,
  type StateName,
  type StepArith,
  type StepNumber,
  type StepRule,
} from './steppers.js';

/** The hyper-parameters every parameter group carries (fastai's names: `sqrMom` is `sqr_mom`, Adam's beta2). */
export interface Hypers {
  /** Learning rate (fastai's `lr`); one-cycle and `lrFind` schedule it. Default 1e-3. */
  lr: number;
  /** Momentum (SGD) or Adam's beta1; one-cycle schedules it. */
  mom: number;
  /** Adam's beta2. */
  sqrMom: number;
  /** Adam's epsilon, added to `sqrt(sqr_avg)` in the denominator (unused by SGD). Default 1e-5, as fastai's. */
  eps: number;
  /** Weight decay. */
  wd: number;
}

/** A parameter group: its parameters and its hyper-parameters (`learn.opt.paramGroups[i].lr`). */
export interface ParamGroup extends Hypers {
  /** The group's parameters, in the order given (a body group first, the head last, for a splitter's groups). */
  params: Parameter[];
}

/** The name of a hyper-parameter of a parameter group (`lr`, `mom`, `sqrMom`, `eps`, `wd`). */
export type HyperName = keyof Hypers;

const HYPER_NAMES: readonly HyperName[] = ['lr', 'mom', 'sqrMom', 'eps', 'wd'];

/** Options of an optimizer: hyper-parameters (each for every group) and fastai's flags. */
export interface OptimizerOptions extends Partial<Hypers> {
  /** Keep BatchNorm (`kind: 'norm'`) parameters trainable in frozen groups (fastai's `train_bn`). Default true. */
  trainBn?: boolean;
  /** Decoupled weight decay `p *= 1 - lr*wd` (fastai's `decouple_wd`, "true wd"); false adds `wd*p` to the gradient (L2). Default true. */
  decoupledWd?: boolean;
  /** Also decay bias and BatchNorm parameters (fastai's `wd_bn_bias`). Default false. */
  wdBnBias?: boolean;
}

/** Per-parameter optimizer state: named tensors (`grad_avg`, `sqr_avg`) and the number of steps taken. */
export interface ParamState {
  /** The number of steps this parameter has taken (fastai's `step`, used by Adam's debiasing); 0 before the first. */
  step: number;
  /** The state tensors by fastai's names (`grad_avg`, `sqr_avg`), each the parameter's shape, float32. */
  tensors: Record<string, tf.Tensor>;
}

/** What a subclass's update sees: the group's hyper-parameters and a float32 scalar cache for this step. */
export interface StepContext {
  /** The parameter group being stepped: its hyper-parameters (`lr`, `mom`, `wd`…) as they are at this step. */
  group: ParamGroup;
  /** A float32 scalar of `v`, shared within one step (freed when the step ends). */
  scalar(v: number): tf.Scalar;
}

/** The optimizer's state for saving: each group's hyper-parameters and tensors keyed `${group}.${param}.${name}`. */
export interface OptimizerStateDict {
  /** Each parameter group's hyper-parameters, in `paramGroups` order. */
  hypers: Hypers[];
  /** The state tensors keyed `${groupIdx}.${paramIdx}.${name}` (`'1.0.grad_avg'`), `step` as a float32 scalar. */
  state: Record<string, tf.Tensor>;
}

/**
 * fastai's `Optimizer`: parameter groups, each with its own hyper-parameters; `freezeTo(n)` freezes the first
 * `n` groups (BatchNorm parameters stay trainable when `trainBn`); weight decay skips bias and BatchNorm
 * parameters. Subclasses define the update ({@link SGD}, {@link Adam}).
 * @example
 * ```ts
 * const opt = new Adam([params(body), params(head)], { lr: 1e-3 });
 * opt.freeze();                                   // only head (and body BatchNorm) train
 * const { grads } = tf.variableGrads(lossFn, opt.trainableVariables());
 * opt.step(grads);
 * tf.dispose(grads);
 * ```
 */
export abstract class Optimizer {
  /** The parameter groups (fastai's `param_groups`): each one's parameters and hyper-parameters, in the order given. */
  readonly paramGroups: ParamGroup[];
  /** Groups `[0, frozenIdx)` are frozen (as fastai's `frozen_idx`; negative arguments of `freezeTo` are resolved). */
  frozenIdx = 0;
  /** Whether weight decay is decoupled, `p *= 1 - lr*wd` (fastai's `decouple_wd`), or L2 added to the gradient. Default true. */
  readonly decoupledWd: boolean;
  /** Whether bias and BatchNorm parameters are also decayed (fastai's `wd_bn_bias`). Default false. */
  readonly wdBnBias: boolean;
  private _trainBn: boolean;
  private readonly state = new Map<Parameter, ParamState>();

  constructor(groups: Parameter[][], hypers: OptimizerOptions = {}) {
    const { trainBn = true, decoupledWd = true, wdBnBias = false, ...h } = hypers;
    if (!Array.isArray(groups) || groups.length === 0)
      throw new OptimizerError('an optimizer needs at least one parameter group');
    const full: Hypers = { ...DEFAULT_HYPERS, ...stripUndefined(h) };
    for (const k of HYPER_NAMES)
      if (typeof full[k] !== 'number' || !Number.isFinite(full[k]))
        throw new OptimizerError(`hyper-parameter ${k} must be a finite number, got ${String(full[k])}`);
    const seen = new Set<Parameter>();
    groups.forEach((g, gi) =>
      g.forEach((p, pi) => {
        if (!p || !(p.variable instanceof tf.Variable))
          throw new OptimizerError(`parameter ${pi} of group ${gi} is not a Parameter`);
        if (seen.has(p))
          throw new OptimizerError(`parameter ${pi} of group ${gi} (${p.variable.name}) is in more than one group`);
        seen.add(p);
      }),
    );
    this.paramGroups = groups.map((params) => ({ params: [...params], ...full }));
    this._trainBn = trainBn;
    this.decoupledWd = decoupledWd;
    this.wdBnBias = wdBnBias;
  }

  /** Names of the per-parameter state tensors this optimizer keeps (`step` is always kept). */
  protected abstract get stateNames(): readonly string[];

  /**
   * The new value of one parameter. `w` is the parameter after decoupled weight decay, `grad` its gradient
   * (plus `wd*w` for L2); `st.step` was already incremented. Replace state tensors in `st.tensors` with
   * {@link Optimizer.setState}. Runs inside the step's tf.tidy.
   */
  protected abstract update(w: tf.Tensor, grad: tf.Tensor, st: ParamState, ctx: StepContext): tf.Tensor;

  /**
   * The rule of ./steppers.ts that {@link update} computes, declared so that on wasm and cpu the step can run it
   * as one fused pass over backend memory instead (switch: `TFAI_FUSED=-adam,-sgd`); undefined, the default, always
   * runs `update`. {@link Adam} and {@link SGD} declare theirs: a subclass of them that overrides `update` declares
   * `undefined` here so that its own `update` runs.
   * @example
   * ```ts
   * class Logged extends Adam {
   *   override get fusedRule() { return undefined; }
   *   protected override update(...args: Parameters<Adam['update']>) { console.log('step'); return super.update(...args); }
   * }
   * ```
   */
  get fusedRule(): FusedRule | undefined {
    return undefined;
  }

  /** Whether BatchNorm parameters of frozen groups stay trainable. Changing it re-applies the current freeze. */
  get trainBn(): boolean {
    return this._trainBn;
  }
  /** Sets whether BatchNorm parameters stay trainable when frozen. */
  set trainBn(v: boolean) {
    this._trainBn = v;
    if (this.frozenIdx !== 0) this.freezeTo(this.frozenIdx);
  }

  /** Each group's hyper-parameters (copies). */
  get hypers(): Hypers[] {
    return this.paramGroups.map((g) => pickHypers(g));
  }

  /**
   * Sets one hyper-parameter: a number for every group, one value per group, or (as fastai's `set_hyper`) a
   * {@link LrSlice} spread over the groups.
   * @example
   * ```ts
   * opt.setHyper('lr', slice(1e-6, 1e-4)); // [1e-6, 1e-5, 1e-4] on three groups
   * opt.setHyper('mom', 0.9);
   * ```
   */
  setHyper(name: HyperName, value: number | readonly number[] | LrSlice): void {
    if (!HYPER_NAMES.includes(name))
      throw new OptimizerError(`unknown hyper-parameter '${String(name)}' (known: ${HYPER_NAMES.join(', ')})`);
    const v = lrsForGroups(value, this.paramGroups.length, name);
    this.paramGroups.forEach((g, i) => (g[name] = v[i]));
  }

  /** The variables that currently require gradients, group by group (what `tf.variableGrads` should be asked for). */
  trainableVariables(): tf.Variable[] {
    return this.paramGroups.flatMap((g) => g.params.filter((p) => p.requiresGrad).map((p) => p.variable));
  }

  /**
   * One update from gradients keyed by variable name (as `tf.variableGrads` returns them; the caller keeps
   * ownership of `grads`). Parameters that are frozen or have no gradient are skipped; a gradient of the wrong
   * shape throws before anything changes. Never reads tensor data.
   */
  step(grads: tf.NamedTensorMap): void {
    for (const p of this.paramGroups.flatMap((g) => g.params)) {
      const g = grads[p.variable.name];
      if (g && !sameShape(g.shape, p.shape))
        throw new OptimizerError(`gradient of ${p.variable.name} has shape [${g.shape}], parameter has [${p.shape}]`);
    }
    const jobs: { p: Parameter; g: tf.Tensor; group: ParamGroup; st: ParamState }[] = [];
    for (const group of this.paramGroups)
      for (const p of group.params) {
        const g = grads[p.variable.name];
        if (!p.requiresGrad || !g) continue;
        let st = this.state.get(p);
        if (!st) this.state.set(p, (st = { step: 0, tensors: {} }));
        st.step += 1;
        jobs.push({ p, g, group, st });
      }
    const rule = fusedRuleOf(this);
    let rest = jobs;
    if (rule && jobs.length) {
      const mine = jobs.filter(({ p }) => fusedPays(rule, p.size));
      const fused = mine.map(({ p, g, group, st }) => {
        const decay = (this.wdBnBias || p.kind === 'weight') && group.wd !== 0;
        const { lr, mom, sqrMom, eps, wd } = group;
        return {
          variable: p.variable,
          grad: g,
          state: st.tensors,
          wdMul: decay && this.decoupledWd ? 1 - lr * wd : 1,
          l2: decay && !this.decoupledWd ? wd : 0,
          ...{ lr, mom, sqrMom, eps },
          step: st.step,
        };
      });
      const done = new Set(mine);
      if (fusedOptimizerStep(rule, fused)) rest = jobs.filter((j) => !done.has(j));
    }
    if (rest.length) this.unfusedStep(rest);
  }

  /** The update as tf ops, parameter by parameter. */
  private unfusedStep(jobs: readonly { p: Parameter; g: tf.Tensor; group: ParamGroup; st: ParamState }[]): void {
    // Scalars are shared by every parameter of the step (kept across the per-parameter tidies, freed at the end).
    const cache = new Map<number, tf.Scalar>();
    const scalar = (v: number): tf.Scalar => {
      let s = cache.get(v);
      if (!s) cache.set(v, (s = tf.keep(tf.scalar(v, 'float32'))));
      return s;
    };
    try {
      for (const { p, g, group, st } of jobs) {
        const ctx: StepContext = { group, scalar };
        // One tidy per parameter, so intermediates never pile up beyond one parameter's worth.
        tf.tidy(() => {
          let w: tf.Tensor = p.variable;
          let grad = g;
          if ((this.wdBnBias || p.kind === 'weight') && group.wd !== 0) {
            if (this.decoupledWd) w = tf.mul(w, scalar(1 - group.lr * group.wd));
            else grad = tf.add(grad, tf.mul(w, scalar(group.wd)));
          }
          p.variable.assign(this.update(w, grad, st, ctx));
        });
      }
    } finally {
      tf.dispose([...cache.values()]);
    }
  }

  /** Replaces a state tensor, keeping the new one beyond the step's tidy and freeing the old one. */
  protected setState(st: ParamState, name: string, t: tf.Tensor): tf.Tensor {
    const old = st.tensors[name];
    st.tensors[name] = tf.keep(t);
    if (old && old !== t) old.dispose();
    return t;
  }

  /**
   * A rule of ./steppers.ts as tf ops (the same description the fused step's loops run): `w` is the parameter
   * after decoupled weight decay, `grad` its gradient (L2 already added); the rule's state is replaced in `st`.
   * @internal
   */
  protected runRule(rule: StepRule, w: tf.Tensor, grad: tf.Tensor, st: ParamState, ctx: StepContext): tf.Tensor {
    const { lr, mom, sqrMom, eps } = ctx.group;
    const n = stepNumbers({ wdMul: 1, l2: 0, lr, mom, sqrMom, eps, step: st.step });
    const out = rule.step(
      tfArith(w, grad, st, (k) => n[k], ctx.scalar),
      false,
    );
    for (const name of rule.state) {
      const v = out[name];
      if (v === undefined || typeof v === 'number') throw new OptimizerError(`rule left ${name} without a tensor`);
      // The caller owns the gradient: state never aliases it (SGD's first momentum step is the gradient itself).
      this.setState(st, STATE_KEYS[name], v === grad ? tf.clone(v) : v);
    }
    if (typeof out.w === 'number') throw new OptimizerError('rule left the weight without a tensor');
    return out.w;
  }

  /**
   * Freezes groups `[0, n)` and unfreezes the rest (negative `n` counts from the end, as fastai's `freeze_to`);
   * BatchNorm parameters (`kind: 'norm'`) of frozen groups stay trainable when {@link trainBn}. Sets
   * `requiresGrad` on each {@link Parameter}.
   * @example
   * ```ts
   * opt.freezeTo(-2); // all groups but the last two are frozen
   * ```
   */
  freezeTo(n: number): void {
    if (!Number.isInteger(n)) throw new OptimizerError(`freezeTo needs an integer, got ${n}`);
    const len = this.paramGroups.length;
    this.frozenIdx = n >= 0 ? n : len + n;
    if (this.frozenIdx >= len)
      console.warn(`Freezing ${this.frozenIdx} groups; model has ${len}; whole model is frozen.`);
    const cut = n >= 0 ? Math.min(n, len) : Math.max(0, len + n); // Python's slice(None, n) / slice(n, None)
    this.paramGroups.forEach((g, i) => {
      for (const p of g.params) p.requiresGrad = i >= cut || (this._trainBn && p.kind === 'norm');
    });
  }

  /** Freezes every group but the last (fastai's `Learner.freeze`: `freeze_to(-1)`; with one group, nothing is frozen). */
  freeze(): void {
    this.freezeTo(-1);
  }

  /** Makes every parameter trainable (`freeze_to(0)`). */
  unfreeze(): void {
    this.freezeTo(0);
  }

  /**
   * Hyper-parameters and per-parameter state (new tensors the caller owns), for saving with the model.
   * Keys are `${groupIdx}.${paramIdx}.${name}`; `step` is a float32 scalar.
   */
  stateDict(): OptimizerStateDict {
    const state: Record<string, tf.Tensor> = {};
    this.forEachParam((p, key) => {
      const st = this.state.get(p);
      if (!st) return;
      for (const [name, t] of Object.entries(st.tensors)) state[`${key}.${name}`] = tf.clone(t);
      state[`${key}.step`] = tf.scalar(st.step, 'float32');
    });
    return { hypers: this.hypers, state };
  }

  /**
   * Restores what {@link stateDict} returned (the tensors are copied; the caller keeps them). Everything is
   * checked first: wrong group count, unknown keys, wrong shapes or incomplete state throw
   * {@link OptimizerError} and leave the optimizer unchanged. Async: the step counts are read back (awaited, in
   * one batch) from their tensors.
   */
  async loadStateDict(sd: OptimizerStateDict): Promise<void> {
    const len = this.paramGroups.length;
    if (!sd || !Array.isArray(sd.hypers) || sd.hypers.length !== len)
      throw new OptimizerError(
        `optimizer state has ${sd?.hypers?.length} hyper-parameter groups, the optimizer has ${len}`,
      );
    sd.hypers.forEach((h, i) => {
      for (const k of HYPER_NAMES)
        if (typeof h[k] !== 'number')
          throw new OptimizerError(`optimizer state: hypers[${i}].${k} is missing or not a number`);
    });
    const names = [...this.stateNames, 'step'];
    const byParam = new Map<string, Map<string, tf.Tensor>>();
    const problems: string[] = [];
    const params = new Map<string, Parameter>();
    this.forEachParam((p, key) => params.set(key, p));
    for (const [k, t] of Object.entries(sd.state ?? {})) {
      const dot = k.lastIndexOf('.');
      const key = k.slice(0, dot);
      const name = k.slice(dot + 1);
      const p = params.get(key);
      if (dot < 0 || !p || !names.includes(name)) {
        problems.push(`unexpected key ${k}`);
        continue;
      }
      const want = name === 'step' ? [] : p.shape;
      if (!sameShape(t.shape, want)) problems.push(`${k} has shape [${t.shape}], expected [${want}]`);
      if (!byParam.has(key)) byParam.set(key, new Map());
      byParam.get(key)?.set(name, t);
    }
    for (const [key, m] of byParam) {
      const missing = names.filter((n) => !m.has(n));
      if (missing.length) problems.push(`${key} lacks ${missing.join(', ')}`);
    }
    if (problems.length) throw new OptimizerError(`optimizer state does not match: ${problems.join('; ')}`);
    const stepTensors = [...byParam.values()].map((m) => m.get('step') as tf.Tensor);
    const steps = await Promise.all(stepTensors.map(async (t) => Math.round((await t.data())[0])));
    this.clearState();
    this.paramGroups.forEach((g, i) => Object.assign(g, pickHypers(sd.hypers[i])));
    let k = 0;
    for (const [key, m] of byParam) {
      const st: ParamState = { step: steps[k++], tensors: {} };
      for (const [name, t] of m) {
        if (name !== 'step') st.tensors[name] = tf.keep(tf.tidy(() => tf.cast(t, 'float32').clone()));
      }
      this.state.set(params.get(key) as Parameter, st);
    }
  }

  /** Forgets every moment and step count (fastai's `clear_state`). */
  clearState(): void {
    for (const st of this.state.values()) tf.dispose(Object.values(st.tensors));
    this.state.clear();
  }

  /** Frees the optimizer's state (the parameters belong to the model). */
  dispose(): void {
    this.clearState();
  }

  private forEachParam(f: (p: Parameter, key: string) => void): void {
    this.paramGroups.forEach((g, gi) => g.params.forEach((p, pi) => f(p, `${gi}.${pi}`)));
  }
}

/** Hyper-parameters a group gets when neither the optimizer nor the caller sets them (fastai's Adam defaults, lr as `Learner`'s). */
const DEFAULT_HYPERS: Hypers = { lr: 1e-3, mom: 0.9, sqrMom: 0.99, eps: 1e-5, wd: 0.01 };

/** The fused step the optimizer declares ({@link Optimizer.fusedRule}), while `fusedEnabled` allows it. */
function fusedRuleOf(opt: Optimizer): FusedRule | undefined {
  const rule = opt.fusedRule;
  return rule && fusedEnabled(rule === 'adam' ? 'adam' : 'sgd') ? rule : undefined;
}

function stripUndefined<T extends object>(h: T): T {
  return Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as T;
}

function pickHypers(h: Hypers): Hypers {
  return { lr: h.lr, mom: h.mom, sqrMom: h.sqrMom, eps: h.eps, wd: h.wd };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * fastai's `SGD(params, lr, mom=0., wd=0., decouple_wd=True)`: defaults `mom: 0`, `wd: 0` (lr 1e-3 as
 * `Learner`'s default; `sqrMom` and `eps` are unused). As in fastai, momentum is used only if `mom` is non-zero
 * at construction: `grad_avg = mom*grad_avg + grad` (no dampening), `p -= lr*grad_avg`; otherwise `p -= lr*grad`.
 * @example
 * ```ts
 * const opt = new SGD([model.parameters()], { lr: 0.1, mom: 0.9 });
 * ```
 */
export class SGD extends Optimizer {
  /** Whether momentum is used (fastai adds `average_grad` only when `mom != 0`). */
  readonly momentum: boolean;
  constructor(groups: Parameter[][], hypers: OptimizerOptions = {}) {
    super(groups, { ...SGD_DEFAULTS, ...stripUndefined(hypers) });
    this.momentum = (hypers.mom ?? SGD_DEFAULTS.mom) !== 0;
  }
  protected get stateNames(): readonly string[] {
    return this.momentum ? ['grad_avg'] : [];
  }
  override get fusedRule(): FusedRule | undefined {
    return this.momentum ? 'sgd-mom' : 'sgd';
  }
  protected update(w: tf.Tensor, grad: tf.Tensor, st: ParamState, ctx: StepContext): tf.Tensor {
    return this.runRule(this.momentum ? SGD_MOM_RULE : SGD_RULE, w, grad, st, ctx);
  }
}

const SGD_DEFAULTS: Partial<Hypers> = { lr: 1e-3, mom: 0, wd: 0 };

/**
 * fastai's `Adam(params, lr, mom=0.9, sqr_mom=0.99, eps=1e-5, wd=0.01, decouple_wd=True)`: decoupled weight
 * decay, then `grad_avg = mom*grad_avg + (1-mom)*grad`, `sqr_avg = sqr_mom*sqr_avg + (1-sqr_mom)*grad²`, and
 * `p -= lr/debias1 * grad_avg / (sqrt(sqr_avg/debias2) + eps)` with fastai's
 * `debias(mom, 1-mom, step) = (1-mom)*(1-mom**step)/(1-mom)` computed from the current `mom`.
 * @example
 * ```ts
 * const opt = new Adam([model.parameters()], { lr: 1e-3 });
 * ```
 */
export class Adam extends Optimizer {
  constructor(groups: Parameter[][], hypers: OptimizerOptions = {}) {
    super(groups, hypers);
  }
  protected get stateNames(): readonly string[] {
    return ['grad_avg', 'sqr_avg'];
  }
  override get fusedRule(): FusedRule | undefined {
    return 'adam';
  }
  protected update(w: tf.Tensor, grad: tf.Tensor, st: ParamState, ctx: StepContext): tf.Tensor {
    return this.runRule(ADAM_RULE, w, grad, st, ctx);
  }
}

/** Builds the optimizer of a Learner from its parameter groups (the Learner's `opt` option). */
export type OptFactory = (groups: Parameter[][], hypers: OptimizerOptions) => Optimizer;

/**
 * The {@link Adam} factory (fastai's default `opt_func`).
 * @example
 * ```ts
 * const opt = adam([model.parameters()], { lr: 1e-3 });
 * ```
 */
export const adam: OptFactory = (groups, hypers) => new Adam(groups, hypers);

/**
 * The {@link SGD} factory (fastai's `SGD`, no momentum unless `mom` is given).
 * @example
 * ```ts
 * const opt = sgd([model.parameters()], { lr: 0.1, mom: 0.9 });
 * ```
 */
export const sgd: OptFactory = (groups, hypers) => new SGD(groups, hypers);

/** The optimizer's state names of the rules' state tensors (fastai's). */
const STATE_KEYS: Record<StateName, string> = { gradAvg: 'grad_avg', sqrAvg: 'sqr_avg' };

type TfValue = tf.Tensor | number;

/**
 * The rules' arithmetic on tf ops: numbers stay numbers until they meet a tensor (as float32 scalars shared by
 * the step), a missing state tensor (first step) is 0, and the identities `x·1`, `0·x` and `0 + x` take no op,
 * so the first step and an undecayed weight cost nothing more than the rule's own ops.
 */
function tfArith(
  w: tf.Tensor,
  grad: tf.Tensor,
  st: ParamState,
  k: (name: StepNumber) => number,
  scalar: (v: number) => tf.Scalar,
): StepArith<TfValue> {
  const t = (v: TfValue): tf.Tensor => (typeof v === 'number' ? scalar(v) : v);
  const loads = { w, g: grad, gradAvg: st.tensors.grad_avg ?? 0, sqrAvg: st.tensors.sqr_avg ?? 0 };
  const mul = (a: TfValue, b: TfValue): TfValue => {
    if (a === 0 || b === 0) return 0;
    if (a === 1 || b === 1) return a === 1 ? b : a;
    return a === b ? tf.square(t(a)) : tf.mul(t(a), t(b));
  };
  return {
    load: (name) => loads[name],
    k,
    add: (a, b) => (a === 0 ? b : b === 0 ? a : tf.add(t(a), t(b))),
    sub: (a, b) => (b === 0 ? a : tf.sub(t(a), t(b))),
    mul,
    div: (a, b) => tf.div(t(a), t(b)),
    sqrt: (a) => tf.sqrt(t(a)),
    let: (_name, v) => v,
  };
}
