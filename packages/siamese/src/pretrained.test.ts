import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { resnet18 } from '@tfai/vision/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resnet18Checkpoint, serveFiles, type FileServer } from '@tfai/test-utils/pretrained';
import { createSiameseModel } from './model.js';

// The encoder defaults to torchvision's pretrained weights (fastai's `pretrained=True`), from a local server.
let server: FileServer;
let home: string;
let ckpt: { file: string; sha256: string; conv1: Float32Array };
const saved = { home: process.env.TFAI_HOME, tv: process.env.TFAI_TORCHVISION_URL };

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'tfai-siamese-home-'));
  process.env.TFAI_HOME = home;
  ckpt = await resnet18Checkpoint(home, resnet18);
  server = await serveFiles({ '/models/resnet18-f37072fd.pth': ckpt.file });
  process.env.TFAI_TORCHVISION_URL = `${server.base}/models/`;
});
afterAll(async () => {
  await server.close();
  await rm(home, { recursive: true, force: true });
  if (saved.home === undefined) delete process.env.TFAI_HOME;
  else process.env.TFAI_HOME = saved.home;
  if (saved.tv === undefined) delete process.env.TFAI_TORCHVISION_URL;
  else process.env.TFAI_TORCHVISION_URL = saved.tv;
});

describe('createSiameseModel: pretrained by default', () => {
  it("downloads torchvision's resnet18 file once (hash checked) and the encoder holds its weights", async () => {
    await expect(createSiameseModel(resnet18)).rejects.toThrow(/sha256/i); // the served file is not torchvision's f37072fd…
    const model = await createSiameseModel(resnet18, { pretrainedSha256: ckpt.sha256 });
    const sd = model.stateDict();
    const w = (await sd['encoder.0.weight'].data()) as Float32Array;
    expect(w.length).toBe(ckpt.conv1.length);
    expect(w.every((x, i) => x === ckpt.conv1[i])).toBe(true);
    tf.dispose(Object.values(sd));
    model.dispose();
    expect(server.requests).toEqual(['/models/resnet18-f37072fd.pth', '/models/resnet18-f37072fd.pth']);
  });
});
