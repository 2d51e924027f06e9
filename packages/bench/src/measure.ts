// Times one training step of one benchmark model on wasm (or BACKEND=webgpu) in this process and prints `RESULT {json}`, as
// torch/bench.py does for PyTorch. run.ts starts one such process per model and thread count
// (a model that exhausts wasm's heap then fails alone, and each process's peak RSS is its model's).
// Env: MODEL=resnet18|tabular|lstm|awdlstm|collab, BACKEND=wasm|webgpu (default wasm), THREADS (wasm threads,
// default 1), HIDDEN (LSTM, default 1152), WARM (2), STEPS (5), BENCH_PROFILE=1 (add the top 10 kernels of the
// profiled step, see profile.ts), BENCH_PROFILE_STEPS (1: profile that many steps and report medians),
// BENCH_PROFILE_TOP (10: how many kernel names the profile keeps).
// Run from packages/bench: `MODEL=tabular node --conditions=@tfai/source --import tsx src/measure.ts`.
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Adam, manualSeed } from '@tfai/core';
import { getBackend, nativeKernelStatus, setBackend, webgpuAdapterInfo } from '@tfai/core/backend';

/** The native kernels in use (TFAI_NATIVE decides), as one line, or null. */
function nativeLine(): string | null {
  const s = nativeKernelStatus();
  return s.enabled && getBackend() === 'wasm' ? `oneDNN ${s.version} ${s.isa}, ${s.threads} threads` : null;
}
import { numParams } from '@tfai/core/nn';
import { MODEL_NAMES, buildBenchModel, type ModelName } from './models.js';
import { exclusiveKernelTimes, summarizeProfile, type StepProfile } from './profile.js';
import { wasmThreadCount } from './wasm-threads.js';

/** What one measurement reports (the fields shared with bench.py's RESULT line, plus memory). */
export interface MeasureResult {
  model: ModelName;
  cfg: string;
  backend: string;
  threads: number | null;
  warm: number;
  steps: number;
  median_ms: number;
  min_ms: number;
  max_ms: number;
  times_ms: number[];
  throughput: number;
  unit: string;
  loss_first: number;
  loss_last: number;
  n_params: number;
  torch_params: number | null;
  /** Peak of `tf.memory().numBytes` during one (profiled, untimed) step. */
  peak_tensor_bytes: number;
  /** `tf.memory().numBytes` between steps (parameters, optimizer state, inputs). */
  resident_tensor_bytes: number;
  /** Tensors left over by the timed steps (should be 0). */
  leaked_tensors: number;
  /** Size of the wasm heap (it grows, never shrinks; 4 GB at most). */
  wasm_heap_bytes: number | null;
  rss_bytes: number;
  max_rss_bytes: number;
  total_s: number;
  /** `os.loadavg()` at the end (other processes on the same cores make absolute times noisy). */
  loadavg: number[];
  /** Native (oneDNN) kernels in use: `oneDNN 2.6.3 avx512_core_amx, 2 threads`, or null (wasm's own kernels). */
  native: string | null;
  /** `optimizer` of the model (models.ts): torch.optim.Adam's hyper-parameters or fastai's Adam defaults. */
  optimizer: string;
  /** BENCH_PROFILE=1: the profiled step's kernels, the top 10 by total time. */
  profile?: StepProfile;
  /** webgpu: the adapter (vendor, architecture, description, software or not). */
  adapter?: { vendor: string; architecture: string; description: string; software: boolean };
}

const env = (k: string, d: string) => process.env[k] ?? d;
const round1 = (v: number) => Math.round(v * 10) / 10;

function wasmHeapBytes(): number | null {
  const heap: unknown = Reflect.get((tf.backend() as Partial<BackendWasm>).wasm ?? {}, 'HEAPU8');
  return heap instanceof Uint8Array ? heap.buffer.byteLength : null;
}

/** WARM untimed then STEPS timed steps: their times, the first and last loss, the tensor count after warming up. */
async function timeSteps(
  step: () => Promise<number>,
  warm: number,
  steps: number,
): Promise<{ times: number[]; lossFirst: number; lossLast: number; before: number }> {
  const times: number[] = [];
  let lossFirst = NaN;
  let lossLast = NaN;
  let before = 0;
  for (let i = 0; i < warm + steps; i++) {
    if (i === warm) before = tf.memory().numTensors;
    const t0 = performance.now();
    lossLast = await step();
    const dt = performance.now() - t0;
    if (i === 0) lossFirst = lossLast;
    if (i >= warm) times.push(dt);
  }
  return { times, lossFirst, lossLast, before };
}

/**
 * `n` more steps, untimed, under tf.profile: their peak memory always, their kernels when `kernels` (BENCH_PROFILE=1,
 * BENCH_PROFILE_STEPS steps). wasm and cpu time a kernel by the wall time of its call: each kernel's own time is
 * counted (profile.ts).
 */
async function profileSteps(
  step: () => Promise<number>,
  n: number,
  kernels: boolean,
): Promise<{ profiles: Awaited<ReturnType<typeof tf.profile>>[]; profileMs: number[] }> {
  const restoreTimer =
    kernels && (getBackend() === 'wasm' || getBackend() === 'cpu') ? exclusiveKernelTimes(tf.backend()) : undefined;
  const profiles: Awaited<ReturnType<typeof tf.profile>>[] = [];
  const profileMs: number[] = [];
  for (let i = 0; i < n; i++) {
    const tp = performance.now();
    // tf.profile returns the engine's one profile object, refilled by the next call: keep a copy.
    const info = await tf.profile(async () => void (await step()));
    profiles.push({ ...info, kernels: [...info.kernels] });
    profileMs.push(performance.now() - tp);
  }
  restoreTimer?.();
  return { profiles, profileMs };
}

/** What the result records of the WebGPU adapter. */
function adapterOf(a: ReturnType<typeof webgpuAdapterInfo>): MeasureResult['adapter'] {
  return a && { vendor: a.vendor, architecture: a.architecture, description: a.description, software: a.software };
}

/** The median of sorted values. */
function median(sorted: readonly number[]): number {
  const n = sorted.length;
  return n % 2 ? sorted[n >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/**
 * Builds `name` and times WARM + STEPS training steps (forward, backward, Adam as torch.optim.Adam(lr=1e-3)), as
 * Learner's training step does: `tf.variableGrads` of the loss, `opt.step(grads)`, an awaited read of the loss so the
 * step is finished, and disposal of the gradients.
 * @example
 * ```ts
 * const r = await measure('tabular', { threads: 1, hidden: 1152, warm: 2, steps: 5 });
 * r.median_ms;
 * ```
 */
async function measure(
  name: ModelName,
  o: {
    backend: 'wasm' | 'webgpu';
    threads: number;
    hidden: number;
    warm: number;
    steps: number;
    profile: boolean;
    profileSteps: number;
    /** BENCH_PROFILE_TOP (10): how many kernel names the profile keeps. */
    profileTop: number;
  },
): Promise<MeasureResult> {
  const t00 = performance.now();
  if (o.backend === 'wasm') await setBackend('wasm', { threads: o.threads });
  else await setBackend(o.backend);
  manualSeed(0);
  const b = buildBenchModel(name, o.hidden);
  b.model.train();
  // bench.py's models: torch.optim.Adam's hyper-parameters; the others: fastai's Adam defaults (wd 0.01 decoupled,
  // eps 1e-5, sqr_mom 0.99), as their twins in torch/bench_extra.py.
  const optimizer = b.optimizer ?? 'torch';
  const opt = new Adam(
    [b.model.parameters()],
    optimizer === 'fastai' ? { lr: 1e-3 } : { lr: 1e-3, mom: 0.9, sqrMom: 0.999, eps: 1e-8, wd: 0 },
  );
  const vars = opt.trainableVariables();
  const step = async (): Promise<number> => {
    const { value, grads } = tf.variableGrads(b.loss, vars);
    opt.step(grads);
    const loss = (await value.data())[0];
    tf.dispose([value, ...Object.values(grads)]);
    return loss;
  };
  const { times, lossFirst, lossLast, before } = await timeSteps(step, o.warm, o.steps);
  const leaked = tf.memory().numTensors - before;
  const resident = tf.memory().numBytes;
  const { profiles, profileMs } = await profileSteps(step, o.profile ? o.profileSteps : 1, o.profile);
  const sorted = [...times].sort((a, b) => a - b);
  const med = median(sorted);
  const result: MeasureResult = {
    model: name,
    cfg: b.cfg,
    backend: `tfai-${getBackend()}-tfjs-${tf.version_core}`,
    threads: wasmThreadCount(),
    native: nativeLine(),
    warm: o.warm,
    steps: o.steps,
    median_ms: round1(med),
    min_ms: round1(sorted[0]),
    max_ms: round1(sorted[sorted.length - 1]),
    times_ms: times.map(round1),
    throughput: round1(b.items / (med / 1000)),
    unit: b.unit,
    loss_first: lossFirst,
    loss_last: lossLast,
    n_params: numParams(b.model),
    torch_params: b.torchParams ?? null,
    optimizer:
      optimizer === 'fastai' ? 'fastai Adam (lr 1e-3, wd 0.01 decoupled, eps 1e-5)' : 'torch.optim.Adam (lr 1e-3)',
    peak_tensor_bytes: Math.max(...profiles.map((p) => p.peakBytes)),
    resident_tensor_bytes: resident,
    leaked_tensors: leaked,
    wasm_heap_bytes: wasmHeapBytes(),
    rss_bytes: process.memoryUsage().rss,
    max_rss_bytes: process.resourceUsage().maxRSS * 1024,
    total_s: round1((performance.now() - t00) / 1000),
    loadavg: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
  if (o.profile) {
    const registered = new Set(tf.getKernelsForBackend(tf.getBackend()).map((k) => k.kernelName));
    result.profile = summarizeProfile(profiles, profileMs, (n) => registered.has(n), o.profileTop);
  }
  if (o.backend === 'webgpu') result.adapter = adapterOf(webgpuAdapterInfo());
  opt.dispose();
  b.dispose();
  return result;
}

// A script (run.ts imports only its types): measure, print, exit (pthread workers would otherwise linger).
const name = env('MODEL', 'tabular') as ModelName;
if (!MODEL_NAMES.includes(name)) throw new Error(`MODEL=${name} is not one of ${MODEL_NAMES.join(', ')}`);
const backend = env('BACKEND', 'wasm');
if (backend !== 'wasm' && backend !== 'webgpu') throw new Error(`BACKEND=${backend} is not wasm or webgpu`);
const r = await measure(name, {
  backend,
  threads: Number(env('THREADS', '1')),
  hidden: Number(env('HIDDEN', '1152')),
  warm: Number(env('WARM', '2')),
  steps: Number(env('STEPS', '5')),
  profile: env('BENCH_PROFILE', '0') === '1',
  profileSteps: Math.max(1, Number(env('BENCH_PROFILE_STEPS', '1'))),
  profileTop: Math.max(1, Number(env('BENCH_PROFILE_TOP', '10'))),
});
console.log(`RESULT ${JSON.stringify(r)}`);
process.exit(0);
