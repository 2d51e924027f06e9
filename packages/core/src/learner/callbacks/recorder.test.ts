// The Recorder on a real fit (credit_data): raw losses per batch, fastai's debiased smoothing (β = 0.98), the epoch
// table's rows, and a validation loss weighted by batch size (the same as validate()'s on the same weights).
import { beforeAll, describe, expect, it } from 'vitest';
import { Sequential } from '../../nn/layers/container.js';
import { Linear } from '../../nn/layers/linear.js';
import { ReLU } from '../../nn/layers/activation.js';
import { manualSeed } from '../../nn/random.js';
import { creditDls, loadCredit, type CreditData } from '../../test-utils/credit.js';
import { Learner } from '../learner.js';
import { accuracy } from '../metrics/index.js';

let data: CreditData;
beforeAll(() => {
  data = loadCredit();
});

describe('Recorder', () => {
  it('records losses, smooths them as fastai, and writes one row per epoch', async () => {
    manualSeed(0);
    const dls = creditDls({ ...data, train: data.train.slice(0, 640), valid: data.valid.slice(0, 300) }, 64);
    const learn = new Learner(dls, new Sequential(new Linear(data.nFeatures, 16), new ReLU(true), new Linear(16, 2)), {
      metrics: [accuracy()],
      progress: false,
    });
    await learn.fit(2, 1e-2);
    const r = learn.recorder;
    const nb = dls.train.length;
    expect(r.losses).toHaveLength(2 * nb);
    expect(r.lrs).toEqual(new Array(2 * nb).fill(1e-2));
    expect(r.iters).toEqual([nb - 1, 2 * nb - 1]);
    // fastai's AvgSmoothLoss: avg = β·avg + (1 − β)·loss, shown as avg / (1 − β^count).
    let avg = 0;
    r.losses.forEach((l, i) => {
      avg = 0.98 * avg + 0.02 * l;
      expect(r.smoothLosses[i]).toBeCloseTo(avg / (1 - 0.98 ** (i + 1)), 6);
    });
    expect(r.metricNames).toEqual(['epoch', 'train_loss', 'valid_loss', 'accuracy', 'time']);
    expect(r.values).toHaveLength(2);
    expect(r.values[0][0]).toBeCloseTo(r.smoothLosses[nb - 1], 6);
    expect(r.values[1][0]).toBeCloseTo(r.smoothLosses[2 * nb - 1], 6);
    expect(r.values[1][0]).toBeLessThan(r.values[0][0] + 0.05);
    expect(r.times).toHaveLength(2);
    const last = r.values[1];
    const { validLoss, metrics } = await learn.validate();
    expect(validLoss).toBeCloseTo(last[1], 5);
    expect(metrics.accuracy).toBeCloseTo(last[2], 6);
    learn.dispose();
  });
});
