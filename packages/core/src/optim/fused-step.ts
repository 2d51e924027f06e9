// The optimizer's fused step (SGD, SGD with momentum, Adam) on the wasm and cpu backends: every parameter of a
// step updated by one loop over its memory, with no tensor op, no scalar and no tf.tidy. On wasm the loop is
// WebAssembly SIMD over the heap (backend/wasm/simd/simd-kernels.ts, float32 like the unfused ops); on cpu, and on wasm with
// `TFAI_FUSED=-simd`, a JS loop (float64, one rounding per stored value).
//
// Not a registered tfjs kernel (a kernel cannot write state in place). Each step, per parameter:
// - the variable's new value goes to new memory (one allocation, no op) and the variable is `assign`ed to it, as in
//   the unfused step. Never in place: wasm's XNNPACK caches a matmul's or convolution's packed weights by tensor
//   id (measured: a Linear trained with in-place weights kept its first weights in the forward), and the old
//   data may be shared (`tf.clone`, reshape, `detach`, a Module `stateDict()` for SaveModelCallback or export).
// - the state tensors (`grad_avg`, `sqr_avg`) are written in place when the optimizer is their only holder
//   (backend reference count 1): on wasm the heap itself (`dataIdMap.get(dataId).memoryOffset`); on cpu a new
//   Float32Array swapped into `backend.data.get(dataId).values`, because cpu's `read` hands out that very array
//   (what `await t.data()` returned before a step must not change under its holder). A count above 1 (an
//   optimizer `stateDict()` still held, a loaded state its caller still holds, a first-step `tf.clone(grad)` of
//   the unfused path) gives the state fresh memory and leaves the old data to its other holders.
// Missing state (first step) starts as zeros, which gives exactly the unfused first step (0*mom + x = x).
//
// Threaded wasm: the heap is a SharedArrayBuffer; XNNPACK's pool threads run only inside a kernel call, which is
// synchronous on this thread, so no other thread touches the heap while this loop runs between ops.
import * as tf from '@tensorflow/tfjs-core';
import { allocateTensor, f32, memoryBackend, refCountOf, replaceValues, viewable } from '../backend/memory.js';
import { optimizerLoops } from '../backend/fused-ops.js';
import {
  ADAM_RULE,
  SGD_MOM_RULE,
  SGD_RULE,
  stepNumbers,
  type StepHypers,
  type StepNumbers,
  type StepRule,
} from './steppers.js';

/** Which update rule: fastai's SGD without momentum, with momentum, or Adam. */
export type FusedRule = 'sgd' | 'sgd-mom' | 'adam';

/** One parameter's update: its tensors and the numbers of this step (weight decay already resolved). */
export interface FusedParamJob extends StepHypers {
  variable: tf.Variable;
  grad: tf.Tensor;
  /** The parameter's state tensors by name (`grad_avg`, `sqr_avg`); missing or shared ones are replaced in it. */
  state: Record<string, tf.Tensor>;
}

/** Each fused rule's description (./steppers.ts) and the name of its SIMD loop. */
const RULES: Record<FusedRule, StepRule> = { sgd: SGD_RULE, 'sgd-mom': SGD_MOM_RULE, adam: ADAM_RULE };
const SIMD_NAMES = { sgd: 'sgd', 'sgd-mom': 'sgdMom', adam: 'adam' } as const;

/**
 * Whether the fused loop beats tfjs's ops for a parameter of `size` elements (as the bench measures them). On
 * wasm the loops are WebAssembly SIMD (backend/wasm/simd/simd-kernels.ts) and win at every size. Without SIMD
 * (`TFAI_FUSED=-simd`) the loop is scalar JS: Adam's dozen ops per parameter still win at every size, SGD's five
 * cheap ones only on small parameters (up to 16 K elements). On cpu tfjs's ops are JS loops too,
 * so the fused loop always wins there.
 */
export function fusedPays(rule: FusedRule, size: number): boolean {
  return rule === 'adam' || tf.getBackend() !== 'wasm' || size <= SGD_WASM_MAX || optimizerLoops() !== undefined;
}
const SGD_WASM_MAX = 16_384;

const STATE_KEYS = { gradAvg: 'grad_avg', sqrAvg: 'sqr_avg' } as const;

/** How one tensor is written: read from `src`, write `dst` (the same array when in place). */
interface Target {
  src: Float32Array;
  dst: Float32Array;
}

/**
 * Runs one optimizer step over `jobs`, state in place (see the file's comment). Returns false, having changed nothing,
 * when the backend is neither wasm nor cpu or a tensor is not a float32 tensor of the current backend: the
 * caller then takes the unfused path.
 */
export function fusedOptimizerStep(rule: FusedRule, jobs: readonly FusedParamJob[]): boolean {
  const name = memoryBackend();
  if (!name) return false;
  const names = RULES[rule].state.map((s) => STATE_KEYS[s]);
  for (const j of jobs) {
    const n = j.variable.size;
    if (!viewable(name, j.variable, n) || !viewable(name, j.grad, n)) return false;
    for (const s of names) if (j.state[s] && !viewable(name, j.state[s], n)) return false;
  }

  // Phase 1: every allocation (new variable memory, first-step zeros, fresh memory for shared state) before any
  // heap view is taken, as an allocation may grow the wasm heap and replace its buffer. The variable's new value
  // always goes to new memory that the variable is then assigned (as the unfused step's `assign` does): wasm's
  // XNNPACK caches a matmul's or convolution's packed weights by tensor id, so weights changed under the same id
  // would leave the forward on the old values.
  // `fresh`: the result goes there (the data is shared); `commit` runs after every loop.
  type Plan = { t: tf.Tensor; fresh?: tf.Tensor; inPlace?: boolean; commit?: () => void };
  const plans: Plan[][] = jobs.map((j) => {
    const v = j.variable;
    const fresh = allocateTensor(name, v.shape);
    const pw: Plan = { t: v, fresh, commit: () => (v.assign(fresh), fresh.dispose()) };
    const ps: Plan[] = [pw, { t: j.grad }];
    for (const s of names) {
      const old = j.state[s];
      if (!old) {
        const z = (j.state[s] = tf.keep(tf.zeros(v.shape)));
        ps.push({ t: z, inPlace: true });
      } else if (refCountOf(old) > 1) {
        j.state[s] = allocateTensor(name, v.shape);
        ps.push({ t: old, fresh: j.state[s], commit: () => old.dispose() });
      } else ps.push({ t: old });
    }
    return ps;
  });

  // Phase 2: the loops. No allocation on wasm from here on.
  const backend = tf.backend();
  const wasm = name === 'wasm';
  const view = (t: tf.Tensor): Float32Array => f32(backend, name, t);
  const commits: (() => void)[] = [];
  const target = (p: Plan): Target => {
    const src = view(p.t);
    if (p.commit) commits.push(p.commit);
    if (p.fresh) return { src, dst: view(p.fresh) };
    if (wasm || p.inPlace) return { src, dst: src };
    // cpu, sole holder: a new array swapped in (see the file's comment).
    const dst = new Float32Array(src.length);
    commits.push(() => replaceValues(p.t, dst));
    return { src, dst };
  };
  const simd = wasm ? optimizerLoops() : undefined;
  jobs.forEach((j, k) => {
    const [pw, pg, ...pst] = plans[k];
    const n = stepNumbers(j);
    const w = target(pw);
    const g = view(pg.t);
    const st = pst.map(target);
    if (simd) {
      // The SIMD loops' arguments: byte offsets (weight in/out, gradient, each state in/out), then the rule's
      // numbers by name in its order, `l2` last for the L2 variant.
      const ptrs = [w, { src: g, dst: g }, ...st].flatMap((t, i) => (i === 1 ? [t.src] : [t.src, t.dst]));
      const args = [g.length, ...ptrs.map((v) => v.byteOffset), ...RULES[rule].numbers.map((name) => n[name])];
      const fn = SIMD_NAMES[rule];
      if (n.l2 !== 0) (simd[`${fn}L2`] as (...a: number[]) => void)(...args, n.l2);
      else (simd[fn] as (...a: number[]) => void)(...args);
    } else if (rule === 'sgd') sgdLoop(w, g, n);
    else if (rule === 'sgd-mom') sgdMomLoop(w, g, st[0], n);
    else adamLoop(w, g, st[0], st[1], n);
  });
  for (const c of commits) c();
  return true;
}

// The loops are ./steppers.ts's rules written out for speed (steppers.test.ts: bit-identical to them), in float64
// with one rounding per stored value (the unfused ops round after every op; the two agree to ~1e-7).

function sgdLoop(w: Target, g: Float32Array, { wdMul, l2, lr }: StepNumbers): void {
  const [wi, wo] = [w.src, w.dst];
  for (let i = 0; i < g.length; i++) {
    const x = wi[i];
    const gi = l2 !== 0 ? g[i] + l2 * x : g[i];
    wo[i] = x * wdMul - gi * lr;
  }
}

function sgdMomLoop(w: Target, g: Float32Array, avg: Target, { wdMul, l2, lr, mom }: StepNumbers): void {
  const [wi, wo, ai, ao] = [w.src, w.dst, avg.src, avg.dst];
  for (let i = 0; i < g.length; i++) {
    const x = wi[i];
    const gi = l2 !== 0 ? g[i] + l2 * x : g[i];
    const a = ai[i] * mom + gi;
    ao[i] = a;
    wo[i] = x * wdMul - a * lr;
  }
}

function adamLoop(w: Target, g: Float32Array, avg: Target, sqr: Target, n: StepNumbers): void {
  const { wdMul, l2, mom, mom1, sqrMom, sqrMom1, invDebias2, eps, stepSize } = n;
  const [wi, wo, ai, ao, si, so] = [w.src, w.dst, avg.src, avg.dst, sqr.src, sqr.dst];
  for (let i = 0; i < g.length; i++) {
    const x = wi[i];
    const gi = l2 !== 0 ? g[i] + l2 * x : g[i];
    const a = ai[i] * mom + gi * mom1;
    const s = si[i] * sqrMom + gi * gi * sqrMom1;
    ao[i] = a;
    so[i] = s;
    wo[i] = x * wdMul - (a / (Math.sqrt(s * invDebias2) + eps)) * stepSize;
  }
}
