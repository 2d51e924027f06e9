// One table type across packages (issue 30, part 3): whatever reader a user calls (core's `readCsv`, tabular's
// `readDataFrame`) feeds `fromDf` in vision, text, tabular and siamese without a cast. The type half is checked by
// `tsc` (this file is in the integration typecheck); the runtime half builds each package's loaders from each
// reader's result on real @tfai/datasets CSV files and checks they hold the CSV's rows.
import { join } from 'node:path';
import { asTable, tableRecords, type Table, type TableLike } from '@tfai/core';
import { readCsv } from '@tfai/core/io';
import { SiameseDataLoaders } from '@tfai/siamese';
import { DataFrame, readDataFrame, TabularDataLoaders } from '@tfai/tabular';
import { CollabDataLoaders } from '@tfai/tabular/collab';
import { TextDataLoaders } from '@tfai/text';
import { ImageDataLoaders } from '@tfai/vision';
import { Resize } from '@tfai/vision/augment';
import { datasets } from '@tfai/datasets';
import { describe, expect, expectTypeOf, it } from 'vitest';

const fmnist = datasets.path('fashion_mnist');
const fortunes = join(datasets.path('fortunes'), 'fortunes.csv');
const titanic = join(datasets.path('titanic'), 'titanic.csv');

/** The two readers a user may call, on one file. */
async function bothReaders(file: string): Promise<[string, Table][]> {
  return [
    ['core readCsv', await readCsv(file)],
    ['tabular readDataFrame', await readDataFrame(file)],
  ];
}

describe('one table type across packages', () => {
  it('types: every reader returns a Table; every fromDf takes a Table (and records), no cast', () => {
    expectTypeOf<Awaited<ReturnType<typeof readCsv>>>().toMatchTypeOf<Table>();
    expectTypeOf<Awaited<ReturnType<typeof readDataFrame>>>().toMatchTypeOf<Table>();
    expectTypeOf<DataFrame>().toMatchTypeOf<TableLike>();
    expectTypeOf<Record<string, string>[]>().toMatchTypeOf<TableLike>();
    expectTypeOf(ImageDataLoaders.fromDf).parameter(0).toEqualTypeOf<TableLike>();
    expectTypeOf(TextDataLoaders.fromDf).parameter(0).toEqualTypeOf<TableLike>();
    expectTypeOf(TabularDataLoaders.fromDf).parameter(0).toEqualTypeOf<TableLike>();
    expectTypeOf(SiameseDataLoaders.fromDf).parameter(0).toEqualTypeOf<TableLike>();
  });

  it('both readers read the same columns and the same cells', async () => {
    const [[, csv], [, df]] = await bothReaders(titanic);
    expect(df.names).toEqual(csv.names);
    expect(df.nRows).toBe(csv.nRows);
    expect(df.strings('sex')).toEqual(csv.strings('sex'));
    // Typed access agrees: tabular's typed column and core's parsed text (NaN where the CSV has NA).
    expect(Array.from(df.numeric('age'))).toEqual(Array.from(csv.numeric('age')));
    expect(csv.strings('sex').slice(0, 2)).toEqual(['female', 'male']);
  });

  it('vision: ImageDataLoaders.fromDf takes each reader’s result and the rows of the CSV', async () => {
    const expected = tableRecords(await readCsv(join(fmnist, 'labels.csv')));
    const nValid = expected.filter((r) => r.is_valid === 'True').length;
    for (const [who, t] of await bothReaders(join(fmnist, 'labels.csv'))) {
      const dls = await ImageDataLoaders.fromDf(t, {
        path: fmnist,
        fnCol: 'name',
        labelCol: 'label',
        validCol: 'is_valid',
        itemTfms: [new Resize(28)],
        bs: 16,
      });
      expect(dls.valid.n, who).toBe(nValid);
      expect(dls.train.n + dls.valid.n, who).toBe(expected.length);
      expect(dls.vocab, who).toEqual([...new Set(expected.map((r) => r.label))].sort());
    }
  });

  it('text: TextDataLoaders.fromDf takes each reader’s result (fortunes.csv)', async () => {
    const csv = await readCsv(fortunes, { skipEmptyLines: 'greedy' });
    const rows = tableRecords(csv);
    const nValid = rows.filter((r) => r.is_valid === 'True').length;
    for (const [who, t] of [
      ['core readCsv', csv],
      ['tabular DataFrame.from', DataFrame.from(csv)],
    ] as const) {
      const dls = await TextDataLoaders.fromDf(t, { textCol: 'text', labelCol: 'label', bs: 32, progress: false });
      expect(dls.valid.n, who).toBe(nValid);
      expect(dls.train.n + dls.valid.n, who).toBe(rows.length);
      expect(dls.vocab, who).toEqual([...new Set(rows.map((r) => r.label))].sort());
    }
  }, 120_000);

  it('tabular: TabularDataLoaders.fromDf takes core readCsv’s table and gives the frame’s encoding', async () => {
    const opts = { catNames: ['pclass', 'sex'], contNames: ['age', 'sibsp', 'parch'], yNames: ['survived'], bs: 64 };
    const fromCsv = TabularDataLoaders.fromDf(await readCsv(titanic), { ...opts, seed: 3 });
    const fromDf = TabularDataLoaders.fromDf(await readDataFrame(titanic), { ...opts, seed: 3 });
    expect(fromCsv.vocab).toEqual(['died', 'survived']);
    expect(fromCsv.vocab).toEqual(fromDf.vocab);
    expect(fromCsv.train.n).toBe(fromDf.train.n);
    const [a, b] = [await fromCsv.valid.oneBatch(), await fromDf.valid.oneBatch()];
    expect(Array.from(await a.x[0].data())).toEqual(Array.from(await b.x[0].data()));
    expect(Array.from(await a.x[1].data())).toEqual(Array.from(await b.x[1].data()));
    expect(Array.from(await a.y.data())).toEqual(Array.from(await b.y.data()));
    [a, b].forEach((x) => [...x.x, x.y].forEach((t) => t.dispose()));
  });

  it('siamese: SiameseDataLoaders.fromDf takes each reader’s result (siamese_pairs.csv)', async () => {
    const file = join(fmnist, 'siamese_pairs.csv');
    const rows = tableRecords(await readCsv(file));
    const nValid = rows.filter((r) => r.is_valid === 'True').length;
    for (const [who, t] of await bothReaders(file)) {
      const dls = await SiameseDataLoaders.fromDf(t, { root: fmnist, size: 28, bs: 16, redraw: false, seed: 0 });
      expect(dls.valid.n, who).toBe(nValid);
      expect(dls.train.n + dls.valid.n, who).toBe(rows.length);
    }
  });

  it('tabular keeps its typed columns: a DataFrame passes through; CollabDataLoaders.fromDf takes core’s table', async () => {
    const df = await readDataFrame(titanic);
    expect(DataFrame.from(df)).toBe(df);
    expect(df.column('age').kind).toBe('number');
    const typed = DataFrame.from(await readCsv(titanic));
    expect(typed.column('age').kind).toBe('number');
    expect(typed.column('sex').kind).toBe('category');
    const ratings = join(datasets.path('insteval'), 'ratings.csv');
    const csv = await readCsv(ratings);
    const dls = CollabDataLoaders.fromDf(csv, { bs: 64, seed: 0 });
    expect(dls.train.n + dls.valid.n).toBe(csv.nRows);
  });

  it('records are a TableLike too; asTable names the column union', () => {
    const t = asTable([
      { name: 'a.png', label: 'cat' },
      { name: 'b.png', label: 'dog', is_valid: true },
    ]);
    expect(t.names).toEqual(['name', 'label', 'is_valid']);
    expect(t.strings('is_valid')).toEqual(['', 'True']);
  });
});
