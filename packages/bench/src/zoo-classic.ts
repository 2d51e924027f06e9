// The table of fastai's other model_meta families (issue 31): per architecture its parameters (1000 classes), cut,
// number of parameter groups (fastai's splitter on the vision model) and the wasm training step time of fastai's
// vision model (body + default head, 10 classes) on a 16×64×64×3 batch, beside ResNet-18's, measured the same way:
// forward, cross-entropy, `tf.variableGrads`, Adam (fastai's defaults), an awaited read of the loss.
// Run from packages/bench: `node --conditions=@tfai/source --import tsx src/zoo-classic.ts [OUT.json] [arch…]`
// (env THREADS, default 1; WARM 1, STEPS 3). Writes JSON (default results/<date>-zoo-classic/zoo-classic.json).
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { manualSeed } from '@tfai/core';
import { setBackend } from '@tfai/core/backend';
import { numParams } from '@tfai/core/nn';
import { VISION_ARCHS } from '@tfai/vision/models';
import { visionStepTimes } from './zoo-step.js';

const ARCHS = [
  'resnet18',
  'xresnet18',
  'xresnet34',
  'xresnet50',
  'xresnet101',
  'xresnet152',
  'squeezenet1_0',
  'squeezenet1_1',
  'densenet121',
  'densenet161',
  'densenet169',
  'densenet201',
  'vgg11_bn',
  'vgg13_bn',
  'vgg16_bn',
  'vgg19_bn',
  'alexnet',
];

/** One row of the table. */
interface Row {
  arch: string;
  params_1000: number;
  cut: number | string;
  param_groups: number;
  vision_model_params: number;
  step_median_ms: number;
  step_times_ms: number[];
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

async function row(arch: string, warm: number, steps: number): Promise<Row> {
  const e = VISION_ARCHS[arch];
  manualSeed(0);
  const full = e.build();
  const params1000 = numParams(full);
  full.dispose();
  const { times, groups, params } = await visionStepTimes(arch, warm, steps);
  const r: Row = {
    arch,
    params_1000: params1000,
    cut: typeof e.meta.cut === 'number' ? e.meta.cut : String(e.meta.cut),
    param_groups: groups,
    vision_model_params: params,
    step_median_ms: median(times),
    step_times_ms: times,
  };
  return r;
}

const args = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
const out =
  args[0]?.endsWith('.json') === true
    ? args.shift()!
    : join(here, '..', 'results', `${new Date().toISOString().slice(0, 10)}-zoo-classic`, 'zoo-classic.json');
const archs = args.length ? args : ARCHS;
const threads = Number(process.env.THREADS ?? 1);
await setBackend('wasm', { threads });
const rows: Row[] = [];
for (const a of archs) {
  const r = await row(a, Number(process.env.WARM ?? 1), Number(process.env.STEPS ?? 3));
  console.log(JSON.stringify(r));
  rows.push(r);
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  JSON.stringify(
    {
      what: "fastai vision model (body + default head, 10 classes), wasm training step, 16×64×64×3, fastai's Adam",
      backend: `wasm (${threads} thread${threads > 1 ? 's' : ''}), tfjs ${tf.version_core}`,
      loadavg: os.loadavg(),
      cpus: os.cpus().length,
      rows,
    },
    null,
    2,
  ) + '\n',
);
console.log(`wrote ${out}`);
