// fastai's pipeline on torchvision's ConvNeXt and EfficientNet (issue #31): the default rule's cut and split,
// createBody (nIn ≠ 3 too), createHead's nf from the body, the whole model, and the DynamicUnet fastai builds on the
// body. Only the smallest of each family: the others are the same classes with other sizes.
import * as tf from '@tensorflow/tfjs-core';
import type { AnyModule, Sequential } from '@tfai/core/nn';
import { describe, expect, it } from 'vitest';
import { createUnetModel } from '../unet/unet-learner.js';
import { getModelMeta, publishedWeights } from './archs.js';
import { convnext_tiny } from './convnext.js';
import { createBody } from './create-body.js';
import { createHead } from './create-head.js';
import { createVisionModel } from './create-vision-model.js';
import { efficientnet_b0 } from './efficientnet.js';
import { defaultSplit, imagenetStats } from './model-meta.js';
import { numFeaturesModel } from './model-sizes.js';
import { loadBody } from './load-body.js';

const CASES = [
  ['convnext_tiny', convnext_tiny, 768, [2, 2]],
  ['efficientnet_b0', efficientnet_b0, 1280, [2, 2]],
] as const;

describe.each(CASES)('%s through fastai’s vision pipeline', (name, arch, nf, hw) => {
  it('has fastai’s default meta with ImageNet stats and torchvision’s published weights', () => {
    const meta = getModelMeta(arch);
    expect(meta.cut).toBeUndefined();
    expect(meta.split).toBe(defaultSplit);
    expect(meta.stats).toEqual(imagenetStats);
    expect(publishedWeights(name)).toMatch(new RegExp(`^${name}(_rwightman)?-[0-9a-f]{8}\\.pth$`));
  });

  it('createBody cuts at avgpool (the last child with a pooling layer): the body is `features`', () => {
    const body = createBody(arch);
    expect(body.length).toBe(1);
    expect(body.get(0).typeName).toBe('Sequential');
    const y = tf.tidy(() => body.eval().call(tf.zeros([2, 64, 64, 3])));
    expect(y.shape).toEqual([2, ...hw, nf]);
    y.dispose();
    // fastai's create_head gets num_features_model(body), doubled by the concat pool.
    expect(numFeaturesModel(body)).toBe(nf);
    const head = createHead(numFeaturesModel(body), 10);
    expect(head.get(2).describe()).toMatchObject({ type: 'BatchNorm1d', num_features: 2 * nf });
    head.dispose();
    body.dispose();
  });

  it('createBody with nIn = 1 replaces the first conv (fastai’s _update_first_layer)', () => {
    const body = createBody(arch, { nIn: 1 });
    const y = tf.tidy(() => body.eval().call(tf.zeros([1, 32, 32, 1])));
    expect(y.shape[3]).toBe(nf);
    y.dispose();
    body.dispose();
  });

  it('createVisionModel: body and head, two parameter groups (default_split), logits', async () => {
    const m = await createVisionModel(arch, 10, { pretrained: false });
    const groups = getModelMeta(arch).split(m);
    expect(groups).toHaveLength(2);
    const body = (m as Sequential).get(0);
    expect(groups[0]).toEqual(body.parameters());
    const y = tf.tidy(() => m.eval().call(tf.randomNormal([2, 64, 64, 3])));
    expect(y.shape).toEqual([2, 10]);
    y.dispose();
    m.dispose();
  });
});

// EfficientNet's body is the same shape (one child, `features`), with a 1280-channel middle conv three times the size.
describe('DynamicUnet on the convnext_tiny body', () => {
  it('accepts the body: one child, so no size change to hook and no skip connections, as fastai', async () => {
    const before = tf.memory().numTensors;
    const unet = await createUnetModel(convnext_tiny, 3, [64, 64], { pretrained: false });
    const y = tf.tidy(() => unet.eval().call(tf.randomNormal([1, 64, 64, 3])));
    expect(y.shape).toEqual([1, 64, 64, 3]);
    y.dispose();
    unet.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('loadBody with a cut function taking layers from inside `features`', () => {
  it('keeps the layers it took and frees the rest of the model', async () => {
    const before = tf.memory().numTensors;
    const body = await loadBody(efficientnet_b0, {
      pretrained: false,
      cut: (m: AnyModule) => (m.children()[0] as Sequential).slice(0, 3), // stem, stage 1, stage 2
    });
    const y = tf.tidy(() => body.call(tf.zeros([1, 32, 32, 3])));
    expect(y.shape).toEqual([1, 8, 8, 24]);
    y.dispose();
    body.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
