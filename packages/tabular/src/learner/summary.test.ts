// learn.summary() on a TabularModel: as fastai's, every embedding table is a row (the fused lookup runs the tables
// one by one while they are hooked), and the totals are the model's parameters.
import * as tf from '@tensorflow/tfjs-core';
import { numParams } from '@tfai/core/nn';
import { datasets } from '@tfai/datasets';
import { describe, expect, it } from 'vitest';
import { TabularDataLoaders } from '../data/tabular-dataloaders.js';
import { tabularLearner } from './tabular-learner.js';

describe('tabular learn.summary()', () => {
  it('lists each Embedding with its parameters; the total is numParams(model)', async () => {
    const dls = await TabularDataLoaders.fromCsv(`${datasets.path('titanic')}/titanic.csv`, {
      yNames: ['survived'],
      catNames: ['pclass', 'sex'],
      contNames: ['age', 'sibsp', 'parch'],
      seed: 0,
    });
    const learn = tabularLearner(dls, { progress: false });
    const text = await learn.summary();
    const lines = text.split('\n');
    expect(lines[0]).toBe("TabularModel (Input shape: ['64 x 3', '64 x 3'])");
    const embRows = lines.filter((l) => l.startsWith('Embedding '));
    const szs = learn.model.embeds.items().map((e) => e.weight.shape[0] * e.weight.shape[1]);
    expect(embRows.map((l) => Number(l.slice(42, 52).trim()))).toEqual(szs);
    expect(text).toContain(`Total params: ${numParams(learn.model).toLocaleString('en-US')}\n`);
    // The model's output is unchanged by the hooks' path: summary leaves no hook behind.
    expect(learn.model.embeds.items().every((e) => !e.hasForwardHooks)).toBe(true);
    // The tables run one by one while hooked: the same output as the fused lookup.
    const b = await dls.valid.oneBatch();
    learn.model.eval();
    const fused = learn.model.call(b.x[0], b.x[1]);
    const h = learn.model.embeds.get(0).registerForwardHook(() => undefined);
    const looped = learn.model.call(b.x[0], b.x[1]);
    h.remove();
    const diff = tf.tidy(() => tf.abs(tf.sub(fused, looped)).max());
    expect((await diff.data())[0]).toBeLessThan(1e-6);
    tf.dispose([fused, looped, diff, ...b.x, b.y]);
    learn.dispose();
  });
});
