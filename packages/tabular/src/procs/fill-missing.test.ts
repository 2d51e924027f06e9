import { describe, expect, it } from 'vitest';
import { DataFrame } from '../data/dataframe.js';
import { readDataFrame } from '../data/read-data-frame.js';
import { Tabular } from '../data/tabular.js';
import { TabularDataLoaders } from '../data/tabular-dataloaders.js';
import { MissingColumnError, TabularOptionsError } from '../errors.js';
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

describe("FillMissing's `_na` columns listed in catNames (a fastai recipe, as learn.dls.cat_names prints them)", () => {
  const path = `${datasets.path('credit_data')}/credit_data.csv`;
  const contNames = ['Seniority', 'Time', 'Age', 'Expenses', 'Income', 'Assets', 'Debt', 'Amount', 'Price'];
  const opts = { yNames: ['Status'], contNames, validCol: undefined, seed: 0, bs: 64 };

  it('are accepted (FillMissing makes them before they are read): same columns, vocabs and codes as without listing them', async () => {
    const plain = await TabularDataLoaders.fromCsv(path, { ...opts, catNames: ['Home'] });
    expect(plain.catNames).toEqual(['Home', 'Income_na', 'Assets_na', 'Debt_na']);
    // fastai keeps cat_names in the order given; FillMissing appends only the flags not listed.
    const listed = await TabularDataLoaders.fromCsv(path, { ...opts, catNames: ['Home', 'Debt_na', 'Income_na'] });
    expect(listed.catNames).toEqual(['Home', 'Debt_na', 'Income_na', 'Assets_na']);
    for (const n of plain.catNames) expect(listed.classes[n]).toEqual(plain.classes[n]);
    const col = (d: TabularDataLoaders, n: string) => d.data.cats[d.catNames.indexOf(n)];
    for (const n of plain.catNames) expect(Array.from(col(listed, n))).toEqual(Array.from(col(plain, n)));
    // A row to predict needs the raw columns only, not the flags.
    expect(listed.tabular.rawCatNames).toEqual(['Home']);
    const row = {
      Home: 'rent',
      Seniority: 1,
      Time: 36,
      Age: 30,
      Expenses: 60,
      Income: null,
      Assets: 0,
      Debt: 0,
      Amount: 800,
      Price: 1000,
    };
    const enc = listed.tabular.processRow(row);
    expect(enc.xCat[listed.catNames.indexOf('Income_na')]).toBe(2); // 'True'
    expect(enc.xCat[listed.catNames.indexOf('Debt_na')]).toBe(1); // 'False'
  });

  it('a flag FillMissing does not make (no missing training value, or no FillMissing) is refused by name', async () => {
    await expect(TabularDataLoaders.fromCsv(path, { ...opts, catNames: ['Home', 'Age_na'] })).rejects.toThrow(
      /catNames lists "Age_na".*"Age" has no missing value in the training rows.*"Income_na", "Assets_na", "Debt_na"/,
    );
    await expect(TabularDataLoaders.fromCsv(path, { ...opts, catNames: ['Home', 'Age_na'] })).rejects.toBeInstanceOf(
      TabularOptionsError,
    );
    await expect(
      TabularDataLoaders.fromCsv(path, { ...opts, catNames: ['Home', 'Income_na'], procs: [Categorify, Normalize] }),
    ).rejects.toBeInstanceOf(MissingColumnError);
  });
});
