import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, manualSeed, TfaiError } from '@tfai/core';
import { CsvError } from '@tfai/core/io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TabularDataLoaders } from '../data/tabular-dataloaders.js';
import {
  AllMissingError,
  EmptyCsvError,
  MissingColumnError,
  NonFiniteValueError,
  NonNumericValueError,
  TabularOptionsError,
  HighCardinalityError,
} from '../errors.js';
import { datasets } from '@tfai/datasets';
import { MAX_CARDINALITY, tabularLearner } from './tabular-learner.js';
import * as tf from '@tensorflow/tfjs-core';

const TITANIC = `${datasets.path('titanic')}/titanic.csv`;
const opts = {
  yNames: ['survived'],
  catNames: ['pclass', 'sex'],
  contNames: ['age', 'sibsp', 'parch'],
  validPct: 0.2,
  seed: 42,
};
const row = { pclass: '1st', sex: 'female', age: 29, sibsp: 0, parch: 0 };

describe('bad input, from the CSV to predict(row)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tfai-bad-input-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('an ID column read as a category: HighCardinalityError naming the column and the count, before any embedding', async () => {
    // One id per row. With the default limit a real ID column of over 100 000 values is refused the same way
    // (a million-row table's would abort the wasm backend building its table).
    const lines = ['name,x,y', ...Array.from({ length: 1500 }, (_, i) => `id${i},${i % 7},${i % 2 ? 'a' : 'b'}`)];
    const file = join(dir, 'ids.csv');
    await writeFile(file, lines.join('\n'));
    const dls = await TabularDataLoaders.fromCsv(file, {
      yNames: ['y'],
      catNames: ['name'],
      contNames: ['x'],
      validPct: 0.2,
      seed: 42,
    });
    const n = dls.classes.name.length;
    expect(n).toBeGreaterThan(1000);
    expect(MAX_CARDINALITY).toBe(100_000);
    const before = tf.memory().numTensors;
    const err = (() => {
      try {
        tabularLearner(dls, { maxCardinality: 1000 });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(HighCardinalityError);
    expect((err as HighCardinalityError).column).toBe('name');
    expect((err as HighCardinalityError).count).toBe(n);
    expect((err as Error).message).toBe(
      `categorical column "name" has ${n} distinct values (#na# included), more than the 1000 an embedding is built for: drop it, make it continuous, or raise maxCardinality`,
    );
    expect(tf.memory().numTensors).toBe(before);
    tabularLearner(dls).dispose(); // under the default limit
  });

  it('a tabularLearner that cannot be made (a callback that is not one) keeps nothing: numTensors flat over 20 calls', async () => {
    const dls = await TabularDataLoaders.fromCsv(TITANIC, opts);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      expect(() => tabularLearner(dls, { cbs: [null as never] })).toThrow(TypeError);
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('a CSV missing a named column: MissingColumnError naming the file, the column and the columns it has', async () => {
    const err = await TabularDataLoaders.fromCsv(TITANIC, { ...opts, catNames: ['pclass', 'cabin'] }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MissingColumnError);
    expect(err).toMatchObject({ file: TITANIC, column: 'cabin' });
    expect((err as Error).message).toMatch(
      /titanic\.csv: no column "cabin" \(columns: "pclass", "survived", "sex", "age"/,
    );
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
    await expect(TabularDataLoaders.fromCsv(header, opts)).rejects.toThrow(
      /header\.csv: the file has a header but no data rows/,
    );
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
      expect(noAge.row.age).toBeCloseTo(
        (dls.tabular.procs[0].toJSON() as { fillValues: Record<string, number> }).fillValues.age,
        3,
      );
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

  describe('degenerate data (issue 17): refused at the door, naming the file and the column', () => {
    const lines = async () => (await readFile(TITANIC, 'utf8')).split('\n');
    const write = async (name: string, text: string | Buffer) => {
      const f = join(dir, name);
      await writeFile(f, text);
      return f;
    };
    const fails = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => e as Error,
      );

    it('a duplicate header: CsvError naming the column (not the second column silently replacing the first)', async () => {
      const l = await lines();
      l[0] = l[0].replace('"parch"', '"age"');
      const err = await fails(TabularDataLoaders.fromCsv(await write('dup.csv', l.join('\n')), opts));
      expect(err).toBeInstanceOf(CsvError);
      expect(err).toMatchObject({ problem: 'duplicate-header', column: 'age' });
      expect(err!.message).toMatch(/dup\.csv: column "age": appears twice in the header \(fields 4 and 6\)/);
    });

    it('an Excel BOM before the quoted header is stripped: the same loaders as without it', async () => {
      const text = await readFile(TITANIC);
      const file = await write('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text]));
      const a = await TabularDataLoaders.fromCsv(file, opts);
      const b = await TabularDataLoaders.fromCsv(TITANIC, opts);
      expect(a.tabular.toJSON()).toEqual(b.tabular.toJSON());
    });

    it('1e999 in a continuous column: NonFiniteValueError naming column, row and value (not NaN batches)', async () => {
      const l = await lines();
      const cells = l[5].split(',');
      cells[3] = '1e999';
      l[5] = cells.join(',');
      const err = await fails(TabularDataLoaders.fromCsv(await write('inf.csv', l.join('\n')), opts));
      expect(err).toBeInstanceOf(NonFiniteValueError);
      expect(err).toMatchObject({ column: 'age', row: 5, value: Infinity });
      expect(err!.message).toMatch(/inf\.csv: column "age", row 5: Infinity is not a finite number/);
    });

    it('an all-NA continuous column: AllMissingError naming it (not "lower the learning rate")', async () => {
      const l = (await lines()).map((line, i) => {
        if (i === 0 || !line) return line;
        const c = line.split(',');
        c[4] = 'NA';
        return c.join(',');
      });
      const err = await fails(TabularDataLoaders.fromCsv(await write('na.csv', l.join('\n')), opts));
      expect(err).toBeInstanceOf(AllMissingError);
      expect(err!.message).toMatch(/na\.csv: column "sibsp" has no values at all/);
    });

    it('a single-class target: a typed error naming the column (not tfjs’s oneHot depth error)', async () => {
      const l = (await lines()).filter((line, i) => i === 0 || line.includes('"survived"'));
      const err = await fails(TabularDataLoaders.fromCsv(await write('one.csv', l.join('\n')), opts));
      expect(err).toBeInstanceOf(TabularOptionsError);
      expect(err!.message).toMatch(/one\.csv: target column "survived" has a single class \("survived"\)/);
    });

    it('a missing CSV: a TfaiError naming it (not a raw ENOENT)', async () => {
      const err = await fails(TabularDataLoaders.fromCsv(join(dir, 'absent.csv'), opts));
      expect(err).toBeInstanceOf(TfaiError);
      expect(err!.message).toMatch(/absent\.csv: cannot read the CSV file \(ENOENT\)/);
    });

    it('bs 0 or 2.5, bs above the training set, a negative or NaN learning rate, fit(-1): InvalidArgumentErrors naming the argument', async () => {
      for (const bs of [0, 2.5, -1]) {
        const err = await fails(TabularDataLoaders.fromCsv(TITANIC, { ...opts, bs }));
        expect(err).toBeInstanceOf(InvalidArgumentError);
        expect(err!.message).toBe(`bs must be a positive integer, got ${bs}`);
      }
      manualSeed(0);
      const big = await TabularDataLoaders.fromCsv(TITANIC, { ...opts, bs: 100_000 });
      const learnBig = tabularLearner(big, { progress: false });
      const eBig = await fails(learnBig.fit(1, 1e-3));
      expect(eBig).toBeInstanceOf(InvalidArgumentError);
      expect(eBig!.message).toMatch(
        /^bs must be at most the training set's size \(\d+ items, and the training loader drops the last partial batch\).*got 100000$/,
      );
      learnBig.dispose();
      const learn = tabularLearner(await TabularDataLoaders.fromCsv(TITANIC, opts), { progress: false });
      for (const [call, re] of [
        [() => learn.fit(1, -1e-3), /^lr must be a finite positive learning rate, got -0\.001$/],
        [() => learn.fit(1, NaN), /^lr must be a finite positive learning rate, got NaN$/],
        [() => learn.fitOneCycle(1, [1e-3, Infinity]), /^lrMax must be a finite positive learning rate, got Infinity$/],
        [() => learn.fit(-1), /^nEpoch must be a non-negative integer, got -1$/],
        [() => learn.fitOneCycle(1.5), /^nEpoch must be a non-negative integer, got 1\.5$/],
        [() => learn.fineTune(-2), /^epochs must be a non-negative integer, got -2$/],
      ] as const) {
        const e = await fails(call());
        expect(e).toBeInstanceOf(InvalidArgumentError);
        expect(e!.message).toMatch(re);
      }
      learn.dispose();
    });
  });
});
