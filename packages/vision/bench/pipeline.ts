// `npm run bench` in packages/vision: does the image pipeline keep ahead of training?
//  1. pipeline alone: images/s through a training loader — sharp decode, item transforms, collate to NHWC float32,
//     batch augmentation as tf ops (one tf.image.transform + lighting) — with its default prefetch;
//  2. training step alone: images/s of forward + backward + Adam on one cached batch, through Learner.fit;
//  3. both: Learner.fit on the real loader, timing how long each step waits for its batch (the data stall).
// Configurations: fashion_mnist 28×28 with the ResNet-18 cut after layer1 of the training test (batch 16 as there,
// and 64), and tux_photos 64×64 (bs 16) with the whole ResNet-18 body.
// Env: BENCH_STEPS (timed training steps per configuration, default 10), BENCH_WARM (default 2).
// Writes bench-results/pipeline.json and prints it.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { Callback, CancelFitException, DataLoader, DataLoaders, Learner, manualSeed } from '@tfai/core';
import { getBackend, setBackend } from '@tfai/core/backend';
import type { Batch } from '@tfai/core';
import { augTransforms } from '../src/augment/aug-transforms.js';
import type { BatchTransform } from '../src/augment/batch-transform.js';
import { Normalize } from '../src/augment/normalize.js';
import { Resize } from '../src/augment/resize.js';
import type { ItemTransform } from '../src/augment/item-transform.js';
import { ImageDataLoaders } from '../src/data/image-data-loaders.js';
import { visionLearner } from '../src/learner/vision-learner.js';
import { imagenetStats } from '../src/models/model-meta.js';
import { resnet18 } from '../src/models/resnet.js';
import { datasets } from '@tfai/datasets';

const OUT = fileURLToPath(new URL('../bench-results/pipeline.json', import.meta.url));
const STEPS = Number(process.env.BENCH_STEPS ?? 10);
const WARM = Number(process.env.BENCH_WARM ?? 2);

interface Config {
  name: string;
  data: string;
  size: number;
  bs: number;
  itemTfms: ItemTransform[];
  batchTfms: BatchTransform[];
  /** Where the body is cut (undefined: the whole ResNet-18 body, fastai's cut −2). */
  cut?: number;
  head?: { linFtrs?: number[]; ps?: number };
}

const CONFIGS: Config[] = [
  {
    name: 'fashion_mnist 28px bs16, resnet18 cut 5 (the training test)',
    data: 'fashion_mnist',
    size: 28,
    bs: 16,
    itemTfms: [],
    batchTfms: augTransforms(),
    cut: 5,
    head: { linFtrs: [], ps: 0.25 },
  },
  {
    name: 'fashion_mnist 28px bs64, resnet18 cut 5',
    data: 'fashion_mnist',
    size: 28,
    bs: 64,
    itemTfms: [],
    batchTfms: augTransforms(),
    cut: 5,
    head: { linFtrs: [], ps: 0.25 },
  },
  {
    name: 'tux_photos 64px bs16, resnet18',
    data: 'tux_photos',
    size: 64,
    bs: 16,
    itemTfms: [new Resize(64)],
    batchTfms: [...augTransforms(), Normalize.fromStats(imagenetStats)],
  },
];

/** Records when each training batch starts and ends; cancels the fit after `n` batches. */
class StepTimer extends Callback {
  starts: number[] = [];
  ends: number[] = [];
  constructor(readonly n: number) {
    super();
  }
  override beforeBatch(): void {
    this.starts.push(performance.now());
  }
  override afterBatch(): void {
    this.ends.push(performance.now());
    if (this.ends.length >= this.n) throw new CancelFitException();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

async function pipelineAlone(
  dls: ImageDataLoaders,
  maxBatches: number,
): Promise<{ images: number; seconds: number; imagesPerSec: number }> {
  const t0 = performance.now();
  let images = 0;
  let n = 0;
  for await (const b of dls.train) {
    images += b.y.shape[0]!;
    // Read one value so the batch's tf ops have run, as the training step would force them.
    await b.x[0].slice([0, 0, 0, 0], [1, 1, 1, 1]).data();
    tf.dispose([...b.x, b.y]);
    if (++n >= maxBatches) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { images, seconds: round(seconds, 2), imagesPerSec: round(images / seconds) };
}

async function run(cfg: Config) {
  const dls = await ImageDataLoaders.fromFolder(`${datasets.path(cfg.data)}`, {
    bs: cfg.bs,
    seed: 0,
    itemTfms: cfg.itemTfms,
    batchTfms: cfg.batchTfms,
  });
  const pipeline = await pipelineAlone(dls, Math.min(dls.train.length, Math.ceil(2000 / cfg.bs)));
  manualSeed(0);
  const learn = await visionLearner(dls, resnet18, { pretrained: false, cut: cfg.cut, ...cfg.head, progress: false });

  // Training step alone: the same cached batch every step.
  const cached: Batch = await dls.train.oneBatch();
  const repeat = new DataLoader(
    { length: cfg.bs * (WARM + STEPS), get: (i: number) => i },
    { bs: cfg.bs, collate: () => ({ x: [tf.clone(cached.x[0])], y: tf.clone(cached.y) }) },
  );
  const stepOnly = new StepTimer(WARM + STEPS);
  const cachedLearn = new Learner(new DataLoaders(repeat, repeat), learn.model, {
    progress: false,
    splitter: learn.splitter,
  });
  await cachedLearn.fit(1, 1e-3, { cbs: [stepOnly] });
  cachedLearn.opt?.dispose();
  const stepMs = stepOnly.ends.slice(WARM).map((e, i) => e - stepOnly.starts[WARM + i]);

  // Both: the real loader feeding the training step; the stall is the wait between a step's end and the next start.
  const both = new StepTimer(WARM + STEPS);
  await learn.fit(1, 1e-3, { cbs: [both] });
  const stalls = both.starts.slice(WARM + 1).map((s, i) => s - both.ends[WARM + i]);
  const loopMs = both.ends.slice(WARM + 1).map((e, i) => e - both.ends[WARM + i]);
  tf.dispose([...cached.x, cached.y]);
  learn.dispose();

  const trainImagesPerSec = round((cfg.bs * 1000) / median(stepMs));
  return {
    config: cfg.name,
    imageSize: cfg.size,
    bs: cfg.bs,
    pipeline,
    trainStep: {
      medianMs: round(median(stepMs)),
      timesMs: stepMs.map((v) => round(v)),
      imagesPerSec: trainImagesPerSec,
    },
    withLoader: {
      medianStepMs: round(median(loopMs)),
      medianStallMs: round(median(stalls), 2),
      maxStallMs: round(Math.max(...stalls), 2),
    },
    pipelineOverTrainStep: round(pipeline.imagesPerSec / trainImagesPerSec, 1),
    pipelineKeepsAhead: pipeline.imagesPerSec > trainImagesPerSec,
  };
}

await setBackend();
const results = [];
for (const cfg of CONFIGS) {
  process.stderr.write(`bench: ${cfg.name}…\n`);
  results.push(await run(cfg));
}
const report = {
  bench: 'vision image pipeline vs training step',
  date: new Date().toISOString(),
  backend: getBackend() ?? tf.getBackend(),
  cpus: os.cpus().length,
  node: process.version,
  warm: WARM,
  steps: STEPS,
  loadavg: os.loadavg().map((v) => round(v, 2)),
  results,
};
mkdirSync(fileURLToPath(new URL('../bench-results/', import.meta.url)), { recursive: true });
writeFileSync(OUT, JSON.stringify(report, null, 2) + '\n');
console.log(JSON.stringify(report, null, 2));
process.exit(0);
