import * as tf from '@tensorflow/tfjs-core';
import { manualSeed, rmse, Rng } from '@tfai/core';
import { describe, expect, it } from 'vitest';
import type { DataFrame } from '../data/dataframe.js';
import { TabularDataLoaders, type TabularDataLoadersOptions } from '../data/tabular-dataloaders.js';
import { meanRmse } from '../test-utils/baselines.js';
import { datasets } from '@tfai/datasets';
import { readCsvRows } from '../test-utils/fixtures.js';
import { withLogPrice } from '../test-utils/real-data.js';
import { tabularLearner } from './tabular-learner.js';

async function fitAndScore(
  df: DataFrame,
  opts: TabularDataLoadersOptions,
  epochs: number,
  lr: number,
  yRange: [number, number],
) {
  manualSeed(0);
  const dls = TabularDataLoaders.fromDf(df, { yNames: ['log_price'], ...opts });
  const learn = tabularLearner(dls, { metrics: [rmse()], yRange, progress: false });
  await learn.fitOneCycle(epochs, lr);
  const { metrics } = await learn.validate();
  const [train, valid] = dls.splits;
  return { dls, learn, rmse: metrics._rmse, baseline: meanRmse(dls.data.y as Float32Array, train, valid) };
}

describe('tabularLearner regression on log prices (MSELossFlat, targets not normalised, as fastai)', () => {
  it('ames (2,930 houses, 53 categorical and 20 continuous columns): validation RMSE of ln(Sale_Price) far below the mean’s', async () => {
    const { df, cont, cat } = await withLogPrice(`${datasets.path('ames')}/ames.csv`, 'Sale_Price');
    expect(cat.length + cont.length).toBe(73);
    const r = await fitAndScore(
      df,
      { catNames: cat, contNames: cont, validPct: 0.2, seed: 42, bs: 64 },
      5,
      1e-2,
      [9, 14],
    );
    console.log(`ames RMSE of ln(price): tabularLearner ${r.rmse.toFixed(4)}, training mean ${r.baseline.toFixed(4)}`);
    expect(r.baseline).toBeGreaterThan(0.35);
    expect(r.rmse).toBeLessThan(0.25);
    expect(r.rmse).toBeLessThan(r.baseline / 2);

    // predict(row) gives ln(price) itself (no target normalisation to undo), equal to the model's output.
    const rows = readCsvRows(`${datasets.path('ames')}/ames.csv`);
    const i = r.dls.splits[1][0];
    const raw = Object.fromEntries([...cat, ...cont].map((c) => [c, rows[i][c]]));
    const p = await r.learn.predict(raw);
    expect(typeof p.decoded).toBe('number');
    expect(p.probs).toEqual([p.decoded]);
    expect(p.row.log_price).toBeCloseTo(p.decoded as number, 4);
    const b = await r.dls.valid.oneBatch();
    const out = r.learn.predictBatch(b.x);
    expect(p.decoded as number).toBeCloseTo(out.dataSync()[0], 4);
    expect(Math.abs((p.decoded as number) - Math.log(Number(rows[i].Sale_Price)))).toBeLessThan(0.5);
    tf.dispose([...b.x, b.y, out]);
    r.learn.dispose();
  });

  it('diamonds (a random 10,000 of 53,940; the bench trains on all): validation RMSE of ln(price) far below the mean’s', async () => {
    const { df, cont, cat } = await withLogPrice(`${datasets.path('diamonds')}/diamonds.csv`, 'price');
    expect(cat).toEqual(['cut', 'color', 'clarity']);
    const perm = new Rng(7).permutation(df.nRows);
    const splits: [Int32Array, Int32Array] = [perm.slice(0, 8000), perm.slice(8000, 10000)];
    const r = await fitAndScore(df, { catNames: cat, contNames: cont, splits, bs: 256, seed: 1 }, 4, 1e-2, [5, 11]);
    console.log(
      `diamonds (10k subset) RMSE of ln(price): tabularLearner ${r.rmse.toFixed(4)}, training mean ${r.baseline.toFixed(4)}`,
    );
    expect(r.baseline).toBeGreaterThan(0.9);
    expect(r.rmse).toBeLessThan(0.25);
    r.learn.dispose();
  });
});
