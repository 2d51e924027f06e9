import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvError } from '@tfai/core/io';
import { CsvFormatError, EmptyCsvError, MissingColumnError, NonNumericValueError } from '../errors.js';
import { datasets } from '@tfai/datasets';
import { readCsvRows } from '../test-utils/fixtures.js';
import { TabularDataLoaders } from './tabular-dataloaders.js';
import { Readable } from 'node:stream';
import { readDataFrame, readDataFrameStream } from './read-data-frame.js';

const dir = mkdtempSync(join(tmpdir(), 'tfai-tabular-'));
function csv(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('readDataFrame', () => {
  it('streams penguins into typed columns: numbers with NaN for empty cells, text as codes with -1', async () => {
    const path = `${datasets.path('penguins')}/penguins.csv`;
    const rows = readCsvRows(path);
    const df = await readDataFrame(path);
    expect(df.nRows).toBe(344);
    expect(df.names).toEqual(Object.keys(rows[0]));
    const bill = df.column('bill_length_mm');
    expect(bill.kind).toBe('number');
    expect(Array.from(df.numeric('bill_length_mm'))).toEqual(
      rows.map((r) => (r.bill_length_mm === '' ? NaN : Number(r.bill_length_mm))),
    );
    const sex = df.category('sex');
    expect(sex.codes).toBeInstanceOf(Int32Array);
    expect(Array.from(sex.codes, (c) => (c < 0 ? '' : sex.levels[c]))).toEqual(rows.map((r) => r.sex));
    expect(df.column('year')).toMatchObject({ kind: 'number', integer: true });
  });

  it('reads NA as missing and keeps declared categorical columns as text', async () => {
    const df = await readDataFrame(csv('na.csv', 'a,b,c\n1,NA,x\nNA,2,\n3,4,NA\n'), { categorical: ['b'] });
    expect(Array.from(df.numeric('a'))).toEqual([1, NaN, 3]);
    expect(df.category('b')).toMatchObject({ kind: 'category', levels: ['2', '4'] });
    expect(Array.from(df.category('b').codes)).toEqual([-1, 0, 1]);
    expect(Array.from(df.category('c').codes)).toEqual([0, -1, -1]);
  });

  it('a column named in the options but absent from the file throws MissingColumnError', async () => {
    const path = `${datasets.path('titanic')}/titanic.csv`;
    const err = await TabularDataLoaders.fromCsv(path, {
      yNames: ['survived'],
      catNames: ['sex', 'cabin'],
      contNames: ['age'],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingColumnError);
    expect(err).toMatchObject({ file: path, column: 'cabin' });
    expect(String(err)).toContain('"cabin"');
  });

  it('a non-numeric value in a continuous column throws NonNumericValueError naming column and row', async () => {
    const path = csv('bad-number.csv', 'y,age,sex\n"a",30,"m"\n"b",31.5,"f"\n"a","thirty","f"\n');
    const err = await TabularDataLoaders.fromCsv(path, { yNames: ['y'], catNames: ['sex'], contNames: ['age'] }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NonNumericValueError);
    expect(err).toMatchObject({ file: path, column: 'age', row: 3, value: 'thirty' });
    expect(String(err)).toMatch(/column "age", row 3: "thirty" is not a number/);
  });

  it('an empty file, or a header with no rows, throws EmptyCsvError', async () => {
    await expect(readDataFrame(csv('empty.csv', ''))).rejects.toBeInstanceOf(EmptyCsvError);
    await expect(readDataFrame(csv('header.csv', 'a,b\n'))).rejects.toThrow(/header but no data rows/);
    await expect(TabularDataLoaders.fromCsv(join(dir, 'empty.csv'), { yNames: ['a'] })).rejects.toBeInstanceOf(
      EmptyCsvError,
    );
  });

  it('a row with the wrong number of fields throws CsvFormatError', async () => {
    await expect(readDataFrame(csv('ragged.csv', 'a,b\n1,2\n3\n'))).rejects.toMatchObject({
      name: 'CsvFormatError',
      row: 2,
    });
    await expect(readDataFrame(csv('ragged2.csv', 'a,b\n1,2,3\n'))).rejects.toBeInstanceOf(CsvFormatError);
  });

  it('a missing file is a CsvError naming it (not a raw ENOENT)', async () => {
    await expect(readDataFrame(join(dir, 'nope.csv'))).rejects.toBeInstanceOf(CsvError);
    await expect(readDataFrame(join(dir, 'nope.csv'))).rejects.toThrow(
      /nope\.csv: cannot read the CSV file \(ENOENT\)/,
    );
  });

  it('invalid UTF-8 in a categorical cell is a CsvError naming file, row and column (not a U+FFFD category)', async () => {
    const p = join(dir, 'latin1.csv');
    writeFileSync(
      p,
      Buffer.concat([
        Buffer.from('sex,age,survived\nmale,22,0\nfemale,38,1\n'),
        Buffer.from([0x66, 0xe9, 0x6d]),
        Buffer.from(',26,1\n'),
      ]),
    );
    const err = await readDataFrame(p, { categorical: ['sex'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CsvError);
    expect((err as CsvError).problem).toBe('encoding');
    expect((err as Error).message).toBe(
      `${p}: row 3: column "sex": the field is not valid UTF-8 text (save the file as UTF-8)`,
    );
  });

  it('a duplicate header is refused naming the column; a BOM before a quoted header is stripped', async () => {
    await expect(readDataFrame(csv('dup.csv', 'age,fare,age\n1,2,3\n'))).rejects.toMatchObject({
      name: 'CsvError',
      column: 'age',
    });
    const df = await readDataFrame(csv('bom.csv', '\ufeff"pclass","fare"\n1,7.25\n'), { numeric: ['pclass'] });
    expect(df.names).toEqual(['pclass', 'fare']);
    expect(Array.from(df.numeric('pclass'))).toEqual([1]);
  });

  it('readDataFrameStream reads CSV text from any stream (chunks split mid-row), naming the given source in errors', async () => {
    const df = await readDataFrameStream(Readable.from(['a,b\n1,', 'x\n2,y\n', '3,', 'x\n']), 'generated.csv');
    expect(Array.from(df.numeric('a'))).toEqual([1, 2, 3]);
    expect(df.category('b').levels).toEqual(['x', 'y']);
    await expect(
      readDataFrameStream(Readable.from(['a,b\n1,x\nz,y\n']), 'generated.csv', { numeric: ['a'] }),
    ).rejects.toThrow('generated.csv: column "a", row 2: "z" is not a number');
    await expect(
      readDataFrameStream(Readable.from(['a,b\n1,x\n']), 'generated.csv', { required: ['c'] }),
    ).rejects.toThrow(MissingColumnError);
  });
});
