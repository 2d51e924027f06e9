import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { manualSeed, mse } from '@tfai/core';
import { exportLearner, loadLearner } from '@tfai/core/io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollabDataLoaders } from '../collab/collab-dataloaders.js';
import { EmbeddingDotBias } from '../collab/embedding-dot-bias.js';
import { EmbeddingNN } from '../collab/embedding-nn.js';
import { UnknownCategoryError } from '../errors.js';
import { embSzRule } from '../model/emb-sz.js';
import { datasets } from '@tfai/datasets';
import { readCsvRows } from '../test-utils/fixtures.js';
import { mostSimilar, topBiases } from './collab-analysis.js';
import { collabLearner } from './collab-learner.js';
import { pca } from './pca.js';
import { TabularLearner } from './tabular-learner.js';

const RATINGS = `${datasets.path('insteval')}/ratings.csv`;
const opts = { userName: 'user', itemName: 'item', ratingName: 'rating', validCol: 'is_valid', bs: 512, seed: 0 };

/** MSE on the validation rows of always predicting the training mean rating. */
function globalMeanMse(dls: CollabDataLoaders): number {
  const y = dls.data.y as Float32Array;
  const [train, valid] = dls.splits;
  let m = 0;
  for (const i of train) m += y[i] / train.length;
  let s = 0;
  for (const i of valid) s += (y[i] - m) ** 2;
  return s / valid.length;
}

describe('collabLearner that fails', () => {
  it('keeps nothing it built (a callback that is not one): numTensors flat over 20 calls, both models', async () => {
    const dls = await CollabDataLoaders.fromCsv(RATINGS, opts);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      expect(() => collabLearner(dls, { useNn: i % 2 === 1, progress: false, cbs: [null as never] })).toThrow(
        TypeError,
      );
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

describe('collabLearner: the models fastai builds', () => {
  it('defaults as fastai 2.7: EmbeddingDotBias.from_classes with 50 factors, no yRange, MSELossFlat; useNn: EmbeddingNN over get_emb_sz with layers [nFactors]', async () => {
    const dls = await CollabDataLoaders.fromCsv(RATINGS, opts);
    const learn = collabLearner(dls, { progress: false });
    const m = learn.model;
    expect(m).toBeInstanceOf(EmbeddingDotBias);
    expect([m.nFactors, m.nUsers, m.nItems, m.yRange]).toEqual([
      50,
      dls.classes.user.length,
      dls.classes.item.length,
      undefined,
    ]);
    expect([m.user, m.item]).toEqual(['user', 'item']);
    expect(learn.lossFunc.spec.name).toBe('MSELossFlat');
    const nn = collabLearner(dls, { useNn: true, nFactors: 20, progress: false });
    expect(nn.model).toBeInstanceOf(EmbeddingNN);
    const nu = dls.classes.user.length;
    const ni = dls.classes.item.length;
    expect(nn.model.embSzs).toEqual([
      [nu, embSzRule(nu)],
      [ni, embSzRule(ni)],
    ]);
    expect(nn.model.config.layers).toEqual([20]);
    expect(nn.model.nCont).toBe(0);
    learn.dispose();
    nn.dispose();
  });
});

describe('collabLearner on insteval (73,421 ratings of 1,128 lecturers by 2,972 students; every 5th held out)', () => {
  let dls: CollabDataLoaders;
  let learn: TabularLearner<EmbeddingDotBias>;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tfai-collab-'));
    dls = await CollabDataLoaders.fromCsv(RATINGS, opts);
    manualSeed(0);
    learn = collabLearner(dls, { nFactors: 50, yRange: [0, 5.5], metrics: [mse()], progress: false });
    await learn.fitOneCycle(3, 5e-3, { wd: 0.1 });
  });
  afterAll(async () => {
    learn.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('validation MSE is clearly below the global mean rating’s', async () => {
    const baseline = globalMeanMse(dls);
    const { validLoss, metrics } = await learn.validate();
    console.log(`insteval valid MSE: EmbeddingDotBias ${metrics.mse.toFixed(4)}, global mean ${baseline.toFixed(4)}`);
    expect(baseline).toBeGreaterThan(1.6);
    expect(metrics.mse).toBeCloseTo(validLoss, 4);
    expect(metrics.mse).toBeLessThan(0.9 * baseline);
  });

  it('predict({user, item}) gives the predicted rating; [user, item] pairs work too; an unseen user still gets a rating', async () => {
    const rows = readCsvRows(RATINGS)
      .filter((r) => r.is_valid === 'TRUE')
      .slice(0, 4);
    const p = await learn.predict({ user: rows[0].user, item: rows[0].item });
    expect(typeof p.decoded).toBe('number');
    expect(p.row).toEqual({
      user: rows[0].user,
      item: rows[0].item,
      rating: expect.closeTo(p.decoded as number, 4) as number,
    });
    const many = await learn.predictRows(rows.map((r) => [Number(r.user), Number(r.item)]));
    expect(many[0].decoded).toBe(p.decoded);
    const b = await dls.valid.oneBatch();
    const out = learn.predictBatch(b.x).dataSync();
    many.forEach((m, k) => expect(m.decoded as number).toBeCloseTo(out[k], 5));
    tf.dispose([...b.x, b.y]);
    const stranger = await learn.predict({ user: 'nobody', item: rows[0].item });
    expect(stranger.row.user).toBe('#na#');
    expect(stranger.decoded as number).toBeGreaterThan(0);
  });

  it('bias, weight, topBiases and mostSimilar (fastai book ch. 8) agree with the embedding tables', async () => {
    const m = learn.model;
    const items = dls.classes.item;
    const ib = m.iBias.weight.variable.dataSync();
    const iw = m.iWeight.weight.variable.arraySync() as number[][];
    const names = [items[5], items[17], items[3]];
    const bias = m.bias(names);
    expect(Array.from(bias.dataSync())).toEqual([ib[5], ib[17], ib[3]]);
    const w = m.weight(names);
    expect(w.shape).toEqual([3, 50]);
    expect((w.arraySync() as number[][])[1]).toEqual(iw[17]);
    expect(Array.from(m.bias([dls.classes.user[9]], false).dataSync())).toEqual([
      m.uBias.weight.variable.dataSync()[9],
    ]);
    expect(() => m.bias(['no such lecturer'])).toThrow(UnknownCategoryError);
    tf.dispose([bias, w]);

    const top = await topBiases(m, { k: 5 });
    const byBias = items
      .map((name, i) => ({ name, score: ib[i] }))
      .filter((o) => o.name !== '#na#')
      .sort((a, b) => b.score - a.score);
    expect(top).toEqual(byBias.slice(0, 5));
    expect(await topBiases(m, { k: 3, lowest: true })).toEqual(byBias.slice(-3).reverse());

    const target = 17;
    const norm = (v: number[]) => Math.hypot(...v);
    const cos = iw.map((v) => v.reduce((s, x, k) => s + x * iw[target][k], 0) / (norm(v) * norm(iw[target])));
    const expected = items
      .map((name, i) => ({ name, score: cos[i] }))
      .filter((o, i) => i !== target && o.name !== '#na#')
      .sort((a, b) => b.score - a.score)
      .slice(0, 3);
    const similar = await mostSimilar(m, items[target], { k: 3 });
    expect(similar.map((s) => s.name)).toEqual(expected.map((s) => s.name));
    similar.forEach((s, k) => expect(s.score).toBeCloseTo(expected[k].score, 5));

    // The book's PCA of the factors of the most-rated items.
    const counts = new Map<string, number>();
    for (const r of readCsvRows(RATINGS)) if (r.is_valid === 'FALSE') counts.set(r.item, (counts.get(r.item) ?? 0) + 1);
    const most = [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 200)
      .map(([k]) => k);
    const f = m.weight(most);
    const proj = await pca(f, 3);
    expect(proj.shape).toEqual([200, 3]);
    const v = tf.tidy(() => tf.moments(proj, 0).variance.arraySync() as number[]);
    expect(v[0]).toBeGreaterThanOrEqual(v[1]);
    expect(v[1]).toBeGreaterThanOrEqual(v[2]);
    tf.dispose([f, proj]);
  });

  it('export → loadLearner → predict round-trips exactly; the loaded model still names its users and items', async () => {
    const { json } = await exportLearner(learn, join(dir, 'insteval'));
    const loaded = await loadLearner<TabularLearner<EmbeddingDotBias>>(json, TabularLearner);
    const pairs = [
      [1, 1002],
      [1, 1050],
      [5, 3],
      ['nobody', 1002],
    ];
    expect(await loaded.predictRows(pairs)).toEqual(await learn.predictRows(pairs));
    expect(loaded.model.yRange).toEqual([0, 5.5]);
    expect(await topBiases(loaded.model, { k: 3 })).toEqual(await topBiases(learn.model, { k: 3 }));
    loaded.dispose();
  });

  it('EmbeddingNN (useNn) trains below the global mean too and round-trips through export', async () => {
    manualSeed(1);
    const nn = collabLearner(dls, { useNn: true, yRange: [0, 5.5], progress: false });
    await nn.fitOneCycle(1, 5e-3, { wd: 0.1 });
    const { validLoss } = await nn.validate();
    console.log(`insteval valid MSE: EmbeddingNN (1 epoch) ${validLoss.toFixed(4)}`);
    expect(validLoss).toBeLessThan(globalMeanMse(dls));
    const { json } = await exportLearner(nn, join(dir, 'insteval-nn'));
    const loaded = await loadLearner(json, TabularLearner);
    expect(loaded.model).toBeInstanceOf(EmbeddingNN);
    const pairs = [
      [1, 1002],
      [7, 12],
    ];
    expect(await loaded.predictRows(pairs)).toEqual(await nn.predictRows(pairs));
    nn.dispose();
    loaded.dispose();
  });
});
