// A/B of native kernels inside one process: the training step of one bench model (models.ts), alternating
// variants step by step (A B B A …), each variant a `TFAI_NATIVE_SKIP` list (native.ts reads it per call), so that
// load from other processes hits every variant alike. Prints `RESULT {json}` and writes it to OUT when set.
// Env: MODEL=resnet18|tabular|lstm|awdlstm|collab  THREADS=1  WARM=3  ROUNDS=8 (steps per variant)
//      VARIANTS='loops=;wasm-loops=MaxPoolGrad,TfaiBatchNormTrain,TfaiBatchNormTrainGrad,adam' (name=skip list, `;`
//      between variants; the first is the reference of the ratios; `name=skip|VAR=value|…` also sets variables,
//      e.g. TFAI_NATIVE_LOOP_THREADS=1)  HIDDEN=256 (lstm)  OUT=<file.json>
// Each step's wall time and its process CPU time (user + system, all threads: on a loaded machine the CPU time of a
// one-thread step is the steadier figure, as preemption stops its clock).
// Run from packages/bench: `MODEL=resnet18 node --conditions=@tfai/source --import tsx src/native-ab.ts`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { Adam, manualSeed } from '@tfai/core';
import { nativeKernelStatus, setBackend } from '@tfai/core/backend';
import { MODEL_NAMES, buildBenchModel, type ModelName } from './models.js';

const env = (k: string, d: string) => process.env[k] ?? d;
const model = env('MODEL', 'resnet18') as ModelName;
if (!MODEL_NAMES.includes(model)) throw new Error(`MODEL=${model} is not one of ${MODEL_NAMES.join(', ')}`);
const threads = Number(env('THREADS', '1'));
const warm = Number(env('WARM', '3'));
const rounds = Number(env('ROUNDS', '8'));
const variants = env('VARIANTS', 'loops=;wasm-loops=MaxPoolGrad,TfaiBatchNormTrain,TfaiBatchNormTrainGrad,adam')
  .split(';')
  .map((v) => {
    const [name, rest = ''] = v.split(/=(.*)/s);
    const [skip, ...env] = rest.split('|');
    return {
      name: name.trim(),
      skip: skip.trim(),
      env: Object.fromEntries(env.map((e) => e.split('=').map((x) => x.trim()) as [string, string])),
    };
  });

await setBackend('wasm', { threads });
manualSeed(0);
const b = buildBenchModel(model, Number(env('HIDDEN', '256')));
b.model.train();
const opt = new Adam(
  [b.model.parameters()],
  b.optimizer === 'fastai' ? { lr: 1e-3 } : { lr: 1e-3, mom: 0.9, sqrMom: 0.999, eps: 1e-8, wd: 0 },
);
const vars = opt.trainableVariables();
const step = async (): Promise<[number, number]> => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const { value, grads } = tf.variableGrads(b.loss, vars);
  opt.step(grads);
  await value.data();
  tf.dispose([value, ...Object.values(grads)]);
  const c = process.cpuUsage(c0);
  return [performance.now() - t0, (c.user + c.system) / 1000];
};

/** Sets a variant's TFAI_NATIVE_SKIP and its other variables (each unset when another variant sets it). */
const envKeys = new Set(variants.flatMap((v) => Object.keys(v.env)));
function useVariant(v: (typeof variants)[number]): void {
  process.env.TFAI_NATIVE_SKIP = v.skip;
  for (const k of envKeys) {
    if (k in v.env) process.env[k] = v.env[k];
    else Reflect.deleteProperty(process.env, k);
  }
}

const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
const cpu = new Map<string, number[]>(variants.map((v) => [v.name, []]));
for (const v of variants) {
  useVariant(v);
  for (let i = 0; i < warm; i++) await step();
}
const before = tf.memory().numTensors;
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? variants : [...variants].reverse();
  for (const v of order) {
    useVariant(v);
    const [wall, cpuMs] = await step();
    times.get(v.name)?.push(wall);
    cpu.get(v.name)?.push(cpuMs);
  }
}
const leaked = tf.memory().numTensors - before;
const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const r1 = (x: number) => Math.round(x * 10) / 10;
const ref = median(times.get(variants[0].name) ?? []);
const refCpu = median(cpu.get(variants[0].name) ?? []);
const result = {
  model,
  cfg: b.cfg,
  threads,
  native: (({ enabled, version, isa, threads: t }) => (enabled ? `oneDNN ${version} ${isa}, ${t} threads` : 'off'))(
    nativeKernelStatus(),
  ),
  rounds,
  leaked_tensors: leaked,
  loadavg: os.loadavg().map((v) => Math.round(v * 100) / 100),
  variants: variants.map((v) => {
    const t = times.get(v.name) ?? [];
    const c = cpu.get(v.name) ?? [];
    return {
      name: v.name,
      skip: v.skip,
      env: v.env,
      median_ms: r1(median(t)),
      min_ms: r1(Math.min(...t)),
      times_ms: t.map(r1),
      /** This variant's median over the first variant's (> 1: slower than the first). */
      vs_first: Math.round((median(t) / ref) * 1000) / 1000,
      cpu_median_ms: r1(median(c)),
      cpu_min_ms: r1(Math.min(...c)),
      cpu_ms: c.map(r1),
      /** The same ratio of CPU times. */
      cpu_vs_first: Math.round((median(c) / refCpu) * 1000) / 1000,
    };
  }),
};
const out = process.env.OUT;
if (out) {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
}
console.log(`RESULT ${JSON.stringify(result)}`);
process.exit(0);
