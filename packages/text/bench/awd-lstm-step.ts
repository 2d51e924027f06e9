// Times one training step of fastai's AWD-LSTM language model (get_language_model(AWD_LSTM, VOCAB): embedding
// 400, 3 LSTMs 400→1152→1152→400 with weight dropout, tied decoder, fastai's awd_lstm_lm_config dropouts) on the
// current backend: forward, cross-entropy over the vocab, backward, Adam. Prints `RESULT {json}` with times and
// memory (tf.memory peak during a profiled step, wasm heap size, RSS), and writes bench-results/awd-lstm-step.json.
// Run from packages/text: `THREADS=2 npx tsx bench/awd-lstm-step.ts` (env: VOCAB=10000 BS=16 BPTT=72 NHID=1152
// WARM=2 STEPS=5 THREADS=1).
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Adam, manualSeed } from '@tfai/core';
import { getBackend, setBackend } from '@tfai/core/backend';
import { numParams } from '@tfai/core/nn';
import { AWDLSTM } from '../src/models/awd-lstm.js';
import { getLanguageModel } from '../src/models/language-model.js';

const env = (k: string, d: string): number => Number(process.env[k] ?? d);
const VOCAB = env('VOCAB', '10000');
const BS = env('BS', '16');
const BPTT = env('BPTT', '72');
const NHID = env('NHID', '1152');
const WARM = env('WARM', '2');
const STEPS = env('STEPS', '5');
const THREADS = env('THREADS', '1');

function wasmHeapBytes(): number | null {
  const heap: unknown = Reflect.get((tf.backend() as Partial<BackendWasm>).wasm ?? {}, 'HEAPU8');
  return heap instanceof Uint8Array ? heap.buffer.byteLength : null;
}

const t00 = performance.now();
await setBackend(process.env.TFAI_BACKEND === 'cpu' ? 'cpu' : 'wasm', { threads: THREADS });
manualSeed(0);
const model = getLanguageModel(AWDLSTM, VOCAB, { config: { nHid: NHID } }).train();
const opt = new Adam([model.parameters()], { lr: 1e-3, mom: 0.9, sqrMom: 0.999, eps: 1e-8, wd: 0 });
const vars = opt.trainableVariables();
// A stream of token ids, as an LMDataLoader batch: x [bs, bptt], y = x shifted by one.
const ids = Int32Array.from({ length: BS * (BPTT + 1) }, (_, i) => 2 + ((i * 7919) % (VOCAB - 2)));
const x = tf.tensor2d(
  ids.filter((_, i) => i % (BPTT + 1) !== BPTT),
  [BS, BPTT],
  'int32',
);
const y = tf.tensor2d(
  ids.filter((_, i) => i % (BPTT + 1) !== 0),
  [BS, BPTT],
  'int32',
);

const step = (): number => {
  const { value, grads } = tf.variableGrads(() => {
    const logits = model.call(x);
    return tf.losses.softmaxCrossEntropy(
      tf.oneHot(tf.reshape(y, [-1]), VOCAB),
      tf.reshape(logits, [-1, VOCAB]),
    ) as tf.Scalar;
  }, vars);
  opt.step(grads);
  const loss = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads), ...model.extraOutputs]);
  return loss;
};

const times: number[] = [];
const cpuTimes: number[] = [];
let lossFirst = NaN;
let lossLast = NaN;
let before = 0;
for (let i = 0; i < WARM + STEPS; i++) {
  if (i === WARM) before = tf.memory().numTensors;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  lossLast = step();
  const c = process.cpuUsage(c0);
  if (i === 0) lossFirst = lossLast;
  if (i >= WARM) {
    times.push(performance.now() - t0);
    cpuTimes.push((c.user + c.system) / 1000);
  }
}
const leaked = tf.memory().numTensors - before;
const resident = tf.memory().numBytes;
const profile = await tf.profile(() => void step());
const sorted = [...times].sort((a, b) => a - b);
const r1 = (v: number) => Math.round(v * 10) / 10;
const result = {
  model: 'awd_lstm_lm',
  cfg: `get_language_model(AWD_LSTM, ${VOCAB}) emb400 hidden${NHID} 3 layers, bs${BS} bptt${BPTT}, fastai LM dropouts, Adam`,
  backend: `tfai-${getBackend()}-tfjs-${tf.version_core}`,
  threads: THREADS,
  n_params: numParams(model),
  median_ms: r1(sorted[sorted.length >> 1]),
  min_ms: r1(sorted[0]),
  max_ms: r1(sorted[sorted.length - 1]),
  times_ms: times.map(r1),
  // CPU time of this process per step: less sensitive than wall time to other processes on the machine.
  cpu_ms_median: r1([...cpuTimes].sort((a, b) => a - b)[cpuTimes.length >> 1]),
  tokens_per_s: r1((BS * BPTT) / (sorted[sorted.length >> 1] / 1000)),
  loss_first: lossFirst,
  loss_last: lossLast,
  peak_tensor_bytes: profile.peakBytes,
  resident_tensor_bytes: resident,
  leaked_tensors: leaked,
  wasm_heap_bytes: wasmHeapBytes(),
  max_rss_bytes: process.resourceUsage().maxRSS * 1024,
  total_s: r1((performance.now() - t00) / 1000),
  loadavg: os.loadavg().map(r1),
};
const outDir = fileURLToPath(new URL('../bench-results/', import.meta.url));
mkdirSync(outDir, { recursive: true });
writeFileSync(`${outDir}awd-lstm-step.json`, `${JSON.stringify(result, null, 2)}\n`);
console.log(`RESULT ${JSON.stringify(result)}`);
process.exit(0);
