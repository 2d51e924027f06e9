// Tabular: titanic from its CSV through procs and TabularModel; learns survival well above the majority class;
// exported and reloaded with loadLearner, predicting raw rows without the CSV.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accuracy, manualSeed } from '@tfai/core';
import { exportLearner, loadLearner, registerLearnerBuilder } from '@tfai/core/io';
import { TabularDataLoaders, TabularLearner, tabularLearner, learnerBuilders } from '@tfai/tabular';
import { afterAll, describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';

// loadLearner finds a builder by package name (the pack-install test checks that on the built packages); here
// the sources' builders are registered so that nothing is read from dist/.
for (const [name, b] of Object.entries(learnerBuilders)) registerLearnerBuilder(name, b);
const dir = mkdtempSync(join(tmpdir(), 'tfai-int-tabular-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tabular flow', () => {
  it('titanic: beats the majority class; the export predicts raw rows as the trained learner', async () => {
    manualSeed(0);
    const dls = await TabularDataLoaders.fromCsv(join(datasets.path('titanic'), 'titanic.csv'), {
      yNames: ['survived'],
      catNames: ['pclass', 'sex'],
      contNames: ['age', 'sibsp', 'parch'],
      validPct: 0.2,
      seed: 42,
      bs: 64,
    });
    const learn = tabularLearner(dls, { metrics: [accuracy()], progress: false });
    await learn.fitOneCycle(4, 1e-2);
    const { metrics } = await learn.validate();
    console.log(`tabular flow: accuracy ${metrics.accuracy}`);
    expect(metrics.accuracy).toBeGreaterThan(0.72); // majority class ≈ 0.62

    const rows = [
      { pclass: '1st', sex: 'female', age: 30, sibsp: 0, parch: 0 },
      { pclass: '3rd', sex: 'male', age: null, sibsp: 0, parch: 0 },
    ];
    const before = await learn.predictRows(rows);
    expect(before.map((p) => p.label)).toEqual(['survived', 'died']);
    const { json } = await exportLearner(learn, join(dir, 'titanic'));
    const again = await loadLearner(json, TabularLearner);
    const after = await again.predictRows(rows);
    for (let i = 0; i < rows.length; i++) {
      expect(after[i].label).toBe(before[i].label);
      expect(after[i].probs[1]).toBeCloseTo(before[i].probs[1], 5);
    }
  });
});
