// TrackerCallback's direction (Keras's early_stopping_test.py is the model): explicit comp or mode, else the
// monitored metric's declared direction, else fastai's guess from the name; minDelta as fastai's.
import { describe, expect, it } from 'vitest';
import type { Learner } from '../learner.js';
import {
  accuracy,
  errorRate,
  f1Score,
  mae,
  METRICS,
  mse,
  perplexity,
  r2Score,
  rmse,
  rocAucBinary,
  topKAccuracy,
  type Metric,
} from '../metrics/index.js';
import { CancelFitException } from '../callback.js';
import { EarlyStoppingCallback, TrackerCallback } from './tracker.js';

class Probe extends TrackerCallback {}

/** Runs a tracker over a column of per-epoch values; returns the best after each epoch (and where it stopped). */
function track(
  cb: TrackerCallback,
  metrics: Metric[],
  monitor: string,
  vals: number[],
): { bests: number[]; stoppedAt?: number } {
  const names = ['epoch', 'train_loss', 'valid_loss', ...metrics.map((m) => m.name), 'time'];
  const values: number[][] = [];
  const fake = { metrics, recorder: { metricNames: names, values }, epoch: 0, logger: () => undefined };
  cb.learn = fake as unknown as Learner;
  cb.beforeFit();
  const bests: number[] = [];
  for (let e = 0; e < vals.length; e++) {
    fake.epoch = e;
    const row = names.slice(1, -1).map((n) => (n === monitor ? vals[e] : 0));
    values.push(row);
    try {
      void cb.afterEpoch();
    } catch (err) {
      if (err instanceof CancelFitException) return { bests, stoppedAt: e };
      throw err;
    }
    bests.push(cb.best);
  }
  return { bests };
}

describe('metric directions', () => {
  it('errors and perplexity are min, scores max; every exported metric declares one', () => {
    for (const m of [mae(), mse(), rmse(), errorRate(), perplexity()])
      expect([m.name, m.direction]).toEqual([m.name, 'min']);
    for (const m of [accuracy(), topKAccuracy(), r2Score(), f1Score(), rocAucBinary()])
      expect([m.name, m.direction]).toEqual([m.name, 'max']);
    for (const [name, f] of Object.entries(METRICS)) expect(['min', 'max'], name).toContain(f().direction);
  });
});

describe('TrackerCallback', () => {
  const falling = [0.5, 0.4, 0.3, 0.35, 0.2];
  it('reads the monitored metric’s direction: mae and _rmse are min (the name guess said max)', () => {
    for (const m of [mae(), rmse(), perplexity()]) {
      const cb = new Probe({ monitor: m.name });
      expect(track(cb, [m], m.name, falling).bests).toEqual([0.5, 0.4, 0.3, 0.3, 0.2]);
      expect(cb.mode).toBe('min');
    }
    const acc = new Probe({ monitor: 'accuracy' });
    expect(track(acc, [accuracy()], 'accuracy', falling).bests).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
  });

  it('an explicit mode or comp decides over the metric; minDelta needs that much improvement', () => {
    const byMode = new Probe({ monitor: 'mae', mode: 'max' });
    expect(track(byMode, [mae()], 'mae', falling).bests).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
    const byComp = new Probe({ monitor: 'accuracy', comp: (a, b) => a < b });
    expect(track(byComp, [accuracy()], 'accuracy', falling).bests).toEqual([0.5, 0.4, 0.3, 0.3, 0.2]);
    expect(byComp.mode).toBe('min');
    const delta = new Probe({ monitor: 'mae', minDelta: 0.15 });
    expect(track(delta, [mae()], 'mae', falling).bests).toEqual([0.5, 0.5, 0.3, 0.3, 0.3]);
    // Losses are min, and an unknown column falls back to fastai's guess.
    expect(track(new Probe(), [], 'valid_loss', falling).bests).toEqual([0.5, 0.4, 0.3, 0.3, 0.2]);
    const custom: Metric = {
      name: 'my_error',
      reset: () => undefined,
      accumulate: () => undefined,
      value: async () => 0,
    };
    expect(track(new Probe({ monitor: 'my_error' }), [custom], 'my_error', falling).bests).toEqual([
      0.5, 0.5, 0.5, 0.5, 0.5,
    ]); // no direction: max
  });

  it('EarlyStopping stops after `patience` epochs without improvement', () => {
    expect(track(new EarlyStoppingCallback({ monitor: 'mae', patience: 1 }), [mae()], 'mae', falling).stoppedAt).toBe(
      3,
    );
    expect(
      track(new EarlyStoppingCallback({ monitor: 'mae', patience: 2 }), [mae()], 'mae', falling).stoppedAt,
    ).toBeUndefined();
    expect(
      track(new EarlyStoppingCallback({ monitor: 'mae', patience: 2 }), [mae()], 'mae', [0.5, 0.6, 0.7, 0.1]).stoppedAt,
    ).toBe(2);
  });
});
