// Segmentation benchmark (issue 8): (1) one U-Net training step (forward, backward, Adam) at 128×128, batch 4, with
// resnet18 and resnet34 encoders: median time and peak tensor memory; (2) training from scratch on the real
// segmentation sets (brain_aal with the 7 lobes, tux_seg): validation foreground accuracy and Dice per epoch, beside
// what a trivial all-background predictor scores. Writes bench-results/segmentation.json.
// Env: STEPS (timed steps, default 3), EPOCHS (default 8), SIZE (training image side, default 32), BS (default 16),
// SETS (brain,tux), SKIP_STEP=1, SKIP_TRAIN=1, OUT (result file name, default segmentation.json).
// Run from packages/vision: `node --conditions=@tfai/source --import tsx bench/segmentation.ts`.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { Adam, crossEntropyLossFlat, manualSeed } from '@tfai/core';
import { getBackend, setBackend } from '@tfai/core/backend';
import { numParams } from '@tfai/core/nn';
import { Resize } from '../src/augment/resize.js';
import { resnet18, resnet34 } from '../src/models/resnet.js';
import { dice, diceMulti, foregroundAcc } from '../src/segmentation/metrics.js';
import { SegmentationDataLoaders } from '../src/segmentation/segmentation-data-loaders.js';
import { createUnetModel, unetLearner } from '../src/unet/unet-learner.js';
import { datasets } from '@tfai/datasets';

const STEPS = Number(process.env.STEPS ?? 3);
const EPOCHS = Number(process.env.EPOCHS ?? 8);
const SIZE = Number(process.env.SIZE ?? 32);
const BS = Number(process.env.BS ?? 16);
const SETS = (process.env.SETS ?? 'brain,tux').split(',');
const OUT = fileURLToPath(new URL(`../bench-results/${process.env.OUT ?? 'segmentation.json'}`, import.meta.url));
const log = (s: string) => process.stderr.write(`${s}\n`);
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

await setBackend();
const report: Record<string, unknown> = {
  backend: getBackend(),
  cpus: os.cpus().length,
  date: new Date().toISOString(),
};

// (1) Training step at 128×128, batch 4.
const steps: Record<string, unknown>[] = [];
for (const arch of process.env.SKIP_STEP ? [] : [resnet18, resnet34]) {
  manualSeed(0);
  const model = await createUnetModel(arch, 8, [128, 128], { pretrained: false });
  const x = tf.randomUniform([4, 128, 128, 3]);
  const y = tf.randomUniform([4, 128, 128], 0, 8, 'int32');
  const loss = crossEntropyLossFlat();
  const opt = new Adam([model.parameters()], { lr: 1e-3 });
  const vars = model.parameters().map((p) => p.variable);
  const step = () => {
    const { value, grads } = tf.variableGrads(() => loss(model.call(x), y), vars);
    opt.step(grads);
    const l = value.dataSync()[0];
    tf.dispose([value, ...Object.values(grads)]);
    return l;
  };
  step(); // warm-up (optimizer state, kernels)
  const resident = tf.memory().numBytes;
  const prof = await tf.profile(() => void step());
  const before = tf.memory().numTensors;
  const times: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  const r = {
    encoder: arch.name,
    img_size: [128, 128],
    bs: 4,
    n_params: numParams(model),
    median_ms: Math.round(median(times)),
    times_ms: times.map(Math.round),
    peak_tensor_bytes: prof.peakBytes,
    resident_tensor_bytes: resident,
    leaked_tensors: tf.memory().numTensors - before,
    rss_bytes: process.memoryUsage().rss,
    loadavg: os.loadavg().map((v) => Math.round(v * 10) / 10),
  };
  log(
    `step ${arch.name} 128×128 bs4: ${r.median_ms} ms, peak tensors ${(r.peak_tensor_bytes / 2 ** 20).toFixed(0)} MiB`,
  );
  steps.push(r);
  tf.dispose([x, y]);
  opt.dispose();
  model.dispose();
}
report.training_step = steps;

// (2) Training from scratch on the real data.
if (!process.env.SKIP_TRAIN) {
  const runs: Record<string, unknown>[] = [];
  const sets = [
    {
      key: 'brain',
      name: 'brain_aal (7 lobes)',
      path: 'brain_aal',
      opts: { labels: 'labels_lobes', codesFile: 'codes_lobes.txt', csv: 'slices.csv' },
      method: 'squish' as const,
    },
    { key: 'tux', name: 'tux_seg', path: 'tux_seg', opts: { csv: 'pairs.csv' }, method: 'crop' as const },
  ].filter((s) => SETS.includes(s.key));
  for (const s of sets) {
    manualSeed(0);
    const dls = await SegmentationDataLoaders.fromFolders(datasets.path(s.path), {
      ...s.opts,
      itemTfms: [new Resize(SIZE, { method: s.method })],
      bs: BS,
      seed: 0,
    });
    const metrics = [foregroundAcc(), diceMulti(), dice({ foreground: true })];
    // The trivial predictor: background everywhere.
    const trivial: Record<string, number> = {};
    for (const m of metrics) m.reset();
    for await (const b of dls.valid) {
      const p = tf.tidy(() => tf.oneHot(tf.zerosLike(b.y), dls.c!).toFloat());
      for (const m of metrics) m.accumulate(p, b.y);
      tf.dispose([p, ...b.x, b.y]);
    }
    for (const m of metrics) trivial[m.name] = await m.value();
    const learn = await unetLearner(dls, resnet18, { pretrained: false, metrics, progress: false, logger: log });
    const t0 = performance.now();
    await learn.fitOneCycle(EPOCHS, 1e-2);
    // The recorder's row per epoch: train loss, valid loss, then the metrics.
    const names = ['train_loss', 'valid_loss', ...metrics.map((m) => m.name)];
    const epochs = learn.recorder.values.map((v) => Object.fromEntries(names.map((n, i) => [n, v[i]])));
    const final = await learn.validate();
    const r = {
      dataset: s.name,
      img_size: [SIZE, SIZE],
      bs: BS,
      encoder: 'resnet18',
      pretrained: false,
      epochs: EPOCHS,
      lr_max: 1e-2,
      n_train: dls.train.n,
      n_valid: dls.valid.n,
      seconds: Math.round((performance.now() - t0) / 1000),
      final: { valid_loss: final.validLoss, ...final.metrics },
      trivial_all_background: trivial,
      per_epoch: epochs,
    };
    log(`${s.name}: ${JSON.stringify(r.final)} (trivial ${JSON.stringify(trivial)}) in ${r.seconds} s`);
    runs.push(r);
    learn.dispose();
  }
  report.training = runs;
}

mkdirSync(fileURLToPath(new URL('../bench-results/', import.meta.url)), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.exit(0);
