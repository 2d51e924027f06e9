// A real run of keypoint regression with augmentation (issue 30): an article of fashion_mnist placed on a black
// canvas, its centre as a PointBlock target, trained with a random crop and augTransforms() (flips, rotations, zooms,
// warps, lighting). Every augmented training target must have moved with its article, else the flips alone make the
// x coordinate unlearnable; the validation MSE has to beat the best constant predictor (the validation targets'
// own variance) several times over.
import * as tf from '@tensorflow/tfjs-core';
import { manualSeed } from '@tfai/core';
import { DataBlock } from '@tfai/core/data';
import { describe, expect, it } from 'vitest';
import { augTransforms } from '../augment/aug-transforms.js';
import { RandomResizedCrop } from '../augment/random-resized-crop.js';
import { ImageBlock } from '../data/image-block.js';
import type { ImageDataLoaders } from '../data/image-data-loaders.js';
import { PointBlock } from '../data/point-block.js';
import { resnet18 } from '../models/resnet.js';
import { placed, type PlacedItem } from '../test-utils/fashion-composites.js';
import { visionLearner } from './vision-learner.js';

describe('PointBlock with augmentation (real run)', () => {
  it('a random crop and augTransforms() move the targets with the articles: validation MSE far under the constant predictor’s', async () => {
    manualSeed(0);
    const items = [...(await placed('train', 640, 0)), ...(await placed('valid', 160, 1))];
    const dblock = new DataBlock({
      blocks: [new ImageBlock(), new PointBlock()],
      getX: (it: PlacedItem) => it.image,
      getY: (it: PlacedItem) => it.centre,
      splitter: (its: unknown[]) => ({
        train: its.map((_, i) => i).slice(0, 640),
        valid: its.map((_, i) => i).slice(640),
      }),
      itemTfms: [new RandomResizedCrop(48, { minScale: 0.6 })],
      batchTfms: augTransforms(),
    });
    const dls = (await dblock.dataloaders(items, { bs: 32, seed: 0, progress: false })) as ImageDataLoaders;
    // The best constant predictor on the validation targets: their variance (per value, as MSELossFlat averages).
    const ys: number[] = [];
    for await (const b of dls.valid) {
      ys.push(...(await b.y.data()));
      tf.dispose([...b.x, b.y]);
    }
    const mean = [0, 1].map((k) => ys.filter((_, j) => j % 2 === k).reduce((a, v) => a + v, 0) / (ys.length / 2));
    const constMse = ys.reduce((a, v, j) => a + (v - mean[j % 2]) ** 2, 0) / ys.length;

    const learn = await visionLearner(dls, resnet18, {
      pretrained: false,
      cut: 5,
      head: { linFtrs: [], ps: 0, yRange: [-1, 1] },
      progress: false,
    });
    await learn.fitOneCycle(4, 5e-3);
    const { validLoss } = await learn.validate();
    console.log(`augmented points: valid MSE ${validLoss.toFixed(4)} (constant predictor ${constMse.toFixed(4)})`);
    expect(validLoss).toBeLessThan(constMse / 3);
    learn.dispose();
  }, 300_000);
});
