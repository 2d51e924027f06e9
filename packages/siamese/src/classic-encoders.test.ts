// The book's Siamese model with fastai's other model_meta families as encoders: the encoder is the body cut at the
// architecture's meta (xresnet -4, densenet/squeezenet -1), the head sees twice fastai's nf (two encodings
// concatenated, then concat pooling), and two image batches give one row of 2 logits each.
import * as tf from '@tensorflow/tfjs-core';
import { manualSeed } from '@tfai/core';
import { numParams } from '@tfai/core/nn';
import { createBody, densenet121, getModelMeta, squeezenet1_1, xresnet18, type VisionArch } from '@tfai/vision/models';
import { describe, expect, it } from 'vitest';
import { createSiameseModel } from './model.js';

describe('createSiameseModel with the classic families as encoders', () => {
  it.each([
    ['xresnet18', xresnet18, 512],
    ['squeezenet1_1', squeezenet1_1, 512],
    ['densenet121', densenet121, 1024],
  ] as [string, VisionArch, number][])(
    '%s: encoder = fastai body, head on 2·2·nf, logits [2, 2]',
    async (_, arch, nf) => {
      manualSeed(0);
      const model = await createSiameseModel(arch, { pretrained: false });
      const body = createBody(arch, { cut: getModelMeta(arch).cut as number });
      expect(numParams(model.encoder as never)).toBe(numParams(body));
      body.dispose();
      expect(model.head.describe().children?.[2]).toMatchObject({ type: 'BatchNorm1d', num_features: 4 * nf });
      const out = tf.tidy(() => model.eval().call(tf.randomUniform([2, 64, 64, 3]), tf.randomUniform([2, 64, 64, 3])));
      expect(out.shape).toEqual([2, 2]);
      out.dispose();
      model.dispose();
    },
  );
});
