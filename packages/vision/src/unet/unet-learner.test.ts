import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { manualSeed } from '@tfai/core';
import { exportLearner, loadLearner } from '@tfai/core/io';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';
import { needsReference, referenceFacts, referenceFile } from '@tfai/test-utils';
import { Normalize } from '../augment/normalize.js';
import { Resize } from '../augment/resize.js';
import { learnerBuilders } from '../learner/vision-learner.js';
import { resnet18 } from '../models/resnet.js';
import { diceMulti, foregroundAcc } from '../segmentation/metrics.js';
import { SegmentationDataLoaders } from '../segmentation/segmentation-data-loaders.js';
import { DynamicUnet } from './dynamic-unet.js';
import { UnetLearner, unetLearner } from './unet-learner.js';

const TUX = join(datasets.path('tux_seg'));
const dir = mkdtempSync(join(tmpdir(), 'tfai-unet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A few tux_seg pairs (the first 6 train, 2 valid). */
function smallTux(size: [number, number]): SegmentationDataLoaders {
  const names = readFileSync(join(TUX, 'pairs.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1, 9)
    .map((r) => r.split(',')[0]);
  const codes = readFileSync(join(TUX, 'codes.txt'), 'utf8').trim().split('\n');
  return SegmentationDataLoaders.fromLists(
    names.map((n) => join(TUX, 'images', n)),
    names.map((n) => join(TUX, 'labels', n)),
    { train: [0, 1, 2, 3, 4, 5], valid: [6, 7] },
    { codes, itemTfms: [new Resize(size)], bs: 2, seed: 0 },
  );
}

describe('unetLearner', () => {
  it(
    "pretrained: resnetSplit's three groups on the U-Net (decoder = fastai's decoder params), ImageNet Normalize, frozen",
    needsReference('torchvision/resnet18.safetensors'),
    async () => {
      const dls = smallTux([96, 128]);
      const learn = await unetLearner(dls, resnet18, {
        nOut: 32,
        pretrained: referenceFile('torchvision/resnet18.safetensors'),
        progress: false,
      });
      const ref = (referenceFacts().dynamic_unet as Record<string, { decoder_params: number; encoder_params: number }>)
        .resnet18_nout32_96x128;
      expect(learn.model).toBeInstanceOf(DynamicUnet);
      expect(learn.model.encoderSizes[0]).toEqual([1, 48, 64, 64]); // sized from a batch: 96×128
      const groups = learn.opt!.paramGroups;
      expect(groups.length).toBe(3);
      const count = (ps: { size: number }[]) => ps.reduce((s, p) => s + p.size, 0);
      expect(count(groups[0].params) + count(groups[1].params)).toBe(ref.encoder_params);
      expect(count(groups[2].params)).toBe(ref.decoder_params);
      // Frozen: in the encoder only BatchNorm parameters train; the decoder trains whole.
      const encTrainable = learn.model.encoder.parameters().filter((p) => p.requiresGrad);
      expect(encTrainable.length).toBeGreaterThan(0);
      expect(encTrainable.every((p) => p.kind === 'norm')).toBe(true);
      expect(groups[2].params.every((p) => p.requiresGrad)).toBe(true);
      expect(dls.batchTfms.some((t) => t instanceof Normalize)).toBe(true);
      learn.dispose();
    },
  );

  it('export → loadLearner → predict(image path) reproduces the class map; showResults writes image | target | prediction', async () => {
    manualSeed(3);
    const dls = smallTux([48, 40]);
    const learn = await unetLearner(dls, resnet18, {
      pretrained: false,
      metrics: [foregroundAcc(), diceMulti()],
      progress: false,
    });
    const img = join(TUX, 'images', '0099_bird.png');
    const p = await learn.predict(img);
    expect([p.mask.width, p.mask.height]).toEqual([40, 48]);
    expect(p.decoded.length).toBe(40 * 48);
    expect(p.probs.length).toBe(40 * 48 * 8);
    expect(p.mask.data.every((v) => v >= 0 && v < 8)).toBe(true);

    expect(Object.keys(learnerBuilders)).toContain('unetLearner');
    const { json } = await exportLearner(learn, join(dir, 'unet'));
    const desc = JSON.parse(readFileSync(json, 'utf8')) as {
      builder: { name: string; args: { imgSize: number[]; data: { codes: string[] } } };
      metrics: string[];
    };
    expect(desc.builder.name).toBe('unetLearner');
    expect(desc.builder.args.imgSize).toEqual([48, 40]);
    expect(desc.builder.args.data.codes).toEqual(dls.codes);
    expect(desc.metrics).toEqual(['foreground_acc', 'dice_multi']);
    const loaded = await loadLearner(json, UnetLearner);
    expect(loaded).toBeInstanceOf(UnetLearner);
    expect(loaded.metrics.map((m) => m.name)).toEqual(['foreground_acc', 'dice_multi']);
    const q = await loaded.predict(img);
    expect(Array.from(q.mask.data)).toEqual(Array.from(p.mask.data));
    const maxDiff = Math.max(...q.probs.map((v, i) => Math.abs(v - p.probs[i])));
    expect(maxDiff).toBeLessThan(1e-5);

    const file = await learn.showResults({ file: join(dir, 'results.png'), maxN: 2, tileSize: 64 });
    const meta = await sharp(file).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBe(3 * (64 + 16));
    const before = tf.memory().numTensors;
    await learn.predict(img);
    expect(tf.memory().numTensors).toBe(before);
    learn.dispose();
    loaded.dispose();
  });
});
