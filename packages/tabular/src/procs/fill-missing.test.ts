import { describe, expect, it } from 'vitest';
import { DataFrame } from '../data/dataframe.js';
import { readDataFrame } from '../data/read-data-frame.js';
import { Tabular } from '../data/tabular.js';
import { datasets } from '@tfai/datasets';
import { readCsvRows } from '../test-utils/fixtures.js';
import { Categorify } from './categorify.js';
import { FillMissing } from './fill-missing.js';
import { Normalize } from './normalize.js';

/** Median computed here from the raw CSV text, independently of the code under test. */
function rawMedian(rows: Record<string, string>[], col: string, idx: number[]): number {
  const v = idx
    .map((i) => rows[i][col])
    .filter((s) => s !== '')
    .map(Number)
    .sort((a, b) => a - b);
  const h = Math.floor(v.length / 2);
  return v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

describe('FillMissing', () => {
  it('credit_data: fills with the training median and adds <col>_na only for columns with missing training values', async () => {
    const path = `${datasets.path('credit_data')}/credit_data.csv`;
    const rows = readCsvRows(path);
    const contNames = ['Seniority', 'Time', 'Age', 'Expenses', 'Income', 'Assets', 'Debt', 'Amount', 'Price'];
    const train = rows.map((_, i) => i).filter((i) => i % 5 !== 4);
    const df = await readDataFrame(path);
    const fm = new FillMissing();
    const { tabular, data } = Tabular.fit(df, Int32Array.from(train), {
      catNames: ['Home'],
      contNames,
      yNames: ['Status'],
      procs: [Categorify, fm],
    });
    const withNa = contNames.filter((c) => train.some((i) => rows[i][c] === ''));
    expect(withNa).toEqual(['Income', 'Assets', 'Debt']);
    expect(fm.naCols).toEqual(withNa);
    expect(tabular.catNames).toEqual(['Home', 'Income_na', 'Assets_na', 'Debt_na']);
    for (const c of contNames) expect(fm.fillValues[c]).toBe(rawMedian(rows, c, train));
    expect(fm.naDict).toEqual(Object.fromEntries(withNa.map((c) => [c, rawMedian(rows, c, train)])));
    // Every row (training and validation): the filled value, and the flag as a Categorify code.
    const income = data.conts[contNames.indexOf('Income')];
    const flag = data.cats[tabular.catNames.indexOf('Income_na')];
    expect(tabular.classes.Income_na).toEqual(['#na#', 'False', 'True']);
    rows.forEach((r, i) => {
      expect(income[i]).toBe(Math.fround(r.Income === '' ? fm.fillValues.Income : Number(r.Income)));
      expect(flag[i]).toBe(r.Income === '' ? 2 : 1);
    });
  });

  it('titanic: a missing age at inference gets the training median and age_na set', async () => {
    const path = `${datasets.path('titanic')}/titanic.csv`;
    const rows = readCsvRows(path);
    const train = rows.map((_, i) => i).filter((i) => i % 3 !== 0);
    const { tabular } = Tabular.fit(await readDataFrame(path), Int32Array.from(train), {
      catNames: ['pclass', 'sex'],
      contNames: ['age', 'sibsp', 'parch'],
      yNames: ['survived'],
      procs: [FillMissing, Categorify, Normalize],
    });
    const med = rawMedian(rows, 'age', train);
    const norm = tabular.procs.find((p): p is Normalize => p instanceof Normalize)!;
    const r = tabular.processRow({ pclass: '2nd', sex: 'female', age: null, sibsp: 0, parch: 1 });
    expect(tabular.catNames).toEqual(['pclass', 'sex', 'age_na']);
    expect(Array.from(r.xCat)).toEqual([2, 1, 2]);
    expect(r.xCont[0]).toBeCloseTo((med - norm.means.age) / norm.stds.age, 6);
    const known = tabular.processRow({ pclass: '2nd', sex: 'female', age: 40, sibsp: 0, parch: 1 });
    expect(known.xCat[2]).toBe(1);
    expect(known.xCont[0]).toBeCloseTo((40 - norm.means.age) / norm.stds.age, 6);
  });

  it('constant and mode strategies', () => {
    const state = {
      df: DataFrame.fromColumns({ a: [1, null, 3, 3, null] }),
      catNames: [] as string[],
      contNames: ['a'],
    };
    const c = new FillMissing({ fillStrategy: 'constant', fillVals: { a: -1 }, addCol: false });
    c.setup(state, Int32Array.from([0, 1, 2, 3, 4]));
    c.encode(state);
    expect(Array.from(state.df.numeric('a'))).toEqual([1, -1, 3, 3, -1]);
    expect(state.catNames).toEqual([]);
    const m = new FillMissing({ fillStrategy: 'mode' });
    m.setup({ ...state, df: DataFrame.fromColumns({ a: [1, null, 3, 3, null] }) }, Int32Array.from([0, 1, 2, 3, 4]));
    expect(m.fillValues.a).toBe(3);
    expect(FillMissing.fromJSON(JSON.parse(JSON.stringify(m.toJSON())) as never).toJSON()).toEqual(m.toJSON());
  });
});
