import { describe, expect, it } from 'vitest';
import { readDataFrame } from '../data/read-data-frame.js';
import { Tabular } from '../data/tabular.js';
import { datasets } from '@tfai/datasets';
import { readCsvRows } from '../test-utils/fixtures.js';
import { Categorify, sortLevels } from './categorify.js';

describe('Categorify', () => {
  it('credit_data: vocab is #na# then the sorted training values; missing and unseen values map to 0', async () => {
    const path = `${datasets.path('credit_data')}/credit_data.csv`;
    const rows = readCsvRows(path);
    // Every "ignore" home goes to validation, so it is unseen in training.
    const isValid = rows.map((r, i) => r.Home === 'ignore' || i % 5 === 4);
    const train = rows.map((_, i) => i).filter((i) => !isValid[i]);
    const cat = new Categorify();
    const { tabular, data } = Tabular.fit(await readDataFrame(path), Int32Array.from(train), {
      catNames: ['Home', 'Marital', 'Job'],
      yNames: ['Status'],
      procs: [cat],
    });
    for (const c of ['Home', 'Marital', 'Job']) {
      const expected = ['#na#', ...[...new Set(train.map((i) => rows[i][c]).filter((v) => v !== ''))].sort()];
      expect(cat.classes[c]).toEqual(expected);
      const codes = data.cats[tabular.catNames.indexOf(c)];
      rows.forEach((r, i) => expect(codes[i]).toBe(Math.max(0, expected.indexOf(r[c]))));
    }
    expect(cat.classes.Home).not.toContain('ignore');
    const ignoreRows = rows.map((r, i) => (r.Home === 'ignore' ? i : -1)).filter((i) => i >= 0);
    expect(ignoreRows.length).toBeGreaterThan(0);
    for (const i of ignoreRows) expect(data.cats[0][i]).toBe(0);
    expect(tabular.processRow({ Home: 'castle', Marital: 'married', Job: null }).xCat[0]).toBe(0);
    expect(Array.from(tabular.processRow({ Home: 'owner', Marital: 'married', Job: null }).xCat)).toEqual([
      cat.classes.Home.indexOf('owner'),
      cat.classes.Marital.indexOf('married'),
      0,
    ]);
  });

  it('penguins: a numeric categorical column (year) sorts numerically; the target gets its own vocab without #na#', async () => {
    const df = await readDataFrame(`${datasets.path('penguins')}/penguins.csv`);
    const { tabular } = Tabular.fit(
      df,
      Int32Array.from({ length: df.nRows }, (_, i) => i),
      { catNames: ['island', 'sex', 'year'], yNames: ['species'], procs: [Categorify] },
    );
    expect(tabular.classes).toEqual({
      island: ['#na#', 'Biscoe', 'Dream', 'Torgersen'],
      sex: ['#na#', 'female', 'male'],
      year: ['#na#', '2007', '2008', '2009'],
    });
    expect(tabular.targets?.vocab).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(tabular.processRow({ island: 'Dream', sex: 'male', year: 2009 }).xCat).toEqual(Int32Array.from([2, 2, 3]));
  });

  it('sorts numbers numerically and text by code point', () => {
    expect(sortLevels(['10', '9', '100'])).toEqual(['9', '10', '100']);
    expect(sortLevels(['b', 'B', 'a', '10'])).toEqual(['10', 'B', 'a', 'b']);
  });
});
