// ONNX export of vision models: a visionLearner's ResNet-18 classifier (body + createHead) and a Bottleneck
// ResNet, ONNX Runtime against tfai's eval-mode outputs on tux_photos images at batch 1 and 7; onnx.checker.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { exportOnnx } from '@tfai/core/onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';
import { onnxCheck, onnxCheckerSkip, ortRelErr, randomizeBatchNorms } from '@tfai/test-utils/onnx';
import { Resize } from '../augment/resize.js';
import { ImageDataLoaders } from '../data/image-data-loaders.js';
import { visionLearner, type VisionLearner } from '../learner/vision-learner.js';
import { Bottleneck, ResNet, resnet18 } from './resnet.js';

let dir: string;
let learn: VisionLearner;
let classifierFile: string | undefined;
let images: tf.Tensor; // 7 normalised tux_photos validation images, NHWC 64×64

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfai-vision-onnx-'));
  const dls = await ImageDataLoaders.fromFolder(datasets.path('tux_photos'), {
    bs: 7,
    seed: 0,
    itemTfms: [new Resize(64)],
  });
  learn = await visionLearner(dls, resnet18, { pretrained: false, progress: false });
  randomizeBatchNorms(learn.model);
  learn.model.eval();
  for await (const b of dls.valid) {
    images = tf.keep(b.x[0]!.clone());
    tf.dispose([...b.x, b.y]);
    break;
  }
});
afterAll(async () => {
  images.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('exportOnnx: vision models on ONNX Runtime', () => {
  it('visionLearner(resnet18) with its head: logits and probabilities match tfai at batch 1 and 7', async () => {
    const logits = await exportOnnx(learn, join(dir, 'resnet18.onnx'));
    classifierFile = logits.onnx;
    const probs = await exportOnnx(learn, join(dir, 'resnet18-probs.onnx'), { activation: true });
    expect(logits.description.outputs[0]!.name).toBe('logits');
    expect(probs.description.outputs[0]!.name).toBe('probabilities');
    expect(probs.description.vocab).toEqual(learn.dls.vocab);
    expect(probs.description.builder?.name).toBe('visionLearner');
    for (const n of [1, 7]) {
      const x = images.slice(0, n);
      const y = learn.model.call(x);
      const p = tf.softmax(y);
      const a = await ortRelErr(logits.onnx, [{ name: 'image', tensor: x }], y);
      const b = await ortRelErr(probs.onnx, [{ name: 'image', tensor: x }], p);
      expect(a.dims).toEqual([n, learn.dls.vocab!.length]);
      expect(a.err).toBeLessThan(1e-4);
      expect(b.err).toBeLessThan(1e-4);
      tf.dispose([x, y, p]);
    }
  });

  it('a Bottleneck ResNet (torchvision layout, fc after flatten) matches tfai at batch 1 and 7', async () => {
    const model = new ResNet(Bottleneck, [1, 1, 1, 1], 5);
    randomizeBatchNorms(model, 7);
    model.eval();
    const { onnx } = await exportOnnx(model, join(dir, 'bottleneck.onnx'));
    for (const n of [1, 7]) {
      const x = tf.image.resizeBilinear(images.slice(0, n) as tf.Tensor4D, [32, 32]);
      const y = model.call(x);
      const { err, dims } = await ortRelErr(onnx, [{ name: 'image', tensor: x }], y);
      expect(dims).toEqual([n, 5]);
      expect(err).toBeLessThan(1e-4);
      tf.dispose([x, y]);
    }
    model.parameters().forEach((p) => p.variable.dispose());
  });

  it.skipIf(onnxCheckerSkip)(
    'onnx.checker (full_check) accepts the classifier (skipped where python3 cannot import onnx)',
    async () => {
      const onnx = classifierFile ?? (await exportOnnx(learn, join(dir, 'checked.onnx'))).onnx;
      expect(onnxCheck(onnx)).toMatchObject({ opset: 17, irVersion: 8 });
      expect(onnxCheck(onnx).nodes).toBeGreaterThan(50);
    },
  );
});
