import { describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';
import { contCatSplit } from './cont-cat-split.js';
import { DataFrame } from './dataframe.js';
import { readDataFrame } from './read-data-frame.js';

describe('contCatSplit', () => {
  // What pandas + fastai's cont_cat_split give on these files: floats (and ints with NAs, which pandas reads as
  // floats) are continuous, ints with more than max_card distinct values too, the rest categorical.
  it('credit_data', async () => {
    const df = await readDataFrame(`${datasets.path('credit_data')}/credit_data.csv`);
    expect(contCatSplit(df, { depVar: 'Status' })).toEqual([
      ['Seniority', 'Age', 'Expenses', 'Income', 'Assets', 'Debt', 'Amount', 'Price'],
      ['Home', 'Time', 'Marital', 'Records', 'Job'],
    ]);
  });

  it('penguins (year has 3 values: categorical; maxCard 2 makes it continuous)', async () => {
    const df = await readDataFrame(`${datasets.path('penguins')}/penguins.csv`);
    expect(contCatSplit(df, { depVar: 'species' })).toEqual([
      ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'],
      ['island', 'sex', 'year'],
    ]);
    expect(contCatSplit(df, { depVar: ['species'], maxCard: 2 })[0]).toContain('year');
  });

  it('titanic, and integers written as floats', async () => {
    const df = await readDataFrame(`${datasets.path('titanic')}/titanic.csv`);
    expect(contCatSplit(df, { depVar: 'survived' })).toEqual([['age'], ['pclass', 'sex', 'sibsp', 'parch']]);
    expect(contCatSplit(DataFrame.fromColumns({ a: ['1.0', '2.0'], b: ['1', '2'] }))).toEqual([['a'], ['b']]);
  });
});
