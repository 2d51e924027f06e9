// The kernel-time profile of one training step (`BENCH_PROFILE=1`): tf.profile's kernels grouped by name.
import type * as tf from '@tensorflow/tfjs-core';

/**
 * Makes tf.profile report each kernel's *own* time on a backend whose `time(f)` is the wall time of the synchronous
 * call (wasm, cpu): a kernel (or scope) that dispatches other kernels through the engine would otherwise count their
 * time again, and the kernels of a step would add up to more than the step. The inclusive time goes into the
 * kernel's `extraInfo` (ms, as a string). Returns the function that restores the backend's own `time`.
 * @example
 * ```ts
 * const restore = exclusiveKernelTimes(tf.backend());
 * const info = await tf.profile(step);
 * restore();
 * ```
 */
export function exclusiveKernelTimes(backend: tf.KernelBackend): () => void {
  const own = Object.getOwnPropertyDescriptor(backend, 'time');
  const children: number[] = [];
  const time = (f: () => void): Promise<tf.BackendTimingInfo> => {
    const start = performance.now();
    const t = { total: 0, inner: 0 };
    children.push(0);
    try {
      f();
    } finally {
      t.total = performance.now() - start;
      t.inner = children.pop() ?? 0;
      if (children.length) children[children.length - 1] += t.total;
    }
    return Promise.resolve({ kernelMs: t.total - t.inner, getExtraProfileInfo: () => String(t.total) });
  };
  Object.defineProperty(backend, 'time', { value: time, configurable: true, writable: true });
  return () => {
    if (own) Object.defineProperty(backend, 'time', own);
    else Reflect.deleteProperty(backend, 'time');
  };
}

/** One kernel name's share of a profiled step. */
export interface KernelRow {
  name: string;
  /** How many times it ran in the step. */
  count: number;
  /** Its total time (ms): on wasm and cpu the wall time of each synchronous kernel call, outputs read included. */
  ms: number;
  /** `ms` over the step's total kernel time. */
  share: number;
}

/** A scope that tf.profile lists as if it were a kernel (a `tf.customGrad` function, an op): time inclusive. */
export interface ScopeRow {
  name: string;
  count: number;
  /** Time inside the scope, its kernels included (they are counted under their own names). */
  ms: number;
}

/** What `BENCH_PROFILE=1` adds to a measurement (per step: the median over `steps` profiled steps). */
export interface StepProfile {
  /** Profiled steps the figures are the median of. */
  steps: number;
  /** Kernels the step ran (engine dispatches of kernels registered for the backend). */
  kernels: number;
  /** Sum of those kernels' own times (ms; with exclusiveKernelTimes, a kernel inside another counts once). */
  kernel_ms: number;
  /** Wall time of the profiled step (ms; profiling makes it slower than a timed step). */
  step_ms: number;
  /** The `top` kernel names by total time; `share` is of the sum of all names' times (`kernel_ms` with one step). */
  top: KernelRow[];
  /** The 5 longest scopes (not kernels, not in `kernel_ms`: their kernels are counted under their own names). */
  scopes: ScopeRow[];
}

const r3 = (v: number) => Math.round(v * 1000) / 1000;

type ProfileInfo = Awaited<ReturnType<typeof tf.profile>>;

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

type Totals = Map<string, { count: number; ms: number }>;

/** One profiled step's kernels and scopes, each by name. */
function byName(info: ProfileInfo, isKernel: (name: string) => boolean): { kernels: Totals; scopes: Totals } {
  const kernels: Totals = new Map();
  const scopes: Totals = new Map();
  for (const k of info.kernels) {
    const map = isKernel(k.name) ? kernels : scopes;
    const e = map.get(k.name) ?? { count: 0, ms: 0 };
    e.count += 1;
    const own = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    // A scope's time inclusive of its kernels (exclusiveKernelTimes puts it in extraInfo), a kernel's own time.
    const inclusive = Number(k.extraInfo);
    e.ms += map === scopes && k.extraInfo !== '' && Number.isFinite(inclusive) ? inclusive : own;
    map.set(k.name, e);
  }
  return { kernels, scopes };
}

/** Per name, the median over steps of its count and time (0 in a step where it did not run). */
function medians(steps: Totals[]): { name: string; count: number; ms: number }[] {
  const names = new Set(steps.flatMap((t) => [...t.keys()]));
  return [...names].map((name) => ({
    name,
    count: median(steps.map((t) => t.get(name)?.count ?? 0)),
    ms: median(steps.map((t) => t.get(name)?.ms ?? 0)),
  }));
}

/**
 * Groups the kernels of `tf.profile` results by name and keeps the `top` by total time. tf.profile also lists the
 * scopes that run kernels inside them (`tf.customGrad` functions as 'unnamed scope', ops as 'name__op') with their
 * inclusive time; `isKernel` (a name registered for the backend) tells them apart, so that no time is counted
 * twice. Kernel times are wall times, so a kernel during which the OS ran another process shows that pause: with
 * several profiled steps (`BENCH_PROFILE_STEPS`), every figure is the median over the steps.
 * @example
 * ```ts
 * const info = await tf.profile(step);
 * const names = new Set(tf.getKernelsForBackend(tf.getBackend()).map((k) => k.kernelName));
 * summarizeProfile([info], [1234.5], (n) => names.has(n)).top[0]; // { name: 'BatchMatMul', count: 431, ms: 896, share: 0.34 }
 * ```
 */
export function summarizeProfile(
  infos: ProfileInfo[],
  stepMs: number[],
  isKernel: (name: string) => boolean,
  top = 10,
): StepProfile {
  const steps = infos.map((info) => byName(info, isKernel));
  const kernelRows = medians(steps.map((s) => s.kernels));
  const sum = kernelRows.reduce((s, k) => s + k.ms, 0);
  const sorted = <T extends { ms: number }>(rows: T[], keep: number) =>
    [...rows].sort((a, b) => b.ms - a.ms).slice(0, keep);
  const total = (t: Totals) => [...t.values()].reduce((s, e) => s + e.ms, 0);
  const count = (t: Totals) => [...t.values()].reduce((s, e) => s + e.count, 0);
  return {
    steps: infos.length,
    kernels: r3(median(steps.map((s) => count(s.kernels)))),
    kernel_ms: r3(median(steps.map((s) => total(s.kernels)))),
    step_ms: r3(median(stepMs)),
    top: sorted(kernelRows, top).map((k) => ({
      name: k.name,
      count: r3(k.count),
      ms: r3(k.ms),
      share: sum > 0 ? r3(k.ms / sum) : 0,
    })),
    scopes: sorted(medians(steps.map((s) => s.scopes)), 5).map((k) => ({
      name: k.name,
      count: r3(k.count),
      ms: r3(k.ms),
    })),
  };
}
