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

/** What `BENCH_PROFILE=1` adds to a measurement (per step: the mean over `steps` profiled steps). */
export interface StepProfile {
  /** Profiled steps the figures are the mean of. */
  steps: number;
  /** Kernels the step ran (engine dispatches; a kernel that calls another backend kernel directly counts once). */
  kernels: number;
  /** Sum of all kernels' times (ms). */
  kernel_ms: number;
  /** Wall time of the profiled step (ms; profiling makes it slower than a timed step). */
  step_ms: number;
  /** The `top` kernel names by total time. */
  top: KernelRow[];
}

const r3 = (v: number) => Math.round(v * 1000) / 1000;

type ProfileInfo = Awaited<ReturnType<typeof tf.profile>>;

/**
 * Groups the kernels of `tf.profile` results by name and keeps the `top` by total time. With several profiled
 * steps (`BENCH_PROFILE_STEPS`), counts and times are the mean per step (a step of a few milliseconds is noisy).
 * @example
 * ```ts
 * const info = await tf.profile(step);
 * summarizeProfile([info], [1234.5]).top[0]; // { name: 'BatchMatMul', count: 431, ms: 896, share: 0.34 }
 * ```
 */
export function summarizeProfile(infos: ProfileInfo[], stepMs: number[], top = 10): StepProfile {
  const n = Math.max(1, infos.length);
  const byName = new Map<string, { count: number; ms: number }>();
  let total = 0;
  let kernels = 0;
  for (const info of infos) {
    kernels += info.kernels.length;
    for (const k of info.kernels) {
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      const e = byName.get(k.name) ?? { count: 0, ms: 0 };
      e.count += 1;
      e.ms += ms;
      byName.set(k.name, e);
      total += ms;
    }
  }
  const rows = [...byName.entries()]
    .map(([name, e]) => ({ name, count: r3(e.count / n), ms: r3(e.ms / n), share: total > 0 ? r3(e.ms / total) : 0 }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
  const wall = stepMs.reduce((s, v) => s + v, 0) / n;
  return { steps: infos.length, kernels: r3(kernels / n), kernel_ms: r3(total / n), step_ms: r3(wall), top: rows };
}
