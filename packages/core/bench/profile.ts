// The kernel-time profile of one training step (`BENCH_PROFILE=1`): tf.profile's kernels grouped by name.
import type * as tf from '@tensorflow/tfjs';

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
  /** Time inside the scope, its kernels included (they are counted under their own names too). */
  ms: number;
}

/** What `BENCH_PROFILE=1` adds to a measurement (per step: the mean over `steps` profiled steps). */
export interface StepProfile {
  /** Profiled steps the figures are the mean of. */
  steps: number;
  /** Kernels the step ran (engine dispatches of kernels registered for the backend). */
  kernels: number;
  /** Sum of those kernels' times (ms). */
  kernel_ms: number;
  /** Wall time of the profiled step (ms; profiling makes it slower than a timed step). */
  step_ms: number;
  /** The `top` kernel names by total time; `share` is of `kernel_ms`. */
  top: KernelRow[];
  /** The 5 longest scopes (not kernels, not in `kernel_ms`: their kernels are counted under their own names). */
  scopes: ScopeRow[];
}

const r3 = (v: number) => Math.round(v * 1000) / 1000;

type ProfileInfo = Awaited<ReturnType<typeof tf.profile>>;

/**
 * Groups the kernels of `tf.profile` results by name and keeps the `top` by total time. tf.profile also lists the
 * scopes that run kernels inside them (`tf.customGrad` functions as 'unnamed scope', ops as 'name__op') with their
 * inclusive time; `isKernel` (a name registered for the backend) tells them apart, so that no time is counted
 * twice. With several profiled steps (`BENCH_PROFILE_STEPS`), counts and times are the mean per step.
 * @example
 * ```ts
 * const info = await tf.profile(step);
 * const names = new Set(tf.getKernelsForBackend(tf.getBackend()).map((k) => k.kernelName));
 * summarizeProfile([info], [1234.5], (n) => names.has(n)).top[0]; // { name: 'BatchMatMul', count: 431, ms: 896, share: 0.34 }
 * ```
 */
export function summarizeProfile(infos: ProfileInfo[], stepMs: number[], isKernel: (name: string) => boolean, top = 10): StepProfile {
  const n = Math.max(1, infos.length);
  const kernels = new Map<string, { count: number; ms: number }>();
  const scopes = new Map<string, { count: number; ms: number }>();
  let total = 0;
  let count = 0;
  for (const info of infos) {
    for (const k of info.kernels) {
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      const kernel = isKernel(k.name);
      const map = kernel ? kernels : scopes;
      const e = map.get(k.name) ?? { count: 0, ms: 0 };
      e.count += 1;
      e.ms += ms;
      map.set(k.name, e);
      if (kernel) {
        total += ms;
        count += 1;
      }
    }
  }
  const rows = (m: Map<string, { count: number; ms: number }>, keep: number) =>
    [...m.entries()]
      .map(([name, e]) => ({ name, count: r3(e.count / n), ms: r3(e.ms / n), share: total > 0 ? r3(e.ms / total) : 0 }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, keep);
  const wall = stepMs.reduce((s, v) => s + v, 0) / n;
  return {
    steps: infos.length,
    kernels: r3(count / n),
    kernel_ms: r3(total / n),
    step_ms: r3(wall),
    top: rows(kernels, top),
    scopes: rows(scopes, 5).map(({ name, count: c, ms }) => ({ name, count: c, ms })),
  };
}
