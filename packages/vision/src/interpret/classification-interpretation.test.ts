import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accuracy, manualSeed } from '@tfai/core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';
import { Resize } from '../augment/resize.js';
import { ImageDataLoaders } from '../data/image-data-loaders.js';
import { visionLearner, type VisionLearner } from '../learner/vision-learner.js';
import { resnet18 } from '../models/resnet.js';
import { ClassificationInterpretation } from './classification-interpretation.js';
import { blues, confusionMatrixSvg } from './confusion-plot.js';

const TUX = `${datasets.path('tux_photos')}`;
// tux_photos/valid: bird 7, fish 2, flower 5, fruit 5, insect 1, mammal 13, vegetable 3.
const VALID_COUNTS = [7, 2, 5, 5, 1, 13, 3];

let dir: string;
let learn: VisionLearner;
let interp: ClassificationInterpretation;
let validated: { validLoss: number; metrics: Record<string, number> };
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfai-interp-'));
  manualSeed(0);
  const dls = await ImageDataLoaders.fromFolder(TUX, { bs: 8, seed: 0, itemTfms: [new Resize(32)] });
  learn = await visionLearner(dls, resnet18, { pretrained: false, cut: 6, metrics: [accuracy()], progress: false });
  await learn.fit(1, 3e-3);
  validated = await learn.validate();
  interp = await ClassificationInterpretation.fromLearner(learn);
});
afterAll(async () => {
  learn.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('ClassificationInterpretation on tux_photos’ 36 validation photos', () => {
  it('confusionMatrix: rows are the actual classes (their counts), the diagonal gives the validation accuracy', () => {
    const cm = interp.confusionMatrix();
    expect(cm.map((r) => r.reduce((a, b) => a + b, 0))).toEqual(VALID_COUNTS);
    const diag = cm.reduce((s, r, i) => s + r[i], 0);
    expect(diag / 36).toBeCloseTo(validated.metrics.accuracy, 6);
  });

  it('per-item losses are −log p(target) and average to the learner’s validation loss', () => {
    interp.losses.forEach((l, i) => expect(l).toBeCloseTo(-Math.log(interp.preds[i][interp.targs[i]]), 4));
    const mean = interp.losses.reduce((a, b) => a + b, 0) / interp.losses.length;
    expect(mean).toBeCloseTo(validated.validLoss, 4);
    interp.preds.forEach((p, i) => expect(interp.decoded[i]).toBe(p.indexOf(Math.max(...p))));
  });

  it('mostConfused lists off-diagonal cells ≥ minVal as [actual, predicted, count], largest first, as fastai', () => {
    const cm = interp.confusionMatrix();
    const res = interp.mostConfused();
    const off = cm.flatMap((r, i) => r.filter((v, j) => i !== j && v >= 1));
    expect(res).toHaveLength(off.length);
    for (let i = 1; i < res.length; i++) expect(res[i - 1][2]).toBeGreaterThanOrEqual(res[i][2]);
    for (const [a, p, n] of res) {
      expect(a).not.toBe(p);
      expect(cm[learn.dls.vocab.indexOf(a)][learn.dls.vocab.indexOf(p)]).toBe(n);
    }
    expect(interp.mostConfused(100)).toEqual([]);
  });

  it('topLosses sorts the losses; plotTopLosses and plotConfusionMatrix write PNGs', async () => {
    const { losses, idx } = interp.topLosses(5);
    expect(losses).toEqual([...interp.losses].sort((a, b) => b - a).slice(0, 5));
    expect(idx.map((i) => interp.losses[i])).toEqual(losses);
    const small = interp.topLosses(3, false).losses;
    expect(small[0]).toBe(Math.min(...interp.losses));
    const top = await interp.plotTopLosses(4, { file: join(dir, 'top.png') });
    expect((await sharp(top).metadata()).format).toBe('png');
    const cm = await interp.plotConfusionMatrix({ file: join(dir, 'cm.png') });
    const meta = await sharp(cm).metadata();
    expect([meta.format, meta.width! > 300, meta.height! > 300]).toEqual(['png', true, true]);
    const norm = confusionMatrixSvg(
      [
        [3, 1],
        [0, 4],
      ],
      ['a', 'b'],
      { normalize: true },
    );
    expect(norm).toContain('>0.75<');
    expect(norm).toContain('>1.00<');
    expect(blues(0)).toBe('rgb(247,251,255)');
    expect(blues(1)).toBe('rgb(8,48,107)');
  });
});
