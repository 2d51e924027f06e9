// fastai's other model_meta families in the learners: per family, visionLearner (fastai's splitter's three
// groups covering every parameter, one training batch at fastai's discriminative rates), unetLearner (fastai's
// DynamicUnet on the cut body) and createBody/createHead's nf; `pretrained: true` names torchvision's files;
// DenseNet takes the published checkpoints' legacy keys.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { CancelFitException, Callback, manualSeed, slice } from '@tfai/core';
import { numParams } from '@tfai/core/nn';
import { describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';
import { Resize } from '../augment/resize.js';
import { ImageDataLoaders } from '../data/image-data-loaders.js';
import { visionLearner } from '../learner/vision-learner.js';
import { SegmentationDataLoaders } from '../segmentation/segmentation-data-loaders.js';
import { unetLearner } from '../unet/unet-learner.js';
import { alexnet } from './alexnet.js';
import { getModelMeta, publishedWeights, VISION_ARCHS } from './archs.js';
import { CLASSIC_ARCHS, densenetSplit, squeezenetSplit, vggSplit, xresnetSplit, alexnetSplit } from './classic-meta.js';
import { densenet121 } from './densenet.js';
import { PretrainedWeightsError } from './errors.js';
import { resolvePretrained } from './pretrained.js';
import type { VisionArch } from './resnet.js';
import { squeezenet1_1 } from './squeezenet.js';
import { vgg11_bn } from './vgg.js';
import { xresnet18 } from './xresnet.js';

const TUX = datasets.path('tux_photos');
const SEG = datasets.path('tux_seg');

/** The first 6 train and 2 valid tux_seg pairs at 64×64. */
function smallSeg(): SegmentationDataLoaders {
  const names = readFileSync(join(SEG, 'pairs.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1, 9)
    .map((r) => r.split(',')[0]);
  const codes = readFileSync(join(SEG, 'codes.txt'), 'utf8').trim().split('\n');
  return SegmentationDataLoaders.fromLists(
    names.map((n) => join(SEG, 'images', n)),
    names.map((n) => join(SEG, 'labels', n)),
    { train: [0, 1, 2, 3, 4, 5], valid: [6, 7] },
    { codes, itemTfms: [new Resize(64)], bs: 2, seed: 0 },
  );
}

// One architecture per family, with fastai's cut, splitter and the body's features (nf) at 64×64.
const FAMILIES: [string, VisionArch, number, (m: never) => unknown, number][] = [
  ['xresnet18', xresnet18, -4, xresnetSplit, 512],
  ['squeezenet1_1', squeezenet1_1, -1, squeezenetSplit, 512],
  ['densenet121', densenet121, -1, densenetSplit, 1024],
  ['vgg11_bn', vgg11_bn, -2, vggSplit, 512],
  ['alexnet', alexnet, -2, alexnetSplit, 256],
];

describe("fastai's model_meta families in the learners", () => {
  it.each(FAMILIES)(
    '%s: meta, createBody nf, visionLearner groups and one batch, unetLearner',
    async (name, arch, cut, split, nf) => {
      manualSeed(0);
      const meta = getModelMeta(arch);
      expect(meta.cut).toBe(cut);
      expect(meta.split).toBe(split);
      expect(meta.stats?.[0]).toEqual([0.485, 0.456, 0.406]);

      const dls = await ImageDataLoaders.fromFolder(TUX, { bs: 4, seed: 0, itemTfms: [new Resize(64)] });
      const learn = await visionLearner(dls, arch, { pretrained: false, progress: false });
      // createHead's nf is the body's features, as fastai's num_features_model: its first BatchNorm sees 2·nf.
      const head = learn.model.children()[1];
      expect(head.children()[2].describe()).toMatchObject({ type: 'BatchNorm1d', num_features: 2 * nf });
      learn.createOpt();
      const groups = learn.opt!.paramGroups;
      expect(groups).toHaveLength(3);
      expect(groups.reduce((s, g) => s + g.params.reduce((t, p) => t + p.size, 0), 0)).toBe(numParams(learn.model));
      const lrs: number[][] = [];
      let loss = NaN;
      class OneBatch extends Callback {
        override afterBatch() {
          lrs.push(this.learn.opt!.paramGroups.map((g) => g.lr));
          loss = this.learn.loss?.dataSync()[0] ?? NaN;
          throw new CancelFitException();
        }
      }
      await learn.fit(1, slice(1e-6, 1e-4), { cbs: [new OneBatch()] });
      expect(lrs[0].map((l) => Number(l.toPrecision(6)))).toEqual([1e-6, 1e-5, 1e-4]);
      expect(Number.isFinite(loss)).toBe(true);
      learn.dispose();

      // xresnet's body is a Sequential of its layers, which DynamicUnet hooks for skip connections. The others'
      // body is one child (`features`): DynamicUnet, as fastai's, builds a decoder without skip connections for it.
      const seg = smallSeg();
      const unet = await unetLearner(seg, arch, { pretrained: false, progress: false });
      const y = tf.tidy(() => unet.model.eval().call(tf.zeros([1, 64, 64, 3])));
      expect(y.shape).toEqual([1, 64, 64, seg.vocab.length]);
      y.dispose();
      unet.dispose();
    },
  );

  it("pretrained: true names torchvision 0.14's IMAGENET1K_V1 files; xresnet has none", async () => {
    expect(publishedWeights('densenet121')).toBe('densenet121-a639ec97.pth');
    expect(publishedWeights('squeezenet1_0')).toBe('squeezenet1_0-b66bff10.pth');
    expect(publishedWeights('vgg16_bn')).toBe('vgg16_bn-6c64b313.pth');
    expect(publishedWeights('alexnet')).toBe('alexnet-owt-7be5be79.pth');
    for (const [name, e] of Object.entries(CLASSIC_ARCHS)) {
      expect(VISION_ARCHS[name]).toBe(e);
      expect(e.build.name).toBe(name);
      if (e.weights) expect(e.weights.file).toMatch(new RegExp(`^${name}(-owt)?-[0-9a-f]{8}\\.pth$`));
    }
    await expect(resolvePretrained(true, { arch: 'xresnet18' })).rejects.toThrow(PretrainedWeightsError);
  });

  it("DenseNet loads the published checkpoints' legacy keys (denselayer1.norm.1.weight), as torchvision", () => {
    const a = densenet121({ numClasses: 3 });
    const sd = a.stateDict();
    const legacy = Object.fromEntries(
      Object.entries(sd)
        .filter(([k]) => !k.endsWith('num_batches_tracked')) // as in the published (pre-0.4.1) files
        .map(([k, v]) => [k.replace(/(denselayer\d+\.(?:norm|conv))([12])\./, '$1.$2.'), v]),
    );
    expect(Object.keys(legacy)).toContain('features.denseblock1.denselayer1.norm.1.weight');
    const b = densenet121({ numClasses: 3 });
    b.loadStateDict(legacy, { strict: true });
    const back = b.stateDict();
    const k = 'features.denseblock3.denselayer7.conv.2.weight'.replace('conv.2', 'conv2');
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(back[k], sd[k]))).dataSync()[0])).toBe(0);
    tf.dispose([...Object.values(sd), ...Object.values(back)]);
    a.dispose();
    b.dispose();
  });
});
