import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadSafetensors } from '@tfai/core';
import type { Sequential } from '@tfai/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needsReference, referenceFile, relError } from '../../../core/src/test-utils/fixtures.js';
import { createVisionModel } from './create-vision-model.js';
import { PretrainedWeightsError } from './errors.js';
import { downloadCached, loadPretrained, resolvePretrained, tfaiHome } from './pretrained.js';
import { resnet18, resnet34 } from './resnet.js';

const TV = `${referenceFile('torchvision')}/`;
const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

// A local server for the reference torchvision checkpoints (TFAI_REFERENCE_DIR): no test touches the internet.
let server: Server;
let base: string;
let home: string;
const requests: string[] = [];
const savedEnv = { home: process.env.TFAI_HOME, url: process.env.TFAI_PRETRAINED_URL };

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'tfai-home-'));
  process.env.TFAI_HOME = home;
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const name = (req.url ?? '').split('/').pop()!.replace(/-[0-9a-f]{8,}(?=\.)/, '');
    if (!/^resnet18(_io)?\.safetensors$/.test(name)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    createReadStream(`${TV}${name}`).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(home, { recursive: true, force: true });
  if (savedEnv.home === undefined) delete process.env.TFAI_HOME;
  else process.env.TFAI_HOME = savedEnv.home;
  if (savedEnv.url === undefined) delete process.env.TFAI_PRETRAINED_URL;
  else process.env.TFAI_PRETRAINED_URL = savedEnv.url;
});

describe('pretrained weights', needsReference('torchvision/resnet18.safetensors', 'torchvision/resnet18_io.safetensors'), () => {
  it('loads a local safetensors file strictly', async () => {
    const m = await loadPretrained(resnet18(), `${TV}resnet18.safetensors`);
    const { tensors } = await loadSafetensors(`${TV}resnet18.safetensors`);
    const sd = m.stateDict();
    expect(relError(sd['layer4.1.bn2.running_var'], tensors['layer4.1.bn2.running_var'])).toBe(0);
    tf.dispose([...Object.values(sd), ...Object.values(tensors)]);
    m.dispose();
    await expect(loadPretrained(resnet34(), `${TV}resnet18.safetensors`)).rejects.toThrow(PretrainedWeightsError);
    await expect(resolvePretrained(`${TV}missing.safetensors`)).rejects.toThrow(/not found/);
  });

  it('downloads a URL once into $TFAI_HOME/models with a sha256 check, then uses the cache', async () => {
    expect(tfaiHome()).toBe(home);
    const digest = await sha256(`${TV}resnet18.safetensors`);
    const url = `${base}/weights/resnet18.safetensors`;
    const n = requests.length;
    const path = await downloadCached(url, { sha256: digest });
    expect(path).toBe(join(home, 'models', 'resnet18.safetensors'));
    expect(await sha256(path)).toBe(digest);
    expect(await downloadCached(url, { sha256: digest })).toBe(path);
    expect(requests.length - n).toBe(1);
    await rm(path);
  });

  it('checks the hash prefix in the file name (torch.hub convention) and leaves nothing behind on a mismatch', async () => {
    const good = (await sha256(`${TV}resnet18_io.safetensors`)).slice(0, 8);
    const bad = good === '00000000' ? '11111111' : '00000000';
    await expect(downloadCached(`${base}/resnet18_io-${bad}.safetensors`)).rejects.toThrow(/sha256 mismatch/);
    expect(await readdir(join(home, 'models'))).toEqual([]);
    const path = await downloadCached(`${base}/resnet18_io-${good}.safetensors`);
    expect(await readdir(join(home, 'models'))).toEqual([`resnet18_io-${good}.safetensors`]);
    await rm(path);
    await expect(downloadCached(`${base}/nothing.safetensors`)).rejects.toThrow(/HTTP 404/);
    await expect(downloadCached(`${base}/resnet18_io.safetensors`, { sha256: 'xyz' })).rejects.toThrow(PretrainedWeightsError);
  });

  it('createVisionModel(pretrained: URL | true) loads the checkpoint before cutting', async () => {
    const { tensors: io } = await loadSafetensors(`${TV}resnet18_io.safetensors`);
    const check = async (pretrained: string | boolean) => {
      const model: Sequential = await createVisionModel(resnet18, 37, { pretrained });
      const body = (model.get(0) as Sequential).eval();
      const err = tf.tidy(() => relError(body.call(io.input_nhwc), io.body_output_nhwc));
      model.dispose();
      return err;
    };
    expect(await check(`${base}/resnet18.safetensors`)).toBeLessThan(1e-4);
    process.env.TFAI_PRETRAINED_URL = `${base}/table/`; // `true` looks resnet18 up in the built-in table
    const n = requests.length;
    expect(await check(true)).toBeLessThan(1e-4); // served from the cache filled just above
    expect(requests.length).toBe(n);
    await rm(join(home, 'models'), { recursive: true });
    expect(await check(true)).toBeLessThan(1e-4);
    expect(requests.at(-1)).toBe('/table/resnet18.safetensors');
    await expect(createVisionModel(resnet34, 2, { pretrained: true })).rejects.toThrow(/HTTP 404/);
    tf.dispose(Object.values(io));
  });
});
