import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualSeed } from '@tfai/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TabularDataLoaders } from '../data/tabular-dataloaders.js';
import { EmptyCsvError, MissingColumnError, NonNumericValueError, TabularOptionsError } from '../errors.js';
import { datasets } from '@tfai/datasets';
import { tabularLearner } from './tabular-learner.js';

const TITANIC = `${datasets.path('titanic')}/titanic.csv`;
const opts = { yNames: ['survived'], catNames: ['pclass', 'sex'], contNames: ['age', 'sibsp', 'parch'], validPct: 0.2, seed: 42 };
const row = { pclass: '1st', sex: 'female', age: 29, sibsp: 0, parch: 0 };

describe('bad input, from the CSV to predict(row)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tfai-bad-input-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a CSV missing a named column: MissingColumnError naming the file, the column and the columns it has', async () => {
    const err = await TabularDataLoaders.fromCsv(TITANIC, { ...opts, catNames: ['pclass', 'cabin'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingColumnError);
    expect(err).toMatchObject({ file: TITANIC, column: 'cabin' });
    expect((err as Error).message).toMatch(/titanic\.csv: no column "cabin" \(columns: "pclass", "survived", "sex", "age"/);
  });

  it('a non-numeric value in a continuous column: NonNumericValueError naming the column, the row and the value', async () => {
    const lines = (await readFile(TITANIC, 'utf8')).split('\n');
    const cells = lines[7].split(',');
    cells[3] = '"about 40"';
    lines[7] = cells.join(',');
    const file = join(dir, 'titanic-bad.csv');
    await writeFile(file, lines.join('\n'));
    const err = await TabularDataLoaders.fromCsv(file, opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonNumericValueError);
    expect(err).toMatchObject({ column: 'age', row: 7, value: 'about 40' });
    expect((err as Error).message).toBe(`${file}: column "age", row 7: "about 40" is not a number`);
  });

  it('an empty file, or a header with no rows: EmptyCsvError naming the file', async () => {
    const empty = join(dir, 'empty.csv');
    await writeFile(empty, '');
    await expect(TabularDataLoaders.fromCsv(empty, opts)).rejects.toThrow(new EmptyCsvError(empty));
    const header = join(dir, 'header.csv');
    await writeFile(header, 'pclass,survived,sex,age,sibsp,parch\n');
    await expect(TabularDataLoaders.fromCsv(header, opts)).rejects.toThrow(EmptyCsvError);
    await expect(TabularDataLoaders.fromCsv(header, opts)).rejects.toThrow(/header\.csv: the file has a header but no data rows/);
  });

  describe('at inference', () => {
    it('an unseen category becomes #na# (the same prediction as a missing one); a missing number is filled with the training median and flagged', async () => {
      manualSeed(0);
      const dls = await TabularDataLoaders.fromCsv(TITANIC, opts);
      const learn = tabularLearner(dls, { progress: false });
      const unseen = await learn.predict({ ...row, pclass: '4th' });
      const missing = await learn.predict({ ...row, pclass: null });
      expect(unseen.row.pclass).toBe('#na#');
      expect(unseen.probs).toEqual(missing.probs);
      const noAge = await learn.predict({ ...row, age: 'NA' });
      expect(noAge.row.age_na).toBe('True');
      expect(noAge.row.age).toBeCloseTo((dls.tabular.procs[0].toJSON() as { fillValues: Record<string, number> }).fillValues.age, 3);
      expect(noAge.probs.every(Number.isFinite)).toBe(true);
      expect((await learn.predict({ ...row, age: null })).probs).toEqual(noAge.probs);

      // A value that is not a number, a column left out, or something that is not a row: typed errors naming it.
      const err = await learn.predictRows([row, { ...row, age: 'forty' }]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NonNumericValueError);
      expect(err).toMatchObject({ column: 'age', row: 2, value: 'forty' });
      const { sibsp: _, ...noSibsp } = row;
      const err2 = await learn.predict(noSibsp).catch((e: unknown) => e);
      expect(err2).toBeInstanceOf(MissingColumnError);
      expect((err2 as Error).message).toMatch(/^row 1: no column "sibsp"/);
      await expect(learn.predict(['1st', 'female'])).rejects.toThrow(TabularOptionsError);
      learn.dispose();
    });
  });
});
