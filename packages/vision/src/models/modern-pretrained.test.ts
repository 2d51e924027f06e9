// `pretrained: true` for torchvision's ConvNeXt and EfficientNet (issue #31): torchvision's IMAGENET1K_V1 file names
// under its URL, served locally (no test touches the internet). The served EfficientNet-B0 is one saveTorch wrote
// (random weights), so its sha256 is not the 3dd342df in torchvision's name: that is the hash-mismatch case.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DownloadError, saveTorch } from '@tfai/core/io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { torchvisionMirror, type FileServer, type TorchvisionMirror } from '@tfai/test-utils/pretrained';
import { VISION_ARCHS } from './archs.js';
import { createVisionModel } from './create-vision-model.js';
import { efficientnet_b0 } from './efficientnet.js';
import { resolvePretrained } from './pretrained.js';

let server: FileServer;
let home: string;
let ckpt: { file: string; sha256: string; stem: Float32Array };
let mirror: TorchvisionMirror;

beforeAll(async () => {
  mirror = await torchvisionMirror('tfai-home-modern-');
  home = mirror.home;
  const m = efficientnet_b0();
  const sd = m.stateDict();
  const file = join(home, 'efficientnet_b0-random.pth');
  await saveTorch(sd, file);
  ckpt = {
    file,
    sha256: createHash('sha256')
      .update(await readFile(file))
      .digest('hex'),
    stem: (await sd['features.0.0.weight'].data()) as Float32Array,
  };
  tf.dispose(Object.values(sd));
  m.dispose();
  server = await mirror.serve({ 'efficientnet_b0_rwightman-3dd342df.pth': file });
});

afterAll(() => mirror.close());

describe('pretrained: true for ConvNeXt and EfficientNet (torchvision’s published files, hash-checked)', () => {
  it('the table names torchvision 0.14’s IMAGENET1K_V1 files', () => {
    expect(
      Object.fromEntries(
        [
          'convnext_tiny',
          'convnext_small',
          'convnext_base',
          'efficientnet_b0',
          'efficientnet_b1',
          'efficientnet_b2',
          'efficientnet_b3',
        ].map((n) => [n, VISION_ARCHS[n].weights?.file]),
      ),
    ).toEqual({
      convnext_tiny: 'convnext_tiny-983f1562.pth',
      convnext_small: 'convnext_small-0c510722.pth',
      convnext_base: 'convnext_base-6075fbad.pth',
      efficientnet_b0: 'efficientnet_b0_rwightman-3dd342df.pth',
      efficientnet_b1: 'efficientnet_b1_rwightman-533bc792.pth',
      efficientnet_b2: 'efficientnet_b2_rwightman-bcdf34b7.pth',
      efficientnet_b3: 'efficientnet_b3_rwightman-cf984f9c.pth',
    });
  });

  it('checks the hash prefix in the name: a file whose sha256 is not 3dd342df… is a DownloadError', async () => {
    const e = await resolvePretrained(true, { arch: 'efficientnet_b0' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DownloadError);
    expect((e as DownloadError).url).toBe(`${server.base}/models/efficientnet_b0_rwightman-3dd342df.pth`);
    expect((e as Error).message).toMatch(/sha256/i);
  });

  it('loads the .pth (loadTorch) into the body with torchvision’s names when the hash matches', async () => {
    const model = await createVisionModel(efficientnet_b0, 10, { pretrainedSha256: ckpt.sha256.slice(0, 8) });
    const sd = model.stateDict();
    const stem = (await sd['0.0.0.0.weight'].data()) as Float32Array;
    expect(stem.length).toBe(ckpt.stem.length);
    expect(stem.every((v, i) => v === ckpt.stem[i])).toBe(true);
    tf.dispose(Object.values(sd));
    model.dispose();
  });
});
