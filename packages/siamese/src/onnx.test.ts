// ONNX export of a siamese learner: two image inputs, one shared encoder's initializers; ONNX Runtime against
// tfai's eval-mode outputs on tux_photos pairs at batch 1 and 7; onnx.checker.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { exportOnnx } from '@tfai/core/onnx';
import { resnet18 } from '@tfai/vision/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';
import { onnxCheck, onnxCheckerSkip, ortRelErr, randomizeBatchNorms } from '@tfai/test-utils/onnx';
import { SiameseDataLoaders } from './data/siamese-dataloaders.js';
import { siameseLearner } from './learner.js';

let dir: string;
let exported: string | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfai-siamese-onnx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('exportOnnx: siamese learner on ONNX Runtime', () => {
  it('image1 and image2 through one encoder (shared initializers): probabilities match at batch 1 and 7', async () => {
    const dls = await SiameseDataLoaders.fromCsv(`${datasets.path('tux_photos')}/siamese_pairs.csv`, {
      size: 32,
      bs: 7,
      seed: 0,
    });
    const learn = await siameseLearner(dls, resnet18, { pretrained: false, progress: false });
    randomizeBatchNorms(learn.model);
    learn.model.eval();
    const { onnx, description } = await exportOnnx(learn, join(dir, 'siamese.onnx'), { activation: true });
    expect(description.inputs.map((i) => [i.name, i.shape])).toEqual([
      ['image1', ['batch', 3, 'height', 'width']],
      ['image2', ['batch', 3, 'height', 'width']],
    ]);
    // One set of encoder initializers: the file is about one ResNet-18 body, not two.
    const encoderBytes = 4 * learn.model.encoder.parameters().reduce((s, p) => s + p.size, 0);
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(onnx));
    expect(size).toBeLessThan(1.5 * encoderBytes);
    let xs: tf.Tensor[] = [];
    for await (const b of dls.valid) {
      xs = b.x.map((t) => tf.keep(t.clone()));
      tf.dispose([...b.x, b.y]);
      break;
    }
    for (const n of [1, 7]) {
      const [a, b] = xs.map((t) => t.slice(0, n));
      const y = tf.softmax(learn.model.call(a!, b!));
      const { err, dims } = await ortRelErr(
        onnx,
        [
          { name: 'image1', tensor: a! },
          { name: 'image2', tensor: b! },
        ],
        y,
      );
      expect(dims).toEqual([n, 2]);
      expect(err).toBeLessThan(1e-4);
      tf.dispose([a!, b!, y]);
    }
    tf.dispose(xs);
    exported = onnx;
  });

  it.skipIf(onnxCheckerSkip)('onnx.checker (full_check) accepts it (skipped where python3 cannot import onnx)', () => {
    expect(exported).toBeDefined();
    expect(onnxCheck(exported!)).toMatchObject({ opset: 17, irVersion: 8 });
  });
});
