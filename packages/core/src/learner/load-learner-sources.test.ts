// loadLearner's one signature: a path, a URL (fetched, in Node as in a page) or the export in memory; the same
// checks and typed errors for each (truncated weights, a JSON that does not match them, weights outside the folder).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataLoader, DataLoaders } from '../data/dataloader.js';
import { ExportError } from '../errors.js';
import { Sequential } from '../nn/layers/container.js';
import { Linear } from '../nn/layers/linear.js';
import { ReLU } from '../nn/layers/activation.js';
import { manualSeed } from '../nn/random.js';
import { sha256 } from '../platform/sha256.js';
import { exportLearner, exportLearnerBytes, loadLearner, registerLearnerBuilder } from './export.js';
import { Learner } from './learner.js';

const empty = () => new DataLoader({ length: 0, get: () => 0 }, { collate: () => ({ x: [], y: tf.zeros([0]) }) });
const makeLearner = () =>
  new Learner(
    new DataLoaders(empty(), empty(), { vocab: ['no', 'yes'] }),
    new Sequential(new Linear(5, 12), new ReLU(), new Linear(12, 2)),
    { progress: false, builder: { name: 'sources-test-mlp', args: {} } },
  );
registerLearnerBuilder('sources-test-mlp', () => makeLearner());
// Another architecture under another name: its JSON does not match the first one's weights.
registerLearnerBuilder(
  'sources-test-wide',
  () =>
    new Learner(new DataLoaders(empty(), empty()), new Sequential(new Linear(5, 20), new Linear(20, 2)), {
      progress: false,
      builder: { name: 'sources-test-wide', args: {} },
    }),
);

let dir: string;
let server: Server;
let base: string;
let learn: Learner;
const X = tf.tensor2d([
  [0.1, -2, 3, 0.5, 1],
  [1, 1, -1, 0, 2],
]);

/** Outputs of a learner on X, as numbers. */
const outputs = async (l: Learner) => {
  const y = l.predictBatch([X]);
  try {
    return Array.from(await y.data());
  } finally {
    y.dispose();
  }
};

beforeAll(async () => {
  manualSeed(3);
  learn = makeLearner();
  dir = await mkdtemp(join(tmpdir(), 'tfai-sources-'));
  await exportLearner(learn, join(dir, 'site', 'models', 'm'));
  // A static server over dir (as a page's origin), plus a route that cuts the weights short.
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    readFile(join(dir, path)).then(
      (b) => {
        const body = path.endsWith('.safetensors') && req.headers['x-truncate'] ? b.subarray(0, 100) : b;
        res.writeHead(200).end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
  learn.dispose();
  X.dispose();
});

describe('loadLearner(source): path, URL or bytes', () => {
  it('the three sources rebuild the same model (same outputs as the original)', async () => {
    const want = await outputs(learn);
    const fromPath = await loadLearner(join(dir, 'site/models/m.json'));
    const fromUrl = await loadLearner(`${base}/site/models/m.json`);
    const fromUrlObject = await loadLearner(new URL(`${base}/site/models/m.json`));
    const bytes = await exportLearnerBytes(learn, 'm.safetensors');
    const fromBytes = await loadLearner(bytes);
    const fromText = await loadLearner({ json: JSON.stringify(bytes.json), weights: bytes.weights });
    for (const l of [fromPath, fromUrl, fromUrlObject, fromBytes, fromText]) {
      expect(await outputs(l)).toEqual(want);
      l.dispose();
    }
  });

  it('the plain-JS SHA-256 (a page has no node:crypto) matches the export checksum', async () => {
    const { json, weights } = await exportLearnerBytes(learn);
    expect(sha256(weights)).toBe(json.weights.sha256);
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    // Lengths around the padding boundary (55, 56, 64 bytes).
    const { createHash } = await import('node:crypto');
    for (const n of [55, 56, 63, 64, 65, 1000]) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 31) % 256);
      expect(sha256(b)).toBe(createHash('sha256').update(b).digest('hex'));
    }
  });

  it('truncated weights and a JSON of another export are ExportErrors naming the source', async () => {
    const { json, weights } = await exportLearnerBytes(learn);
    await expect(
      loadLearner({ json, weights: weights.subarray(0, weights.length - 10), name: 'page.json' }),
    ).rejects.toThrow(ExportError);
    await expect(loadLearner({ json, weights: weights.subarray(0, 50) })).rejects.toThrow(/checksum mismatch/);
    const other = { ...json, builder: { name: 'sources-test-wide', args: {} } };
    await expect(loadLearner({ json: other, weights, name: 'other.json' })).rejects.toThrow(
      /the weights do not fit the learner other\.json describes/,
    );
    await expect(loadLearner({ json: '{ nope', weights })).rejects.toThrow(/not valid JSON/);
    await expect(loadLearner({ json: { format: 'other' }, weights })).rejects.toThrow(/not a tfai learner export/);
  });

  it('over HTTP: a missing file, truncated weights and weights outside the folder are ExportErrors', async () => {
    await expect(loadLearner(`${base}/site/models/absent.json`)).rejects.toThrow(/HTTP 404/);
    const { json, weights } = await exportLearnerBytes(learn);
    // Served, but its weights file is named outside the JSON's folder, or on another origin.
    const { writeFile, mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'site/evil'), { recursive: true });
    await writeFile(join(dir, 'site/m.safetensors'), weights);
    for (const file of [
      '../m.safetensors',
      '/site/m.safetensors',
      'http://example.com/m.safetensors',
      '..%2Fm.safetensors',
    ]) {
      await writeFile(join(dir, 'site/evil/e.json'), JSON.stringify({ ...json, weights: { ...json.weights, file } }));
      await expect(loadLearner(`${base}/site/evil/e.json`)).rejects.toThrow(ExportError);
    }
    // The weights cut short on the way: a checksum mismatch, not a hang or a half-built model.
    await writeFile(
      join(dir, 'site/evil/t.json'),
      JSON.stringify({ ...json, weights: { ...json.weights, file: 'w.safetensors' } }),
    );
    await writeFile(join(dir, 'site/evil/w.safetensors'), weights.subarray(0, weights.length - 7));
    await expect(loadLearner(`${base}/site/evil/t.json`)).rejects.toThrow(/checksum mismatch/);
  });

  it('leaves no tensor behind across loads and failures', async () => {
    const { json, weights } = await exportLearnerBytes(learn);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      (await loadLearner({ json, weights })).dispose();
      await loadLearner({ json, weights: weights.subarray(0, 80) }).catch(() => undefined);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
