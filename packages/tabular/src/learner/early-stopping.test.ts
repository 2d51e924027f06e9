// EarlyStoppingCallback({ monitor: 'mae' }) on a real regression run: MAE declares direction 'min', so training stops
// on the first epoch whose MAE did not fall below the best so far (fastai's name guess would have called 'mae'
// "higher is better" and stopped on the first epoch that improved).
import { EarlyStoppingCallback, mae, manualSeed } from '@tfai/core';
import { datasets } from '@tfai/datasets';
import { describe, expect, it } from 'vitest';
import { logPriceDls, withLogPrice } from '../test-utils/real-data.js';
import { tabularLearner } from './tabular-learner.js';

describe('EarlyStoppingCallback on MAE (ames, ln(Sale_Price))', () => {
  it('stops on the epoch where the validation MAE stopped falling', async () => {
    const logPrice = await withLogPrice(`${datasets.path('ames')}/ames.csv`, 'Sale_Price');
    manualSeed(0);
    const dls = logPriceDls(logPrice, 64);
    const lines: string[] = [];
    const learn = tabularLearner(dls, {
      metrics: [mae()],
      yRange: [9, 14],
      progress: false,
      logger: (l) => lines.push(l),
    });
    const es = new EarlyStoppingCallback({ monitor: 'mae', patience: 1 });
    const nEpoch = 25;
    await learn.fit(nEpoch, 3e-3, { cbs: [es] });
    expect(es.mode).toBe('min');
    const col = learn.recorder.metricNames.indexOf('mae') - 1;
    const maes = learn.recorder.values.map((v) => v[col]);
    const ran = maes.length;
    console.log(`ames MAE per epoch: ${maes.map((m) => m.toFixed(4)).join(' ')}`);
    // It stopped early, on the first epoch not below the best before it, and every earlier epoch improved.
    expect(ran).toBeLessThan(nEpoch);
    expect(ran).toBeGreaterThanOrEqual(3); // MAE fell at least once before: 'max' would have stopped at epoch 1
    for (let e = 1; e < ran - 1; e++) expect(maes[e]).toBeLessThan(Math.min(...maes.slice(0, e)));
    expect(maes[ran - 1]).toBeGreaterThanOrEqual(Math.min(...maes.slice(0, ran - 1)));
    expect(es.best).toBe(Math.min(...maes));
    expect(lines.some((l) => l === `No improvement since epoch ${ran - 2}: early stopping`)).toBe(true);
    learn.dispose();
  }, 120_000);
});
