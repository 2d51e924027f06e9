// TabularPandas (fastai's `to = TabularPandas(...)`, `to.dataloaders()`) against the factories it composes, and core's
// splitters against the split options they replace, on real data sets.
import { colSplitter, indexSplitter, manualSeed, randomSplitter } from '@tfai/core';
import { CategoryBlock, MultiCategoryBlock, RegressionBlock } from '@tfai/core/data';
import { datasets } from '@tfai/datasets';
import { firstBatchValues, firstTrainValidValues } from '@tfai/test-utils';
import { describe, expect, it } from 'vitest';
import { CollabDataLoaders } from '../collab/collab-dataloaders.js';
import { TabularOptionsError } from '../errors.js';
import { Categorify } from '../procs/categorify.js';
import { FillMissing } from '../procs/fill-missing.js';
import { Normalize } from '../procs/normalize.js';
import { TITANIC } from '../test-utils/real-data.js';
import type { DataFrame } from './dataframe.js';
import { readDataFrame } from './read-data-frame.js';
import { splitRows } from './splits.js';
import { booleanColumn } from './targets.js';
import { TabularDataLoaders } from './tabular-dataloaders.js';
import { TabularPandas } from './tabular-pandas.js';

const titanic = `${datasets.path('titanic')}/titanic.csv`;
const ratings = `${datasets.path('insteval')}/ratings.csv`;
const diamonds = `${datasets.path('diamonds')}/diamonds.csv`;
const roles = { yNames: TITANIC.yNames, catNames: TITANIC.catNames, contNames: TITANIC.contNames };

/** splitRows' validIdx and validCol branches as they were before core's splitters (the rows they gave). */
function legacySplit(df: DataFrame, opts: { validIdx?: ArrayLike<number>; validCol?: string }): number[][] {
  let isValid: Uint8Array;
  let valid: Int32Array;
  if (opts.validIdx) {
    valid = Int32Array.from(opts.validIdx);
    isValid = new Uint8Array(df.nRows);
    for (const i of valid) isValid[i] = 1;
  } else {
    isValid = Uint8Array.from(booleanColumn(df, opts.validCol!));
    valid = Int32Array.from(isValid.keys()).filter((i) => isValid[i]);
  }
  const train = Int32Array.from(isValid.keys()).filter((i) => !isValid[i]);
  return [Array.from(train), Array.from(valid)];
}

describe('TabularPandas', () => {
  it('fromDf and TabularPandas + randomSplitter give the same first batches, under manualSeed and seeded', async () => {
    const df = await readDataFrame(titanic);
    const viaFactory = async (seed: number) => {
      manualSeed(seed);
      return firstTrainValidValues(TabularDataLoaders.fromDf(df, { ...roles, procs: TITANIC.procs, validPct: 0.2 }));
    };
    const viaTo = async (seed: number) => {
      manualSeed(seed);
      const to = new TabularPandas(df, {
        ...roles,
        procs: [Categorify, FillMissing, Normalize],
        splitter: (d) => randomSplitter(d.nRows, 0.2),
      });
      return firstTrainValidValues(to.dataloaders({ bs: 64 }));
    };
    const a = await viaFactory(0);
    expect(await viaTo(0)).toEqual(a);
    expect(await viaTo(1)).not.toEqual(a); // the comparison can fail: another seed, other rows
    expect(a[2].length).toBe(64);

    const seeded = TabularDataLoaders.fromDf(df, { ...roles, validPct: 0.2, seed: 42, bs: 32 });
    const to = new TabularPandas(df, {
      ...roles,
      yBlock: new CategoryBlock(),
      splitter: (d) => randomSplitter(d.nRows, 0.2, 42),
    });
    const dls = to.dataloaders({ bs: 32, seed: 42 });
    expect(dls).toBeInstanceOf(TabularDataLoaders);
    expect(await firstTrainValidValues(dls)).toEqual(await firstTrainValidValues(seeded));
    expect(dls.splits).toEqual(seeded.splits);
    expect(dls.tabular.toJSON()).toEqual(seeded.tabular.toJSON());
  });

  it("fastai's fields: roles, procs, classes, targets, and train/valid rows whose xs and y are the loaders' batches", async () => {
    const df = await readDataFrame(titanic);
    const to = new TabularPandas(df, {
      ...roles,
      yBlock: CategoryBlock,
      splitter: (d) => randomSplitter(d.nRows, 0.2, 7),
    });
    expect(to.catNames).toEqual(['pclass', 'sex', 'age_na']);
    expect(to.contNames).toEqual(['age', 'sibsp', 'parch']);
    expect(to.yNames).toEqual(['survived']);
    expect(to.procs.map((p) => p.constructor.name)).toEqual(['FillMissing', 'Categorify', 'Normalize']);
    expect(to.classes.sex).toEqual(['#na#', 'female', 'male']);
    expect(to.targets?.vocab).toEqual(['died', 'survived']);
    expect(to.train.length + to.valid.length).toBe(df.nRows);
    expect(to.valid.length).toBe(Math.floor(0.2 * df.nRows));
    expect(Array.from(to.valid.rows)).toEqual(randomSplitter(df.nRows, 0.2, 7).valid);

    // The validation loader is in order: its first batch is the first 64 validation rows of `xs` and `y`.
    const [xCat, xCont, y] = await firstBatchValues(to.dataloaders({ bs: 64 }).valid);
    const xs = to.valid.xs;
    const rows = (cols: string[]) => Array.from({ length: 64 }, (_, b) => cols.map((c) => xs[c][b])).flat();
    expect(xCat).toEqual(rows(['pclass', 'sex', 'age_na']));
    expect(xCont).toEqual(rows(['age', 'sibsp', 'parch']));
    expect(y).toEqual(Array.from(to.valid.y!.subarray(0, 64)));
    // Raw values: the first validation row's sex, through Categorify's vocab.
    const r0 = to.valid.rows[0];
    expect(to.classes.sex[xs.sex[0]]).toBe(df.strings('sex')[r0]);
  });

  it("yBlock as fastai's y_block: core's CategoryBlock (given vocab), RegressionBlock, MultiCategoryBlock", async () => {
    const df = await readDataFrame(titanic);
    const split = { splitter: (d: DataFrame) => randomSplitter(d.nRows, 0.2, 1) };
    const plain = new TabularPandas(df, { ...roles, ...split });
    const flipped = new TabularPandas(df, {
      ...roles,
      ...split,
      yBlock: new CategoryBlock({ vocab: ['survived', 'died'] }),
    });
    expect(flipped.targets?.vocab).toEqual(['survived', 'died']);
    expect(Array.from(flipped.train.y!)).toEqual(Array.from(plain.train.y!, (k) => 1 - k));

    const ames = await readDataFrame(`${datasets.path('ames')}/ames.csv`);
    const reg = new TabularPandas(ames, {
      yNames: ['Sale_Price'],
      catNames: ['Neighborhood'],
      contNames: ['Lot_Area'],
      yBlock: new RegressionBlock(1),
      splitter: (d) => randomSplitter(d.nRows, 0.2, 1),
    });
    expect(reg.targets?.yBlock).toBe('regression');
    expect(Array.from(reg.valid.y!.subarray(0, 3))).toEqual(
      Array.from(reg.valid.rows.subarray(0, 3), (r) => Math.fround(ames.numeric('Sale_Price')[r])),
    );
    // As fastai: a numeric target is a regression unless CategoryBlock says otherwise.
    const inferred = new TabularPandas(df, { ...roles, yNames: ['sibsp'], contNames: ['age'], ...split });
    expect(inferred.targets?.yBlock).toBe('regression');
    const cat = new TabularPandas(df, {
      ...roles,
      yNames: ['sibsp'],
      contNames: ['age'],
      yBlock: CategoryBlock,
      ...split,
    });
    expect(cat.targets?.yBlock).toBe('category');
    expect(
      () =>
        new TabularPandas(ames, { yNames: ['Sale_Price'], contNames: ['Lot_Area'], yBlock: new RegressionBlock(2) }),
    ).toThrow(/RegressionBlock\(2\) needs 2 target column/);

    const multi = new TabularPandas(await readDataFrame(ratings), {
      yNames: ['is_valid'],
      catNames: ['dept'],
      contNames: [],
      yBlock: MultiCategoryBlock,
      splitter: (d) => randomSplitter(d.nRows, 0.2, 1),
    });
    expect([multi.targets?.yBlock, multi.targets?.vocab]).toEqual(['multiCategory', ['is_valid']]);
    expect(() => new TabularPandas(df, { ...roles, yBlock: { name: 'TextBlock', typeTfms: [] } })).toThrow(
      TabularOptionsError,
    );
  });
});

describe("core's splitters replace the split options, row for row", () => {
  it('validCol is colSplitter, validIdx is indexSplitter, validPct/seed is randomSplitter: the rows the options gave', async () => {
    const df = await readDataFrame(ratings);
    const byCol = splitRows(df, { validCol: 'is_valid' });
    expect(byCol.map((s) => Array.from(s))).toEqual(legacySplit(df, { validCol: 'is_valid' }));
    expect(splitRows(df, { splitter: (d) => colSplitter(d.strings('is_valid')) })).toEqual(byCol);
    expect(byCol[1].length).toBe(df.strings('is_valid').filter((v) => v === 'TRUE').length);
    expect(byCol[1].length).toBeGreaterThan(0);

    const dia = await readDataFrame(diamonds);
    const validIdx = Array.from({ length: 1000 }, (_, i) => (i * 37) % dia.nRows);
    const byIdx = splitRows(dia, { validIdx });
    expect(byIdx.map((s) => Array.from(s))).toEqual(legacySplit(dia, { validIdx }));
    expect(splitRows(dia, { splitter: (d) => indexSplitter(d.nRows, validIdx) })).toEqual(byIdx);
    const core = indexSplitter(dia.nRows, validIdx);
    expect(splitRows(dia, { splits: core })).toEqual(byIdx);
    expect(splitRows(dia, { splits: [core.train, core.valid] })).toEqual(byIdx);

    expect(splitRows(dia, { validPct: 0.1, seed: 3 })).toEqual(
      splitRows(dia, { splitter: (d) => randomSplitter(d.nRows, 0.1, 3) }),
    );
  });

  it('fromCsv with a splitter reads the columns it needs: colSplitter on is_valid splits as validCol', async () => {
    const opts = { yNames: ['rating'], catNames: ['dept'], contNames: [], bs: 256 };
    const byCol = await TabularDataLoaders.fromCsv(ratings, { ...opts, validCol: 'is_valid' });
    const bySplitter = await TabularDataLoaders.fromCsv(ratings, {
      ...opts,
      splitter: (d) => colSplitter(d.strings('is_valid')),
    });
    expect(bySplitter.splits).toEqual(byCol.splits);
  });

  it('the typed errors still name the row, the column and the index', async () => {
    const df = await readDataFrame(titanic);
    expect(() => splitRows(df, { validCol: 'sex' })).toThrow(TabularOptionsError);
    expect(() => splitRows(df, { validCol: 'sex' })).toThrow(/validCol "sex", row 1: not a boolean/);
    expect(() => splitRows(df, { validIdx: [0, df.nRows] })).toThrow(
      new RegExp(`validation index ${df.nRows} is out of range for ${df.nRows} rows`),
    );
    expect(() => splitRows(df, { splitter: () => ({ train: [0, -1], valid: [] }) })).toThrow(TabularOptionsError);
    expect(() =>
      splitRows(df, {
        splitter: (d) =>
          indexSplitter(
            d.nRows,
            d.strings('sex').map((_, i) => i),
          ),
      }),
    ).toThrow(/the training split is empty/);
  });

  it('collab: CollabDataLoaders.fromDf is a TabularPandas of user and item; its rows and vocabs match one', async () => {
    const df = await readDataFrame(ratings);
    manualSeed(5);
    const dls = CollabDataLoaders.fromDf(df, { userName: 'user', itemName: 'item', ratingName: 'rating', bs: 128 });
    manualSeed(5);
    const to = new TabularPandas(df, {
      catNames: ['user', 'item'],
      contNames: [],
      yNames: ['rating'],
      procs: [Categorify],
      yBlock: new RegressionBlock(),
      splitter: (d) => randomSplitter(d.nRows, 0.2),
    });
    expect(dls.splits).toEqual(to.splits);
    expect(dls.classes).toEqual(to.classes);
    const [x, y] = await firstBatchValues(dls.valid);
    const xs = to.valid.xs;
    expect(x).toEqual(Array.from({ length: 128 }, (_, b) => [xs.user[b], xs.item[b]]).flat());
    expect(y).toEqual(Array.from(to.valid.y!.subarray(0, 128)));
  });
});
