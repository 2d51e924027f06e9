import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { accuracy, manualSeed, TfaiError } from '@tfai/core';
import { ExportError, exportLearner, loadLearner } from '@tfai/core/io';
import { numParams, SigmoidRange, type LayerInfo } from '@tfai/core/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataFrame } from '../data/dataframe.js';
import { TabularDataLoaders } from '../data/tabular-dataloaders.js';
import type { TabularModel } from '../model/tabular-model.js';
import { logisticRegressionAccuracy, majorityAccuracy } from '../test-utils/baselines.js';
import { datasets } from '@tfai/datasets';
import { readCsvRows, readFixture } from '../test-utils/fixtures.js';
import { learnerBuilders } from './builders.js';
import { TabularLearner, tabularLearner } from './tabular-learner.js';

const CREDIT = `${datasets.path('credit_data')}/credit_data.csv`;
const CAT = ['Home', 'Marital', 'Records', 'Job'];
const CONT = ['Seniority', 'Time', 'Age', 'Expenses', 'Income', 'Assets', 'Debt', 'Amount', 'Price'];
const rawRow = (r: Record<string, string>) =>
  Object.fromEntries([...CAT, ...CONT].map((c) => [c, r[c] === '' || r[c] === 'NA' ? null : r[c]]));

describe('tabularLearner: the model fastai builds', () => {
  it('a table with categories of 10, 17, 8, 42, 3 values and 6 numbers gives fastai’s TabularModel (reference emb_szs_as_get_emb_sz_with_na)', () => {
    const ref = readFixture<{
      tabular: Record<string, { emb_szs: number[][]; n_params: number; layers: LayerInfo[] }>;
    }>('reference.json').tabular.emb_szs_as_get_emb_sz_with_na;
    const cards = [10, 17, 8, 42, 3];
    const n = 200;
    const cols: Record<string, (string | number)[]> = {};
    cards.forEach((c, j) => (cols[`c${j}`] = Array.from({ length: n }, (_, i) => `v${(i + j) % c}`)));
    for (let j = 0; j < 6; j++) cols[`x${j}`] = Array.from({ length: n }, (_, i) => Math.sin(i * (j + 1)));
    cols.y = Array.from({ length: n }, (_, i) => (i % 3 ? 'a' : 'b'));
    const df = DataFrame.fromColumns(cols);
    // Every value in the training split: the validation rows are taken from the end.
    const dls = TabularDataLoaders.fromDf(df, {
      yNames: ['y'],
      catNames: cards.map((_, j) => `c${j}`),
      splits: [Array.from({ length: 190 }, (_, i) => i), [190, 191, 192]],
    });
    const learn = tabularLearner(dls, { progress: false });
    const m = learn.model;
    expect(m.embSzs).toEqual(ref.emb_szs);
    expect(numParams(m)).toBe(ref.n_params);
    const layers = m
      .describe()
      .children!.find((c) => c.name === 'layers')!
      .children!.map(({ name, ...rest }) => ({ idx: Number(name), ...rest }));
    expect(layers).toEqual(ref.layers);
    expect(learn.lossFunc.spec.name).toBe('CrossEntropyLossFlat');
    expect(learn.builder).toMatchObject({ package: '@tfai/tabular', name: 'tabularLearner' });
    learn.dispose();

    // embSzs overrides the rule for a column; yRange ends the model with a SigmoidRange; regression → MSELossFlat.
    const reg = TabularDataLoaders.fromDf(
      df.with('t', { kind: 'number', values: Float64Array.from({ length: n }, (_, i) => i), integer: true }),
      {
        yNames: ['t'],
        catNames: ['c0', 'c1'],
        contNames: ['x0'],
        validPct: 0.1,
        seed: 1,
      },
    );
    const l2 = tabularLearner(reg, { progress: false, embSzs: { c1: 4 }, layers: [8], yRange: [0, 200] });
    expect(l2.model.embSzs).toEqual([
      [11, 6],
      [18, 4],
    ]);
    expect(l2.model.layers.get(-1)).toBeInstanceOf(SigmoidRange);
    expect(l2.model.config.layers).toEqual([8]);
    expect(l2.lossFunc.spec.name).toBe('MSELossFlat');
    l2.dispose();
  });
});

describe('tabularLearner on credit_data (4,454 loans, 9 numbers with missing values, 4 categories)', () => {
  let dls: TabularDataLoaders;
  let learn: TabularLearner<TabularModel>;
  let dir: string;
  const log: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tfai-tabular-learner-'));
    manualSeed(0);
    dls = await TabularDataLoaders.fromCsv(CREDIT, {
      yNames: ['Status'],
      catNames: CAT,
      contNames: CONT,
      validPct: 0.2,
      seed: 42,
      bs: 64,
    });
    learn = tabularLearner(dls, { metrics: [accuracy()], logger: (l) => log.push(l) });
    await learn.fitOneCycle(4, 1e-2);
  });
  afterAll(async () => {
    learn.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('beats the majority class and matches a logistic regression on the same features', async () => {
    const [train, valid] = dls.splits;
    const y = dls.data.y as Int32Array;
    const majority = majorityAccuracy(y, train, valid);
    const cards = dls.catNames.map((c) => dls.classes[c].length);
    const logreg = logisticRegressionAccuracy(dls.data, cards, train, valid);
    const { metrics } = await learn.validate();
    console.log(
      `credit_data valid accuracy: tabularLearner ${metrics.accuracy.toFixed(4)}, logistic regression ${logreg.toFixed(4)}, majority class ${majority.accuracy.toFixed(4)}`,
    );
    expect(dls.vocab![majority.cls]).toBe('good');
    expect(majority.accuracy).toBeGreaterThan(0.68);
    expect(metrics.accuracy).toBeGreaterThan(majority.accuracy + 0.05);
    expect(metrics.accuracy).toBeGreaterThan(logreg - 0.02);
    expect(log[0]).toMatch(/^epoch +train_loss +valid_loss +accuracy +time/);
  });

  it('predict(row) takes raw values and returns the label, probabilities and the decoded row, as get_preds on the batch', async () => {
    const rows = readCsvRows(CREDIT);
    const valid = Array.from(dls.splits[1].subarray(0, 8));
    const raw = valid.map((i) => rawRow(rows[i]));
    const n0 = tf.memory().numTensors;
    const p = await learn.predict(raw[0]);
    const many = await learn.predictRows(raw);
    expect(tf.memory().numTensors).toBe(n0);
    expect(p.probs).toHaveLength(2);
    expect(p.probs[0] + p.probs[1]).toBeCloseTo(1, 6);
    expect(p.label).toBe(dls.vocab![p.decoded as number]);
    expect(p.decoded).toBe(p.probs[1] > p.probs[0] ? 1 : 0);
    expect(p.row.Status).toBe(p.label);
    expect(p.row.Home).toBe(rows[valid[0]].Home);
    expect(p.row.Age).toBe(Number(rows[valid[0]].Age));
    // The same probabilities as the validation loader's batch through getPreds.
    const b = await dls.valid.oneBatch();
    const probs = learn.predictBatch(b.x);
    const ref = (probs.arraySync() as number[][]).slice(0, 8);
    tf.dispose([...b.x, b.y, probs]);
    many.forEach((m, k) => m.probs.forEach((v, j) => expect(v).toBeCloseTo(ref[k][j], 5)));
    expect(many[0].probs).toEqual(p.probs);
  });

  it('an unseen category predicts as #na#; a missing number is filled with the training median and flagged', async () => {
    const base = {
      Seniority: 9,
      Home: 'rent',
      Time: 60,
      Age: 30,
      Marital: 'married',
      Records: 'no',
      Job: 'freelance',
      Expenses: 73,
      Income: 129,
      Assets: 0,
      Debt: 0,
      Amount: 800,
      Price: 846,
    };
    const unseen = await learn.predict({ ...base, Home: 'castle' });
    const na = await learn.predict({ ...base, Home: null });
    expect(unseen.row.Home).toBe('#na#');
    expect(unseen.probs).toEqual(na.probs);
    const missing = await learn.predict({ ...base, Income: null });
    const fill = learn.dls.tabular.procs.find((q) => q.type === 'FillMissing')!.toJSON() as {
      fillValues: Record<string, number>;
    };
    expect(missing.row.Income_na).toBe('True');
    expect(missing.row.Income).toBeCloseTo(fill.fillValues.Income, 3);
    expect(missing.probs.every(Number.isFinite)).toBe(true);
    const known = await learn.predict({ ...base, Income: fill.fillValues.Income });
    expect(known.row.Income_na).toBe('False');
    expect(known.probs).not.toEqual(missing.probs); // the flag is an input of the model
  });

  it('showResults prints the decoded validation rows with Status and Status_pred', async () => {
    log.length = 0;
    const shown = await learn.showResults({ maxN: 5 });
    expect(shown).toHaveLength(5);
    expect(log).toHaveLength(6);
    expect(log[0].split(/ +/)).toEqual([...dls.catNames, ...dls.contNames, 'Status', 'Status_pred']);
    const rows = readCsvRows(CREDIT);
    expect(shown[0].Status).toBe(rows[dls.splits[1][0]].Status);
    expect(['good', 'bad']).toContain(shown[0].Status_pred);
    expect(log[1]).toContain(String(shown[0].Status));
  });

  it('exportLearner → loadLearner (procs from the JSON, no CSV) → predict gives identical results; damaged exports fail clearly', async () => {
    expect(Object.keys(learnerBuilders)).toEqual(['tabularLearner', 'collabLearner']);
    const { json, weights } = await exportLearner(learn, join(dir, 'credit'));
    const loaded = await loadLearner(json, TabularLearner);
    expect(loaded).toBeInstanceOf(TabularLearner);
    expect(loaded.dls.train.n).toBe(0);
    const rows = readCsvRows(CREDIT).slice(0, 20).map(rawRow);
    rows[3].Income = null;
    rows[5].Job = 'astronaut';
    const [a, b] = [await learn.predictRows(rows), await loaded.predictRows(rows)];
    expect(b).toEqual(a);
    expect(loaded.metrics.map((m) => m.name)).toEqual(['accuracy']);
    loaded.dispose();

    const text = await readFile(json, 'utf8');
    // Truncated JSON.
    await writeFile(json, text.slice(0, text.length / 2));
    await expect(loadLearner(json)).rejects.toThrow(TfaiError);
    await expect(loadLearner(json)).rejects.toThrow(/credit\.json: not valid JSON/);
    // Builder arguments damaged (the procs removed).
    const desc = JSON.parse(text) as { builder: { args: { tabular: { procs?: unknown } } } };
    delete desc.builder.args.tabular.procs;
    await writeFile(json, JSON.stringify(desc));
    await expect(loadLearner(json)).rejects.toThrow(ExportError);
    await expect(loadLearner(json)).rejects.toThrow(
      /tabularLearner export: builder\.args\.tabular .* missing or incomplete/,
    );
    // Truncated weights.
    await writeFile(json, text);
    const bytes = await readFile(weights);
    await writeFile(weights, bytes.subarray(0, bytes.length - 64));
    await expect(loadLearner(json)).rejects.toThrow(/credit\.safetensors: checksum mismatch/);
  });
});
