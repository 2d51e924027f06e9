// Real runs of the tasks the DataBlock opens (issue 30), on real images from @tfai/datasets' fashion_mnist (Zalando
// article photos; see test-utils/fashion-composites.ts for how the two tasks are made from them):
// - multi-label: two articles side by side, labelled with the set of their classes (1 or 2 of 10); the fashion_mnist
//   split is kept (training pairs from its training images, validation pairs from its validation images).
//   visionLearner picks BCEWithLogitsLossFlat from the MultiCategoryBlock, learns (accuracy_multi above the
//   all-negative baseline), predicts label sets, and exports / reloads.
// - keypoint regression: one article at a random place on a black canvas, the target its centre (PointBlock);
//   MSELossFlat and yRange [-1, 1]; the validation MSE beats the mean predictor's.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accuracyMulti, manualSeed } from '@tfai/core';
import { DataBlock, MultiCategoryBlock } from '@tfai/core/data';
import { exportLearner, loadLearner } from '@tfai/core/io';
import { describe, expect, it } from 'vitest';
import { ImageBlock } from '../data/image-block.js';
import type { ImageDataLoaders } from '../data/image-data-loaders.js';
import { PointBlock } from '../data/point-block.js';
import { resnet18 } from '../models/resnet.js';
import { placed, sideBySide, type PairItem, type PlacedItem } from '../test-utils/fashion-composites.js';
import { VisionLearner, visionLearner } from './vision-learner.js';

const LONG = 300_000;
const split = (nTrain: number, nValid: number) => () => ({
  train: Array.from({ length: nTrain }, (_, i) => i),
  valid: Array.from({ length: nValid }, (_, i) => nTrain + i),
});

describe('learners follow the blocks (real runs)', () => {
  it(
    'multi-label (pairs of fashion_mnist articles): BCE picked, accuracy_multi above the all-negative baseline, label sets predicted, export → loadLearner',
    async () => {
      manualSeed(0);
      const items = [...(await sideBySide('train', 640, 0)), ...(await sideBySide('valid', 160, 1))];
      const dblock = new DataBlock({
        blocks: [new ImageBlock(), new MultiCategoryBlock()],
        getX: (it: PairItem) => it.image,
        getY: (it: PairItem) => it.labels,
        splitter: split(640, 160),
      });
      const dls = (await dblock.dataloaders(items, { bs: 32, seed: 0, progress: false })) as ImageDataLoaders;
      expect(dls.c).toBe(10);
      const learn = await visionLearner(dls, resnet18, {
        pretrained: false,
        cut: 5,
        head: { linFtrs: [], ps: 0.25 },
        metrics: [accuracyMulti()],
        progress: false,
      });
      expect(learn.lossFunc.spec).toEqual({ name: 'BCEWithLogitsLossFlat', args: { threshold: 0.5 } });
      await learn.fitOneCycle(4, 5e-3);
      const { metrics, validLoss } = await learn.validate();
      // Always answering "no label" is right on every negative: 1 − (labels per item) / 10.
      const valid = items.slice(640);
      const baseline = 1 - valid.reduce((s, it) => s + it.labels.length, 0) / (valid.length * 10);
      console.log(
        `multi-label: accuracy_multi ${metrics.accuracy_multi.toFixed(3)} (all-negative ${baseline.toFixed(3)}), valid loss ${validLoss.toFixed(3)}`,
      );
      expect(metrics.accuracy_multi).toBeGreaterThan(baseline + 0.05);

      const p = await learn.predict(valid[0].image);
      expect(p.labels).toBeDefined();
      expect(p.label).toBe(p.labels!.join(';'));
      expect(p.probs).toHaveLength(10);
      expect(p.labels).toEqual(dls.vocab.filter((_, j) => p.probs[j] > 0.5));

      const dir = await mkdtemp(join(tmpdir(), 'tfai-multilabel-'));
      console.log(`multi-label: showResults → ${await learn.showResults({ file: join(dir, 'results.png'), maxN: 4 })}`);
      const { json } = await exportLearner(learn, join(dir, 'pairs'));
      const loaded = await loadLearner(json, VisionLearner);
      expect(loaded.lossFunc.spec.name).toBe('BCEWithLogitsLossFlat');
      for (const it of valid.slice(0, 3)) {
        const [a, b] = [await learn.predict(it.image), await loaded.predict(it.image)];
        expect(b.probs).toEqual(a.probs);
        expect(b.labels).toEqual(a.labels);
      }
      learn.dispose();
      loaded.dispose();
    },
    LONG,
  );

  it(
    'keypoint regression (an article placed on a canvas): MSELossFlat and yRange, validation MSE under the mean predictor’s',
    async () => {
      manualSeed(0);
      const items = [...(await placed('train', 640, 0)), ...(await placed('valid', 160, 1))];
      const dblock = new DataBlock({
        blocks: [new ImageBlock(), new PointBlock()],
        getX: (it: PlacedItem) => it.image,
        getY: (it: PlacedItem) => it.centre,
        splitter: split(640, 160),
      });
      const dls = (await dblock.dataloaders(items, { bs: 32, seed: 0, progress: false })) as ImageDataLoaders;
      const learn = await visionLearner(dls, resnet18, {
        pretrained: false,
        cut: 5,
        head: { linFtrs: [], ps: 0, yRange: [-1, 1] },
        progress: false,
      });
      expect(learn.lossFunc.spec.name).toBe('MSELossFlat');
      await learn.fitOneCycle(4, 5e-3);
      const { validLoss } = await learn.validate();
      // The mean predictor: the training targets' mean (scaled as the loader scales them, p · 2 / 56 − 1).
      const scaled = (it: PlacedItem) => it.centre[0].map((v) => (v * 2) / 56 - 1);
      const mean = [0, 1].map((k) => items.slice(0, 640).reduce((s, it) => s + scaled(it)[k], 0) / 640);
      const meanMse =
        items.slice(640).reduce((s, it) => s + scaled(it).reduce((a, v, k) => a + (v - mean[k]) ** 2, 0), 0) /
        (160 * 2);
      console.log(`points: valid MSE ${validLoss.toFixed(4)} (mean predictor ${meanMse.toFixed(4)})`);
      expect(validLoss).toBeLessThan(meanMse / 2);
      const dir = await mkdtemp(join(tmpdir(), 'tfai-points-'));
      console.log(`points: showResults → ${await learn.showResults({ file: join(dir, 'results.png'), maxN: 4 })}`);
      learn.dispose();
    },
    LONG,
  );
});
