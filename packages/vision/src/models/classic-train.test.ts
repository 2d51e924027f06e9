// Real training from scratch with fastai's other model_meta families: xresnet18 and densenet121, fitOneCycle on
// fashion_mnist images (four classes, 32×32) through visionLearner with fastai's default head and splitter.
// Measured (seed 0, quiet 2-core machine, wasm): xresnet18 94.0% in 31 s, densenet121 96.0% in 53 s (2 epochs on
// 320 images gave 73% / 80%: too close to the floor).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accuracy, manualSeed } from '@tfai/core';
import { describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';
import { Resize } from '../augment/resize.js';
import { ImageDataLoaders } from '../data/image-data-loaders.js';
import { visionLearner } from '../learner/vision-learner.js';
import { densenet121 } from './densenet.js';
import type { VisionArch } from './resnet.js';
import { xresnet18 } from './xresnet.js';

const FM = datasets.path('fashion_mnist');
const CLASSES = ['trouser', 'bag', 'sneaker', 'tshirt_top'];

/** The first `nTrain` train and `nValid` valid images of each of {@link CLASSES}, from labels.csv. */
function fourClasses(nTrain: number, nValid: number): Promise<ImageDataLoaders> {
  const rows = readFileSync(join(FM, 'labels.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((r) => r.split(','));
  const items: string[] = [];
  const labels: string[] = [];
  const train: number[] = [];
  const valid: number[] = [];
  for (const c of CLASSES)
    for (const isValid of ['False', 'True']) {
      const pick = rows.filter(([, l, v]) => l === c && v === isValid).slice(0, isValid === 'True' ? nValid : nTrain);
      for (const [name] of pick) {
        (isValid === 'True' ? valid : train).push(items.length);
        items.push(join(FM, name));
        labels.push(c);
      }
    }
  return ImageDataLoaders.fromLists(items, labels, { train, valid }, { bs: 32, seed: 0, itemTfms: [new Resize(32)] });
}

describe('training from scratch: xresnet18 and densenet121 learn four fashion_mnist classes at 32×32', () => {
  it.each([
    ['xresnet18', xresnet18],
    ['densenet121', densenet121],
  ] as [string, VisionArch][])(
    '%s: 3 epochs of fitOneCycle on 400 images reach ≥ 70% validation accuracy (chance 25%)',
    async (name, arch) => {
      manualSeed(0);
      const dls = await fourClasses(100, 50);
      const learn = await visionLearner(dls, arch, { pretrained: false, metrics: [accuracy()], progress: false });
      const t0 = Date.now();
      await learn.fitOneCycle(3, 3e-3);
      const { metrics, validLoss } = await learn.validate();
      console.log(
        `${name}: accuracy ${metrics.accuracy.toFixed(3)}, valid loss ${validLoss.toFixed(3)} in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
      );
      expect(metrics.accuracy).toBeGreaterThanOrEqual(0.7);
      expect(validLoss).toBeLessThan(Math.log(4)); // better than a uniform guess
      learn.dispose();
    },
    600_000,
  );
});
