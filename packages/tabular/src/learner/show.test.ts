// showBatch / showResults / plotTopLosses for tables (issue 30, part 5), on titanic.csv read by core's readCsv:
// the decoded rows carry the CSV's own values (category names, continuous values de-normalised back to the
// file's numbers, the target's name), and the top losses are sorted and equal to the losses recomputed per item.
import * as tf from '@tensorflow/tfjs-core';
import { Interpretation, manualSeed, tableRecords } from '@tfai/core';
import { readCsv } from '@tfai/core/io';
import { datasets } from '@tfai/datasets';
import { describe, expect, it } from 'vitest';
import { TabularDataLoaders } from '../data/tabular-dataloaders.js';
import type { TabularDataset } from '../data/tabular-dataset.js';
import { tabularLearner } from './tabular-learner.js';

const TITANIC = `${datasets.path('titanic')}/titanic.csv`;
const CAT = ['pclass', 'sex'];
const CONT = ['age', 'sibsp', 'parch'];

async function setup() {
  manualSeed(0);
  const csv = await readCsv(TITANIC);
  const raw = tableRecords(csv);
  const dls = TabularDataLoaders.fromDf(csv, { catNames: CAT, contNames: CONT, yNames: ['survived'], bs: 64, seed: 1 });
  return { raw, dls };
}

describe('tabular show methods', () => {
  it('showBatch prints and returns the decoded rows: the CSV’s categories, numbers and target', async () => {
    const { raw, dls } = await setup();
    const lines: string[] = [];
    const rows = await dls.showBatch({ dl: dls.valid, maxN: 8, logger: (l) => lines.push(l) });
    expect(rows).toHaveLength(8);
    expect(lines[0].split(/\s+/)).toEqual(['pclass', 'sex', 'age_na', 'age', 'sibsp', 'parch', 'survived']);
    expect(lines).toHaveLength(9);
    const ds = dls.valid.dataset as TabularDataset;
    rows.forEach((r, i) => {
      const src = raw[ds.get(i)];
      expect(r.pclass).toBe(src.pclass);
      expect(r.sex).toBe(src.sex);
      expect(r.survived).toBe(src.survived);
      // De-normalised continuous values are the file's numbers (a missing age shows the training median).
      expect(r.sibsp).toBe(Number(src.sibsp));
      expect(r.parch).toBe(Number(src.parch));
      const missing = src.age === '' || src.age === 'NA';
      if (!missing) expect(r.age).toBe(Number(src.age));
      expect(r.age_na).toBe(missing ? 'True' : 'False');
    });
  });

  it('showResults puts the prediction beside the target; plotTopLosses sorts the losses and recomputes them', async () => {
    const { raw, dls } = await setup();
    const learn = tabularLearner(dls, { progress: false, logger: () => undefined });
    await learn.fit(2, 1e-2);
    const lines: string[] = [];
    learn.logger = (l) => lines.push(l);
    const res = await learn.showResults({ maxN: 5 });
    expect(lines[0].trim().split(/\s+/).slice(-2)).toEqual(['survived', 'survived_pred']);
    res.forEach((r) => expect(['died', 'survived']).toContain(r.survived_pred));

    const before = tf.memory().numTensors;
    const interp = await Interpretation.fromLearner(learn);
    expect(tf.memory().numTensors).toBe(before);
    const ds = dls.valid.dataset as TabularDataset;
    const n = ds.length;
    expect(interp.losses).toHaveLength(n);
    // Each item's loss is cross-entropy of its own prediction: -log p[target].
    interp.losses.forEach((l, i) => expect(l).toBeCloseTo(-Math.log(interp.preds[i][interp.targs[i][0]]), 4));
    // ... and the model's output for the item alone gives the same probabilities.
    const one = await dls.valid.makeBatch([7]);
    const p = learn.predictBatch(one.x);
    const probs = Array.from(await p.data());
    tf.dispose([p, ...one.x, one.y]);
    probs.forEach((v, j) => expect(v).toBeCloseTo(interp.preds[7][j], 5));

    const out: string[] = [];
    const top = await interp.plotTopLosses(6, { logger: (l) => out.push(l) });
    const { losses, idx } = interp.topLosses(6);
    for (let j = 1; j < losses.length; j++) expect(losses[j]).toBeLessThanOrEqual(losses[j - 1]);
    expect(Math.max(...interp.losses)).toBe(losses[0]);
    expect(out[0].trim().split(/\s+/)).toEqual([
      ...CAT,
      'age_na',
      ...CONT,
      'target',
      'predicted',
      'probability',
      'loss',
    ]);
    top.forEach((r, j) => {
      const src = raw[ds.get(idx[j])];
      expect(r.target).toBe(src.survived);
      expect(r.sex).toBe(src.sex);
      expect(r.loss).toBeCloseTo(losses[j], 4);
      expect(r.probability).toBeCloseTo(Math.max(...interp.preds[idx[j]]), 4);
    });
    // The largest losses are mistakes here: the predicted class is not the target.
    expect(top[0].predicted).not.toBe(top[0].target);
    learn.dispose();
  }, 60_000);

  it('plotTopLosses of a regression: predicted values beside the targets, no probability; losses are squared errors', async () => {
    manualSeed(0);
    const csv = await readCsv(TITANIC);
    const raw = tableRecords(csv);
    const dls = TabularDataLoaders.fromDf(csv, {
      catNames: ['pclass', 'sex'],
      contNames: ['parch'],
      yNames: ['sibsp'],
      yBlock: 'regression',
      bs: 64,
      seed: 1,
    });
    const learn = tabularLearner(dls, { progress: false, logger: () => undefined });
    await learn.fit(1, 1e-2);
    const interp = await Interpretation.fromLearner(learn);
    const ds = dls.valid.dataset as TabularDataset;
    interp.losses.forEach((l, i) => {
      expect(interp.targs[i][0]).toBe(Number(raw[ds.get(i)].sibsp));
      expect(l).toBeCloseTo((interp.preds[i][0] - interp.targs[i][0]) ** 2, 4);
    });
    const out: string[] = [];
    const top = await interp.plotTopLosses(3, { logger: (l) => out.push(l) });
    expect(out[0].trim().split(/\s+/)).toEqual(['pclass', 'sex', 'parch', 'target', 'predicted', 'loss']);
    const { idx } = interp.topLosses(3);
    top.forEach((r, j) => {
      expect(r.target).toBe(Number(raw[ds.get(idx[j])].sibsp));
      expect(r.predicted).toBeCloseTo(interp.preds[idx[j]][0], 4);
    });
    learn.dispose();
  }, 60_000);
});
