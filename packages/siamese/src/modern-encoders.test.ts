// The book's Siamese model on torchvision's ConvNeXt and EfficientNet bodies (issue #31): the encoder is the body
// fastai's default rule cuts (`features`), the head takes twice its features, and the splitter's groups hold the
// encoder and the head.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Sequential } from '@tfai/core/nn';
import { convnext_tiny, efficientnet_b0 } from '@tfai/vision/models';
import { createSiameseModel } from './model.js';
import { siameseSplitter } from './splitter.js';

describe.each([
  ['convnext_tiny', convnext_tiny, 768],
  ['efficientnet_b0', efficientnet_b0, 1280],
] as const)('Siamese model with a %s encoder', (_, arch, nf) => {
  it('pairs of images → two logits; head on 2·nf features (×2 by concat pooling); encoder and head groups', async () => {
    const before = tf.memory().numTensors;
    const model = await createSiameseModel(arch, { pretrained: false, head: { linFtrs: [64] } });
    const a = tf.randomNormal([2, 64, 64, 3]);
    const b = tf.randomNormal([2, 64, 64, 3]);
    const y = model.eval().call(a, b);
    expect(y.shape).toEqual([2, 2]);
    expect((model.head as Sequential).get(2).describe()).toMatchObject({ type: 'BatchNorm1d', num_features: 4 * nf });
    const groups = siameseSplitter(model);
    expect(groups.length).toBe(2);
    expect(groups[0]).toEqual((model.encoder as unknown as Sequential).parameters());
    tf.dispose([a, b, y]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
