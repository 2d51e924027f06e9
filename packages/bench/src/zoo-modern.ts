// `npm run bench:zoo-modern` in packages/bench: the table of issue #31 for torchvision's ConvNeXt and EfficientNet
// beside ResNet-18 — parameters (tfai and torchvision, 1000 classes), fastai's cut, the number of parameter groups of
// the architecture's splitter, the max relative error of eval-mode logits against torchvision 0.14 (checkpoints with
// randomised weights made by vision's models/fixtures/torchvision_modern.py, input 2×3×64×64), and the wasm
// training step (forward, backward, fastai's Adam) at 64×64, batch 16, of createVisionModel(arch, 10).
// Env: ZOO_ARCHS=resnet18,convnext_tiny,…  ZOO_STEPS=3  ZOO_THREADS=1  ZOO_OUT=<results folder>
// Writes <ZOO_OUT>/zoo-modern.json and prints the table. Needs /usr/bin/python3 with torchvision for the errors.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { setBackend } from '@tfai/core/backend';
import { loadTorch } from '@tfai/core/io';
import { numParams, type TensorModule } from '@tfai/core/nn';
import { VISION_ARCHS, hasPoolType } from '@tfai/vision/models';
import { relErr } from '@tfai/test-utils';
import { visionStepTimes } from './zoo-step.js';

const env = (k: string, d: string) => process.env[k] ?? d;
const ARCHS = env(
  'ZOO_ARCHS',
  'resnet18,convnext_tiny,convnext_small,convnext_base,efficientnet_b0,efficientnet_b1,efficientnet_b2,efficientnet_b3',
).split(',');
const STEPS = Number(env('ZOO_STEPS', '3'));
const THREADS = Number(env('ZOO_THREADS', '1'));
const OUT = env('ZOO_OUT', fileURLToPath(new URL('../results/2026-12-07-zoo-modern/', import.meta.url)));
const SCRIPT = fileURLToPath(new URL('../../vision/src/models/fixtures/torchvision_modern.py', import.meta.url));

interface Row {
  arch: string;
  params_tfai: number;
  params_torchvision: number | null;
  cut: number;
  param_groups: number;
  max_rel_logit_err: number | null;
  step_ms_median: number;
  step_ms: number[];
}

/** torchvision's eval-mode logits for the architectures it has a generator case for, by name. */
function torchvisionErrs(names: string[]): (name: string, m: TensorModule) => Promise<[number | null, number | null]> {
  const dir = mkdtempSync(join(tmpdir(), 'tfai-zoo-'));
  const modern = names.filter((n) => n !== 'resnet18');
  try {
    execFileSync('/usr/bin/python3', [SCRIPT, dir, ...modern], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    console.error('no /usr/bin/python3 with torchvision: the error column stays empty');
    return () => Promise.resolve([null, null]);
  }
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return async (name, m) => {
    if (!modern.includes(name)) return [null, null];
    const facts = JSON.parse(readFileSync(`${dir}/${name}.json`, 'utf8')) as {
      n_params: number;
      x: { shape: number[]; data: number[] };
      logits: { data: number[] };
    };
    m.loadStateDict(await loadTorch(`${dir}/${name}.pth`), { strict: true });
    m.eval();
    const x = tf.tidy(() => tf.transpose(tf.tensor(facts.x.data, facts.x.shape), [0, 2, 3, 1]));
    const y = m.call(x);
    const err = relErr(await y.data(), facts.logits.data);
    tf.dispose([x, y]);
    return [err, facts.n_params];
  };
}

async function main(): Promise<void> {
  await setBackend('wasm', { threads: THREADS });
  const errs = torchvisionErrs(ARCHS);
  const rows: Row[] = [];
  for (const arch of ARCHS) {
    const entry = VISION_ARCHS[arch];
    if (!entry) throw new Error(`unknown architecture ${arch}`);
    const full = entry.build();
    const kids = full.children();
    const cut = typeof entry.meta.cut === 'number' ? entry.meta.cut : kids.findLastIndex(hasPoolType);
    const params = numParams(full);
    const [err, tvParams] = await errs(arch, full as unknown as TensorModule);
    full.dispose();
    const { times, groups } = await visionStepTimes(arch, 1, STEPS); // the first step warms up
    const sorted = [...times].sort((a, b) => a - b);
    const row: Row = {
      arch,
      params_tfai: params,
      params_torchvision: tvParams ?? (arch === 'resnet18' ? 11_689_512 : null),
      cut,
      param_groups: groups,
      max_rel_logit_err: err,
      step_ms_median: sorted[Math.floor(sorted.length / 2)],
      step_ms: times,
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  const table = [
    '| architecture | parameters (tfai = torchvision) | cut | param groups | max rel logit err | wasm step 64×64 bs16 (ms) |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.arch} | ${r.params_tfai.toLocaleString('en')} ${r.params_tfai === r.params_torchvision ? '=' : '≠'} ${r.params_torchvision?.toLocaleString('en') ?? '?'} | ${r.cut} | ${r.param_groups} | ${r.max_rel_logit_err?.toExponential(1) ?? '—'} | ${r.step_ms_median} |`,
    ),
  ].join('\n');
  mkdirSync(OUT, { recursive: true });
  const meta = {
    date: new Date().toISOString(),
    tfjs: tf.version_core,
    threads: THREADS,
    steps: STEPS,
    loadavg: os.loadavg(),
  };
  writeFileSync(join(OUT, 'zoo-modern.json'), `${JSON.stringify({ ...meta, rows }, null, 2)}\n`);
  writeFileSync(join(OUT, 'zoo-modern.md'), `${table}\n`);
  console.log(table);
}

await main();
