// Real training from scratch, bounded in time (measured on this 2-core machine with wasm, 2 threads, quiet: about
// 100 s for fashion_mnist and 90 s for tux_photos; several times that when other jobs share the cores).
import { accuracy, manualSeed } from '@tfai/core';
import { describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';
import { augTransforms } from '../augment/aug-transforms.js';
import { Resize } from '../augment/resize.js';
import { ImageDataLoaders } from '../data/image-data-loaders.js';
import { resnet18 } from '../models/resnet.js';
import { visionLearner } from './vision-learner.js';

const LONG = 900_000;

describe('training from scratch on real images', () => {
  it(
    'fashion_mnist (3,000 train / 1,000 valid, 28×28, 10 classes): ≥ 85% validation accuracy in 6 epochs',
    async () => {
      // ResNet-18 cut after layer1 (stem + layer1: 28×28 → 7×7×64), a one-layer fastai head, batch 16, one-cycle.
      // Measured 86.7% (seed 0) and 87.9% (seed 1) in ~100 s; the whole body, or the body to layer2, reaches the
      // same accuracy more slowly (layer2: 85.8% in 5 epochs, 130 s). Three epochs plateau at ~84%.
      manualSeed(0);
      const lines: string[] = [];
      const dls = await ImageDataLoaders.fromFolder(`${datasets.path('fashion_mnist')}`, { bs: 16, seed: 0 });
      const learn = await visionLearner(dls, resnet18, {
        pretrained: false,
        cut: 5,
        head: { linFtrs: [], ps: 0.25 },
        metrics: [accuracy()],
        logger: (l) => lines.push(l),
      });
      await learn.fitOneCycle(6, 3e-3);
      console.log(lines.join('\n'));
      const { metrics, validLoss } = await learn.validate();
      expect(metrics.accuracy).toBeGreaterThanOrEqual(0.85);
      expect(validLoss).toBeLessThan(0.45);
      // The epoch table is fastai's: a header and one row per epoch.
      expect(lines[0]).toBe('epoch     train_loss  valid_loss  accuracy  time    ');
      expect(lines).toHaveLength(7);
      learn.dispose();
    },
    LONG,
  );

  it(
    'tux_photos (153 train / 36 valid real photos, 7 classes) at 64×64: well above the majority class and the class priors',
    async () => {
      // Whole ResNet-18 body at 64×64, fastai's augTransforms, 8 epochs of 9 batches. Measured 61.1% (seed 0) and
      // 52.8% (seed 1); the body cut after layer2 with 10 epochs gave 58.3%. The floor, 45% (17 of 36), sits two
      // images under the worst run and 3 images above always answering "mammal" (13 of 36 = 36.1%, the majority
      // baseline); with 36 validation photos one image is 2.8 points, so a tighter floor would be noise.
      // Less noisy: the validation loss must beat the cross-entropy of predicting the training class frequencies.
      manualSeed(0);
      const dls = await ImageDataLoaders.fromFolder(`${datasets.path('tux_photos')}`, {
        bs: 16,
        seed: 0,
        itemTfms: [new Resize(64)],
        batchTfms: augTransforms(),
      });
      const learn = await visionLearner(dls, resnet18, { pretrained: false, metrics: [accuracy()], progress: false });
      await learn.fitOneCycle(8, 3e-3);
      const { metrics, validLoss } = await learn.validate();
      const count = (labels: readonly number[]) => dls.vocab.map((_, c) => labels.filter((l) => l === c).length);
      const trainN = count(dls.train.ds.labels!);
      const validN = count(dls.valid.ds.labels!);
      const majority = Math.max(...validN) / dls.valid.n;
      const priorCE = -validN.reduce((s, n, c) => s + n * Math.log(trainN[c] / dls.train.n), 0) / dls.valid.n;
      console.log(
        `tux_photos: accuracy ${metrics.accuracy.toFixed(3)} (majority ${majority.toFixed(3)}), valid loss ${validLoss.toFixed(3)} (class priors ${priorCE.toFixed(3)})`,
      );
      expect(majority).toBeCloseTo(13 / 36, 6);
      expect(metrics.accuracy).toBeGreaterThanOrEqual(0.45);
      expect(validLoss).toBeLessThan(priorCE - 0.2);
      learn.dispose();
    },
    LONG,
  );
});
