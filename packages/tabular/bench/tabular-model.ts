// Times TabularModel at batch 512 on the current backend: forward, forward + backward, and a full Adam step (as
// ../shared/reference/torch/bench.py MODEL=tabular times in PyTorch), comparing the single embedding lookup (GatherNd)
// with one gather per table. Times are the process's CPU time per call (median); variants are interleaved round
// by round so that load from other processes hits all of them alike.
// Run from packages/tabular: `npx tsx bench/tabular-model.ts` (TFAI_BACKEND picks the backend).
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { Adam } from '@tfai/core';
import { getBackend, setBackend } from '@tfai/core/backend';
import { TabularModel } from '../src/model/tabular-model.js';

const ROUNDS = Number(process.env.ROUNDS ?? 6);
const STEPS = Number(process.env.STEPS ?? 15);
const BS = 512;

type Embed = (m: TabularModel, xCat: tf.Tensor) => tf.Tensor;
const singleGather: Embed = (m, xCat) => TabularModel.prototype.embed.call(m, xCat);
const perTable: Embed = (m, xCat) =>
  tf.tidy(() => {
    const cols = tf.unstack(xCat, 1);
    return tf.concat(
      m.embeds.items().map((e, i) => tf.gather(e.weight.variable, cols[i])),
      1,
    );
  });

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1];

interface Case {
  name: string;
  times: Record<'forward' | 'forward_backward' | 'adam_step', number[]>;
  round(): void;
  leaked(): number;
  kernels(): Promise<Record<string, number>>;
  dispose(): void;
}

function makeCase(name: string, embSzs: [number, number][], embed: Embed): Case {
  const m = new TabularModel(embSzs, 6, 2, { layers: [200, 100] });
  m.embed = (x: tf.Tensor) => embed(m, x);
  // The inputs of bench.py: category codes (row·7) mod cardinality, labels row mod 2.
  const codes = Int32Array.from(
    { length: BS * embSzs.length },
    (_, k) => (Math.floor(k / embSzs.length) * 7) % embSzs[k % embSzs.length][0],
  );
  const xCat = tf.tensor2d(codes, [BS, embSzs.length], 'int32');
  const xCont = tf.randomNormal([BS, 6]);
  const y = tf.oneHot(
    tf.tensor1d(
      Int32Array.from({ length: BS }, (_, i) => i % 2),
      'int32',
    ),
    2,
  );
  const vars = m.parameters().map((p) => p.variable);
  const opt = new Adam([m.parameters()], { lr: 1e-3 });
  const loss = () => tf.losses.softmaxCrossEntropy(y, m.call(xCat, xCont)) as tf.Scalar;
  const fns = {
    forward: () => tf.tidy(() => void loss().dataSync()),
    forward_backward: () => {
      const { value, grads } = tf.variableGrads(loss, vars);
      value.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    },
    adam_step: () => {
      const { value, grads } = tf.variableGrads(loss, vars);
      opt.step(grads);
      value.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    },
  };
  const times = { forward: [] as number[], forward_backward: [] as number[], adam_step: [] as number[] };
  let leaked = 0;
  return {
    name,
    times,
    round() {
      for (const [k, f] of Object.entries(fns) as [keyof typeof fns, () => void][]) {
        f(); // warm-up (kernel compilation, optimizer state)
        const before = tf.memory().numTensors;
        for (let i = 0; i < STEPS; i++) {
          // CPU time of this process: less disturbed than wall time when other processes share the cores.
          const t0 = process.cpuUsage();
          f();
          const d = process.cpuUsage(t0);
          times[k].push((d.user + d.system) / 1000);
        }
        leaked += tf.memory().numTensors - before;
      }
    },
    leaked: () => leaked,
    async kernels() {
      const count = async (f: () => void) => (await tf.profile(f)).kernels.length;
      return {
        forward: await count(fns.forward),
        forward_backward: await count(fns.forward_backward),
        adam_step: await count(fns.adam_step),
      };
    },
    dispose() {
      tf.dispose([xCat, xCont, y]);
      m.dispose();
    },
  };
}

await setBackend();
const fixture = JSON.parse(
  readFileSync(new URL('../src/test-utils/fixtures/parity_tabular_model.json', import.meta.url), 'utf8'),
) as { emb_szs: [number, number][] };
// The model of ../shared/reference/torch/bench.py (MODEL=tabular): 8 embeddings + 6 continuous.
const benchSzs: [number, number][] = [10, 15, 20, 25, 30, 35, 40, 50].map((c, i) => [
  c + 1,
  [6, 7, 8, 8, 9, 9, 10, 10][i],
]);
const cases = [
  makeCase('parity model (5 emb), single GatherNd lookup', fixture.emb_szs, singleGather),
  makeCase('parity model (5 emb), tf.gather per table', fixture.emb_szs, perTable),
  makeCase('bench.py model (8 emb), single GatherNd lookup', benchSzs, singleGather),
  makeCase('bench.py model (8 emb), tf.gather per table', benchSzs, perTable),
];
for (let r = 0; r < ROUNDS; r++) for (const c of cases) c.round();
for (const c of cases) {
  const kernels = await c.kernels();
  const ms = Object.fromEntries(Object.entries(c.times).map(([k, v]) => [`${k}_ms`, +median(v).toFixed(2)]));
  console.log(
    `RESULT ${JSON.stringify({ backend: getBackend(), bs: BS, name: c.name, ...ms, kernels, leaked_tensors: c.leaked() })}`,
  );
  c.dispose();
}
process.exit(0);
