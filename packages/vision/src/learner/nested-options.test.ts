import * as tf from '@tensorflow/tfjs-core';
import { UnknownOptionError, type LearnerOptions } from '@tfai/core';
import { Linear } from '@tfai/core/nn';
import { datasets } from '@tfai/datasets';
import { describe, expect, it } from 'vitest';
import { Resize } from '../augment/resize.js';
import { ImageDataLoaders } from '../data/image-data-loaders.js';
import { addNormIfPretrained } from '../models/load-body.js';
import { getModelMeta } from '../models/archs.js';
import { resnet18 } from '../models/resnet.js';
import { SegmentationDataLoaders } from '../segmentation/segmentation-data-loaders.js';
import { unetLearner } from '../unet/unet-learner.js';
import { visionLearner } from './vision-learner.js';

const tux = () =>
  ImageDataLoaders.fromFolder(datasets.path('tux_photos'), { bs: 4, seed: 0, itemTfms: [new Resize(32)] });
const seg = () =>
  SegmentationDataLoaders.fromFolders(datasets.path('tux_seg'), {
    csv: 'pairs.csv',
    itemTfms: [new Resize(32)],
    bs: 4,
    seed: 0,
  });
const headShapes = (m: { children(): unknown[] }) =>
  ((m.children()[1] as { modules(): unknown[] }).modules().filter((l) => l instanceof Linear) as Linear[]).map(
    (l) => l.weight.shape,
  );

describe('visionLearner: head options in `head: {...}` (fastai cnn_config)', () => {
  it('builds the head from `head` and records it in the export args; a flat head key is an unknown option', async () => {
    const dls = await tux();
    const learn = await visionLearner(dls, resnet18, {
      pretrained: false,
      progress: false,
      head: { linFtrs: [64], ps: 0.1 },
    });
    expect(headShapes(learn.model as never)).toEqual([
      [1024, 64],
      [64, dls.c],
    ]);
    expect((learn.builder as { args: { head: unknown } }).args.head).toEqual({ linFtrs: [64], ps: 0.1 });
    learn.model.dispose();
    const flat = { pretrained: false, progress: false, linFtrs: [64] } as LearnerOptions;
    await expect(visionLearner(dls, resnet18, flat)).rejects.toThrow(/visionLearner: unknown option 'linFtrs'/);
  });

  it('an unknown option is an UnknownOptionError naming it (it no longer becomes a Learner option)', async () => {
    const dls = await tux();
    const bad = { pretrained: false, progress: false, linFtr: [64] } as LearnerOptions;
    const n = tf.memory().numTensors;
    await expect(visionLearner(dls, resnet18, bad)).rejects.toThrow(UnknownOptionError);
    await expect(visionLearner(dls, resnet18, bad)).rejects.toThrow(/visionLearner: unknown option 'linFtr'/);
    expect(tf.memory().numTensors).toBe(n);
  });

  it('a misspelt key inside `head` from JavaScript is an UnknownOptionError naming its path and the known keys', async () => {
    const dls = await tux();
    const bad = { pretrained: false, progress: false, head: { linFtr: [10] } } as LearnerOptions;
    const n = tf.memory().numTensors;
    const err = await visionLearner(dls, resnet18, bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownOptionError);
    expect((err as UnknownOptionError).key).toBe('head.linFtr');
    expect((err as Error).message).toBe(
      "visionLearner: unknown option 'head.linFtr' (known: linFtrs, ps, pool, concatPool, firstBn, bnFinal, linFirst, yRange)",
    );
    await expect(visionLearner(dls, resnet18, { pretrained: false, head: 3 } as LearnerOptions)).rejects.toThrow(
      /visionLearner: head must be an object of options/,
    );
    expect(tf.memory().numTensors).toBe(n);
  });
});

describe('unetLearner: DynamicUnet options in `unet: {...}`', () => {
  it('passes `unet` to DynamicUnet (selfAttention), records it in the export args, and refuses unknown keys', async () => {
    const dls = await seg();
    const learn = await unetLearner(dls, resnet18, {
      pretrained: false,
      progress: false,
      imgSize: [32, 32],
      unet: { selfAttention: true, blur: true },
    });
    expect(learn.model.modules().some((m) => m.typeName === 'SelfAttention')).toBe(true);
    expect((learn.builder as { args: { config: unknown } }).args.config).toEqual({ selfAttention: true, blur: true });
    learn.model.dispose();
    await expect(
      unetLearner(dls, resnet18, { pretrained: false, imgSize: [32, 32], selfAtention: true } as LearnerOptions),
    ).rejects.toThrow(/unetLearner: unknown option 'selfAtention'/);
    await expect(
      unetLearner(dls, resnet18, {
        pretrained: false,
        imgSize: [32, 32],
        unet: { selfAtention: true },
      } as LearnerOptions),
    ).rejects.toThrow(/unetLearner: unknown option 'unet\.selfAtention' \(known: blur, blurFinal, selfAttention, /);
  });
});

describe("addNormIfPretrained (fastai's _add_norm)", () => {
  it('adds ImageNet Normalize once, only when pretrained and nIn matches the statistics', async () => {
    const dls = await tux();
    const meta = getModelMeta(resnet18);
    expect(addNormIfPretrained(dls, meta, false)).toBe(false);
    expect(addNormIfPretrained(dls, meta, true, 1)).toBe(false);
    expect(dls.batchTfms).toHaveLength(0);
    expect(addNormIfPretrained(dls, meta, true)).toBe(true);
    expect(addNormIfPretrained(dls, meta, 'weights.pth')).toBe(false);
    expect(dls.batchTfms.map((t) => t.constructor.name)).toEqual(['Normalize']);
  });
});
