import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DownloadError, loadSafetensors, saveSafetensors, tfaiHome } from '@tfai/core/io';
import type { Sequential } from '@tfai/core/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needsReference, referenceFile, relError } from '@tfai/test-utils';
import { createUnetModel } from '../unet/unet-learner.js';
import { createVisionModel } from './create-vision-model.js';
import { PretrainedWeightsError } from './errors.js';
import { VISION_ARCHS } from './archs.js';
import { loadPretrained, modelsCacheDir, resolvePretrained } from './pretrained.js';
import { resnet18, resnet34 } from './resnet.js';
import {
  resnet18Checkpoint,
  torchvisionMirror,
  type FileServer,
  type TorchvisionMirror,
} from '@tfai/test-utils/pretrained';

// torchvision's URL paths served from a local server; the served ResNet-18 is one saveTorch wrote (random weights),
// so its sha256 is not the f37072fd of torchvision's file: that is the hash-mismatch case, and `pretrainedSha256`
// (or a URL with the right prefix in its name) is the matching one.
let server: FileServer;
let home: string;
let mirror: TorchvisionMirror;
let ckpt: { file: string; sha256: string; conv1: Float32Array };

beforeAll(async () => {
  mirror = await torchvisionMirror('tfai-home-');
  home = mirror.home;
  ckpt = await resnet18Checkpoint(home, resnet18);
  server = await mirror.serve({
    'resnet18-f37072fd.pth': ckpt.file,
    [`resnet18-${ckpt.sha256.slice(0, 8)}.pth`]: ckpt.file,
  });
});

afterAll(() => mirror.close());

/** conv1's weights of a vision model (body first), PyTorch layout. */
async function conv1Of(model: Sequential, key = '0.0.weight'): Promise<Float32Array> {
  const sd = model.stateDict();
  const out = (await sd[key].data()) as Float32Array;
  tf.dispose(Object.values(sd));
  return out;
}
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((x, i) => x === b[i]);

describe('pretrained: true as fastai means it (torchvision published files, cached, hash-checked)', () => {
  it("the table names torchvision's files (IMAGENET1K_V1, as torchvision's models/resnet.py)", () => {
    expect(VISION_ARCHS.resnet18.weights?.file).toBe('resnet18-f37072fd.pth');
    expect(VISION_ARCHS.resnet34.weights?.file).toBe('resnet34-b627a593.pth');
    expect(VISION_ARCHS.resnet50.weights?.file).toBe('resnet50-0676ba61.pth');
    expect(tfaiHome()).toBe(home);
    expect(modelsCacheDir()).toBe(join(home, 'models'));
  });

  it('a hash mismatch (the name says f37072fd) is a DownloadError naming URL and cache file, and leaves nothing cached', async () => {
    const n = server.requests.length;
    const e = await createVisionModel(resnet18, 10).catch((x: unknown) => x); // pretrained defaults to true
    expect(e).toBeInstanceOf(DownloadError);
    const err = e as DownloadError;
    expect(err.url).toBe(`${server.base}/models/resnet18-f37072fd.pth`);
    expect(err.cacheFile).toBe(join(home, 'models', 'resnet18-f37072fd.pth'));
    expect(err.message).toMatch(/sha256/i);
    expect(err.message).toMatch(/by hand/);
    expect(server.requests.slice(n)).toEqual(['/models/resnet18-f37072fd.pth']);
    expect((await readdir(join(home, 'models'))).filter((f) => !f.startsWith('.'))).toEqual([]);
  });

  it('downloads once into $TFAI_HOME/models, loads it, and a second call makes no request', async () => {
    const n = server.requests.length;
    const a = await createVisionModel(resnet18, 10, { pretrainedSha256: ckpt.sha256.slice(0, 8) });
    expect(same(await conv1Of(a), ckpt.conv1)).toBe(true);
    expect(server.requests.slice(n)).toEqual(['/models/resnet18-f37072fd.pth']);
    expect(await readdir(join(home, 'models'))).toEqual(['resnet18-f37072fd.pth']);
    const b = await createVisionModel(resnet18, 10, { pretrainedSha256: ckpt.sha256 });
    expect(same(await conv1Of(b), ckpt.conv1)).toBe(true);
    expect(server.requests.length).toBe(n + 1); // from the cache
    // unetLearner's model defaults to pretrained too, from the same cached file.
    const u = await createUnetModel(resnet18, 2, [64, 64], { pretrainedSha256: ckpt.sha256 });
    const usd = u.stateDict();
    const uconv = Object.keys(usd).find((k) => k.endsWith('weight') && usd[k].shape.join() === '64,3,7,7')!;
    expect(same((await usd[uconv].data()) as Float32Array, ckpt.conv1)).toBe(true);
    tf.dispose(Object.values(usd));
    expect(server.requests.length).toBe(n + 1);
    [a, b, u].forEach((m) => m.dispose());
  });

  it('a URL of a .pth with the hash prefix in its name (torch.hub convention), a local .pth and a local .safetensors', async () => {
    const url = `${server.base}/models/resnet18-${ckpt.sha256.slice(0, 8)}.pth`;
    const m1 = await createVisionModel(resnet18, 3, { pretrained: url });
    expect(same(await conv1Of(m1), ckpt.conv1)).toBe(true);
    const m2 = await createVisionModel(resnet18, 3, { pretrained: ckpt.file });
    expect(same(await conv1Of(m2), ckpt.conv1)).toBe(true);
    const st = join(home, 'resnet18.safetensors');
    const src = resnet18();
    await loadPretrained(src, ckpt.file);
    const sd = src.stateDict();
    await saveSafetensors(st, sd, { int64: Object.keys(sd).filter((k) => k.endsWith('num_batches_tracked')) });
    tf.dispose(Object.values(sd));
    const m3 = await createVisionModel(resnet18, 3, { pretrained: st });
    expect(same(await conv1Of(m3), ckpt.conv1)).toBe(true);
    [m1, m2, m3, src].forEach((m) => m.dispose());
  });

  it('errors: unreachable host, 404, missing local file, weights of another architecture', async () => {
    process.env.TFAI_TORCHVISION_URL = 'http://127.0.0.1:9/models/'; // nothing listens on port 9
    const e = await resolvePretrained(true, { arch: 'resnet34' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DownloadError);
    expect((e as DownloadError).url).toBe('http://127.0.0.1:9/models/resnet34-b627a593.pth');
    expect((e as Error).message).toMatch(/cannot reach the server.*resnet34-b627a593\.pth/);
    process.env.TFAI_TORCHVISION_URL = `${server.base}/models/`;
    await expect(createVisionModel(resnet34, 2)).rejects.toThrow(/HTTP 404/);
    await expect(resolvePretrained(true, { arch: 'vgg16' })).rejects.toThrow(PretrainedWeightsError);
    await expect(resolvePretrained(join(home, 'missing.pth'))).rejects.toThrow(/not found/);
    await expect(loadPretrained(resnet34(), ckpt.file)).rejects.toThrow(PretrainedWeightsError);
  });
});

describe(
  "pretrained from torchvision's own checkpoint files",
  needsReference('torch-pth/resnet18.pth', 'torchvision/resnet18_io.safetensors'),
  () => {
    it("createVisionModel(pretrained: resnet18.pth) reproduces torchvision's body output", async () => {
      const { tensors: io } = await loadSafetensors(referenceFile('torchvision/resnet18_io.safetensors'));
      const model = await createVisionModel(resnet18, 37, { pretrained: referenceFile('torch-pth/resnet18.pth') });
      const body = (model.get(0) as Sequential).eval();
      const err = tf.tidy(() => relError(body.call(io.input_nhwc), io.body_output_nhwc));
      expect(err).toBeLessThan(1e-4);
      model.dispose();
      tf.dispose(Object.values(io));
    });
  },
);
