import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvError, TfaiError } from '../errors.js';
import { csvRecords, parseCsvText, readCsv, streamCsv } from './csv.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfai-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
async function csv(name: string, text: string | Buffer): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, text);
  return p;
}
/** Reads `path` both ways (whole, and streamed), expecting the same outcome. */
async function both(path: string): Promise<{ header: string[]; rows: string[][] }> {
  const whole = await readCsv(path);
  const rows: string[][] = [];
  const { header } = await streamCsv(path, path, { rows: (r) => rows.push(...r) });
  expect(header).toEqual(whole.header);
  expect(rows).toEqual(whole.rows);
  return whole;
}
async function refusesBoth(
  path: string,
  problem: string,
  re: RegExp,
  where: { row?: number; column?: string } = {},
): Promise<void> {
  for (const read of [() => readCsv(path), () => streamCsv(path, path, { rows: () => undefined })]) {
    const e = await read().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(CsvError);
    expect(e).toBeInstanceOf(TfaiError);
    expect((e as CsvError).problem).toBe(problem);
    expect((e as Error).message.startsWith(`${path}: `)).toBe(true);
    expect((e as Error).message).toMatch(re);
    expect((e as CsvError).row).toBe(where.row);
    expect((e as CsvError).column).toBe(where.column);
  }
}

describe('core CSV reader', () => {
  it('reads quoted fields with commas, quotes and newlines; CRLF and LF mixed', async () => {
    const t = await both(await csv('ok.csv', 'name,label\r\n"a,1.png","say ""hi""\nthere"\r\nb.png,dog\n'));
    expect(t.header).toEqual(['name', 'label']);
    expect(t.rows).toEqual([
      ['a,1.png', 'say "hi"\nthere'],
      ['b.png', 'dog'],
    ]);
    expect(csvRecords({ file: 'x', ...t })[1]).toEqual({ name: 'b.png', label: 'dog' });
  });

  it('strips an Excel BOM before a quoted header (no literal quotes in the column name)', async () => {
    const t = await both(
      await csv(
        'bom.csv',
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('"pclass","name"\n1,"Allen, Miss"\n')]),
      ),
    );
    expect(t.header).toEqual(['pclass', 'name']);
    expect(t.rows).toEqual([['1', 'Allen, Miss']]);
  });

  it('a multi-byte character or a CRLF split across stream chunks stays whole', async () => {
    const rows: string[][] = [];
    const chunks = [
      Buffer.from('a,b\r'),
      Buffer.from('\nx,'),
      Buffer.from([0xc3]),
      Buffer.from([0xa9, 0x0d]),
      Buffer.from('\ny,z'),
    ];
    await streamCsv(Readable.from(chunks), 'split.csv', { rows: (r) => rows.push(...r) });
    expect(rows).toEqual([
      ['x', 'é'],
      ['y', 'z'],
    ]);
  });

  it('invalid UTF-8 anywhere is a CsvError naming file, row and column (never a silent U+FFFD)', async () => {
    const body = (bad: number[]) =>
      Buffer.concat([
        Buffer.from('name,city\nann,Z\u00fcrich\nbob,'),
        Buffer.from(bad),
        Buffer.from('x\ncy,\ufffd ok\n'),
      ]);
    // A lone continuation byte, a truncated sequence, an overlong '/', a surrogate, a byte beyond U+10FFFF.
    for (const bad of [[0x80], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf5, 0x80, 0x80, 0x80]]) {
      const file = await csv('bad.csv', body(bad));
      const e1 = await readCsv(file).catch((e: unknown) => e);
      // Streamed in chunks of 3 bytes too, so the bad bytes straddle chunk boundaries.
      const bytes = await import('node:fs/promises').then((f) => f.readFile(file));
      const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) => bytes.subarray(3 * i, 3 * i + 3));
      const e2 = await streamCsv(Readable.from(chunks), file, { rows: () => undefined }).catch((e: unknown) => e);
      for (const e of [e1, e2]) {
        expect(e, JSON.stringify(bad)).toBeInstanceOf(CsvError);
        expect((e as CsvError).problem).toBe('encoding');
        expect((e as CsvError).row).toBe(2);
        expect((e as CsvError).column).toBe('city');
        expect((e as Error).message).toBe(
          `${file}: row 2: column "city": the field is not valid UTF-8 text (save the file as UTF-8)`,
        );
      }
    }
    // A literal U+FFFD (valid UTF-8) is data; a sequence cut by the end of the file is not UTF-8; a bad header name.
    expect((await readCsv(await csv('ok.csv', 'a,b\nx,\ufffd\n'))).rows).toEqual([['x', '\ufffd']]);
    await expect(
      readCsv(await csv('cut.csv', Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0x78, 0x2c, 0xe2, 0x82]))),
    ).rejects.toThrow(/cut\.csv: row 1: column "b": the field is not valid UTF-8/);
    await expect(
      readCsv(await csv('hdr.csv', Buffer.from([0x61, 0x2c, 0xff, 0x0a, 0x78, 0x2c, 0x79]))),
    ).rejects.toThrow(/hdr\.csv: header field 2 is not valid UTF-8/);
  });

  it('refuses a duplicate header, naming the file and the column', async () => {
    await refusesBoth(
      await csv('dup.csv', 'age,fare,age\n1,2,3\n'),
      'duplicate-header',
      /column "age": appears twice in the header \(fields 1 and 3\)/,
      { column: 'age' },
    );
    await refusesBoth(await csv('dup2.csv', 'age, age\n1,2\n'), 'duplicate-header', /column "age"/, { column: 'age' });
  });

  it('refuses ragged rows, naming the file and the row', async () => {
    await refusesBoth(await csv('ragged.csv', 'a,b\n1,2\n3\n'), 'ragged', /row 2: 1 fields where the header has 2/, {
      row: 2,
    });
    await refusesBoth(await csv('ragged2.csv', 'a,b\n1,2,3\n'), 'ragged', /row 1: 3 fields/, { row: 1 });
  });

  it('a missing file is a CsvError (not a raw ENOENT); an empty file and an empty header name too', async () => {
    await refusesBoth(join(dir, 'absent.csv'), 'unreadable', /cannot read the CSV file \(ENOENT\)/);
    await refusesBoth(await csv('empty.csv', ''), 'empty', /the file is empty/);
    await refusesBoth(await csv('noname.csv', 'a,,c\n1,2,3\n'), 'header', /header field 2 is empty/);
  });

  it('an unterminated quote is a syntax error naming the row', async () => {
    const e = (() => {
      try {
        parseCsvText('a,b\n1,2\n3,"four\n', 'q.csv');
      } catch (err) {
        return err as CsvError;
      }
    })();
    expect(e).toBeInstanceOf(CsvError);
    expect(e!.problem).toBe('syntax');
    expect(e!.message).toMatch(/^q\.csv: row 2: Quoted field unterminated/);
  });
});
