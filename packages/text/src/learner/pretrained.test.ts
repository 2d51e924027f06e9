import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadTorch, saveTorch } from '@tfai/core/io';
import { datasets } from '@tfai/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TORCH_FIXTURES } from '@tfai/test-utils';
import { readTextTable } from '../data/read.js';
import { TextDataLoaders } from '../data/text-dataloaders.js';
import { AWDLSTM } from '../models/awd-lstm.js';
import { cleanRawKeys, wt103Url } from './pretrained.js';
import { languageModelLearner } from './text-learner.js';

// fastai's model-zoo archive layout at small sizes (wt103-fwd/lstm_fwd.pth, legacy format, {model, opt}; and
// wt103-fwd/itos_wt103.pkl), made by real torch.save, with its answer key wt103.json; served from a local server
// under fastai's URL path.
interface Expected {
  itos: string[];
  config: { vocab_sz: number; emb_sz: number; n_hid: number; n_layers: number };
  tensors: Record<string, { shape: number[]; values: unknown }>;
}
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
let ref: Expected;
let server: Server;
let home: string;
const requests: string[] = [];
const saved = { home: process.env.TFAI_HOME, url: process.env.TFAI_FASTAI_URL };

beforeAll(async () => {
  ref = JSON.parse(await readFile(`${TORCH_FIXTURES}wt103.json`, 'utf8')) as Expected;
  home = await mkdtemp(join(tmpdir(), 'tfai-wt103-'));
  process.env.TFAI_HOME = home;
  const tgz = await readFile(`${TORCH_FIXTURES}wt103-fwd.tgz`);
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/fast-ai-modelzoo/wt103-fwd.tgz') res.writeHead(200, { 'content-length': tgz.length }).end(tgz);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.TFAI_FASTAI_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(home, { recursive: true, force: true });
  if (saved.home === undefined) delete process.env.TFAI_HOME;
  else process.env.TFAI_HOME = saved.home;
  if (saved.url === undefined) delete process.env.TFAI_FASTAI_URL;
  else process.env.TFAI_FASTAI_URL = saved.url;
});

async function austenLm() {
  const table = await readTextTable(`${datasets.path('jane_austen')}/austen.csv`);
  return TextDataLoaders.fromTable(
    { fields: table.fields, rows: table.rows.slice(0, 60) },
    { isLm: true, validPct: 0.15, bs: 8, seqLen: 16, seed: 0, cacheDir: false, progress: false },
  );
}

describe("fastai's WT103 for ULMFiT (load_pretrained: match_embeds, clean_raw_keys, ignore opt)", () => {
  it('clean_raw_keys drops the weight-dropped copies of the raw weights', () => {
    expect(
      cleanRawKeys(['0.rnns.0.weight_hh_l0_raw', '0.rnns.0.module.weight_ih_l0', '0.rnns.0.module.weight_hh_l0']),
    ).toEqual(['0.rnns.0.weight_hh_l0_raw', '0.rnns.0.module.weight_ih_l0']);
    expect(wt103Url()).toBe(`${process.env.TFAI_FASTAI_URL}/fast-ai-modelzoo/wt103-fwd.tgz`);
  });

  it('pretrained: true downloads wt103-fwd.tgz once, maps the embedding to the data vocab and loads every weight', async () => {
    const dls = await austenLm();
    const config = { embSz: ref.config.emb_sz, nHid: ref.config.n_hid, nLayers: ref.config.n_layers };
    // A language model learner leaves a fixed number of tensors behind once disposed (not ours to fix here):
    // loading pretrained weights must add none.
    let before = tf.memory().numTensors;
    languageModelLearner(dls, AWDLSTM, { config }).dispose();
    const baseline = tf.memory().numTensors - before;
    before = tf.memory().numTensors;
    const learn = await languageModelLearner(dls, AWDLSTM, {
      pretrained: true,
      config,
      progress: false,
      logger: () => undefined,
    });
    expect(requests).toEqual(['/fast-ai-modelzoo/wt103-fwd.tgz']);
    const vocab = dls.textVocab;
    const sd = learn.model.stateDict();
    // LSTM weights as saved (the raw weight_hh, not the module's dropped copy).
    for (const k of ['0.rnns.0.weight_hh_l0_raw', '0.rnns.0.module.weight_ih_l0', '0.rnns.2.module.bias_hh_l0'])
      expect(Array.from(await sd[k].data()), k).toEqual(flat(ref.tensors[k].values).map(Math.fround));
    // match_embeds: a token of both vocabs keeps its row, a new one gets the mean row; the decoder is tied.
    const oldW = flat(ref.tensors['0.encoder.weight'].values);
    const oldB = flat(ref.tensors['1.decoder.bias'].values);
    const emb = ref.config.emb_sz;
    const mean = Array.from(
      { length: emb },
      (_, j) => oldW.filter((_, i) => i % emb === j).reduce((a, b) => a + b, 0) / ref.itos.length,
    );
    const enc = (await sd['0.encoder.weight'].data()) as Float32Array;
    const dec = (await sd['1.decoder.weight'].data()) as Float32Array;
    const bias = (await sd['1.decoder.bias'].data()) as Float32Array;
    expect(enc).toEqual(dec);
    let kept = 0;
    let fresh = 0;
    vocab.forEach((w, i) => {
      const r = ref.itos.indexOf(w);
      const row = Array.from(enc.subarray(i * emb, (i + 1) * emb));
      if (r >= 0) {
        kept++;
        expect(row, w).toEqual(oldW.slice(r * emb, (r + 1) * emb).map(Math.fround));
        expect(bias[i], w).toBe(Math.fround(oldB[r]));
      } else {
        fresh++;
        row.forEach((x, j) => expect(x).toBeCloseTo(mean[j], 6));
      }
    });
    expect(kept).toBeGreaterThan(8); // xxunk, xxpad, …, 'the', ',', '.'
    expect(fresh).toBeGreaterThan(0);
    tf.dispose(Object.values(sd));
    // Frozen as fastai's load_pretrained: only the last parameter group (the decoder) trains.
    const groups = learn.splitter(learn.model);
    expect(groups[0].every((p) => !p.requiresGrad)).toBe(true);
    expect(groups.at(-1)!.every((p) => p.requiresGrad)).toBe(true);
    learn.dispose();
    expect(tf.memory().numTensors - before).toBe(baseline);

    // Second learner: from the cache (no request), via pretrainedFnames on the extracted files.
    const dir = join(home, 'models', 'wt103-fwd');
    const again = await languageModelLearner(dls, AWDLSTM, {
      pretrainedFnames: [join(dir, 'lstm_fwd.pth'), join(dir, 'itos_wt103.pkl')],
      config,
      progress: false,
    });
    const sd2 = again.model.stateDict();
    expect(Array.from(await sd2['0.encoder.weight'].data())).toEqual(Array.from(enc));
    tf.dispose(Object.values(sd2));
    again.dispose();
    const cached = await languageModelLearner(dls, AWDLSTM, { pretrained: true, config, progress: false });
    cached.dispose();
    expect(requests.length).toBe(1);
  });

  it('the same weights in the zip format (saveTorch of {model, opt}) load identically', async () => {
    const dls = await austenLm();
    const config = { embSz: 40, nHid: 64, nLayers: 3 };
    const dir = join(home, 'models', 'wt103-fwd');
    const legacy = await loadTorch(join(dir, 'lstm_fwd.pth'));
    expect(legacy.format).toBe('legacy');
    const zipFile = join(home, 'lstm_fwd_zip.pth');
    await saveTorch({ model: legacy.stateDict('model'), opt: { step: 1 } }, zipFile);
    expect((await loadTorch(zipFile)).format).toBe('zip');
    const a = await languageModelLearner(dls, AWDLSTM, {
      pretrainedFnames: [join(dir, 'lstm_fwd.pth'), join(dir, 'itos_wt103.pkl')],
      config,
    });
    const b = await languageModelLearner(dls, AWDLSTM, {
      pretrainedFnames: [zipFile, join(dir, 'itos_wt103.pkl')],
      config,
    });
    const [sa, sb] = [a.model.stateDict(), b.model.stateDict()];
    for (const k of Object.keys(sa)) expect(Array.from(await sb[k].data()), k).toEqual(Array.from(await sa[k].data()));
    tf.dispose([...Object.values(sa), ...Object.values(sb)]);
    a.dispose();
    b.dispose();
  });

  it('a model of another size, or a vocab that is not a list of str, is a typed error naming the file', async () => {
    const dls = await austenLm();
    const dir = join(home, 'models', 'wt103-fwd');
    await expect(
      languageModelLearner(dls, AWDLSTM, {
        pretrainedFnames: [join(dir, 'lstm_fwd.pth'), join(dir, 'itos_wt103.pkl')],
        config: { embSz: 40, nHid: 48, nLayers: 3 },
      }),
    ).rejects.toThrow(/lstm_fwd\.pth: does not fit this language model/);
    await expect(
      languageModelLearner(dls, AWDLSTM, {
        pretrainedFnames: [join(dir, 'lstm_fwd.pth'), join(dir, 'lstm_fwd.pth')],
        config: { embSz: 40, nHid: 64, nLayers: 3 },
      }),
    ).rejects.toThrow(/lstm_fwd\.pth: not a pickled list of str/);
  });
});
