// The one CSV reader of tfai (papaparse underneath): every domain package reads its CSV files through it, so
// BOMs, duplicate headers, ragged rows and missing files are handled once, with errors naming file, row, column.
import type { Readable } from 'node:stream';
import { readFile } from '#platform/fs';
import { Transform, createReadStream } from '#platform/streams';
import Papa from 'papaparse';
import { CsvError } from '../errors.js';

/** Options of the CSV readers. */
export interface CsvOptions {
  /** Field delimiter (default `,`; `''` lets papaparse guess it). */
  delimiter?: string;
  /** Skip empty lines (default true); `'greedy'` also skips lines of whitespace only. */
  skipEmptyLines?: boolean | 'greedy';
  /** Trim spaces around header names (default true). */
  trimHeader?: boolean;
}

/** A CSV file read as strings: its header and its data rows (each as long as the header). */
export interface CsvTable {
  /** The path (or the name given to {@link parseCsvText}, default `<csv>`) that errors about this table name. */
  file: string;
  /** Column names from the first row, BOM stripped, trimmed unless `trimHeader: false`; unique and non-empty. */
  header: string[];
  /** Data rows (header excluded) as raw strings, each with exactly `header.length` fields. */
  rows: string[][];
}

/** Callbacks of {@link streamCsv}; either may throw to stop reading (the error is rethrown as is). */
export interface CsvSink {
  /** Called once with the validated header. */
  header?(header: string[]): void;
  /** Called with each chunk of rows (already checked to be as long as the header); `firstRow` is 1-based. */
  rows(rows: string[][], firstRow: number): void;
}

const BOM = '\ufeff';

/** A decoder that throws on any byte sequence that is not UTF-8 (keeping a BOM: the readers strip it themselves). */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Stands for a byte that is not UTF-8 in decoded text (a noncharacter, U+FDD0): the rows holding it are refused
 * with a {@link CsvError} naming row and column once the file is known to have had one (never U+FFFD silently).
 */
const INVALID = '\ufdd0';

/** Bytes a UTF-8 sequence led by `c` takes (0: not a lead byte). */
const seqLength = (c: number): number =>
  c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;

/** Decodes complete UTF-8 bytes, each invalid byte as {@link INVALID} (RFC 3629: no overlongs, surrogates, > U+10FFFF). */
function decodeMarked(b: Buffer): string {
  try {
    return STRICT_UTF8.decode(b);
  } catch {
    // not UTF-8 throughout: decode byte by byte below, marking each invalid byte
  }
  let out = '';
  let run = 0;
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const n = seqLength(c);
    let ok = n > 0 && i + n <= b.length;
    if (ok && n > 1) {
      const c1 = b[i + 1];
      const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
      const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
      ok = c1 >= lo && c1 <= hi;
      for (let k = 2; ok && k < n; k++) ok = b[i + k] >= 0x80 && b[i + k] <= 0xbf;
    }
    if (ok) i += n;
    else {
      out += b.toString('utf8', run, i) + INVALID;
      i++;
      run = i;
    }
  }
  return out + b.toString('utf8', run, b.length);
}

/** Where complete sequences end in `b`: a multi-byte sequence cut by the end of the chunk waits for the next. */
function completeEnd(b: Buffer): number {
  for (let back = 1; back <= Math.min(3, b.length); back++) {
    const c = b[b.length - back];
    if (c >= 0x80 && c <= 0xbf) continue; // a continuation byte: look further back
    const n = seqLength(c);
    return n > back ? b.length - back : b.length;
  }
  return b.length;
}

/** The first field holding a byte that was not UTF-8, as a {@link CsvError} naming row and column. */
function invalidField(file: string, header: readonly string[], rows: readonly string[][], firstRow: number) {
  for (let i = 0; i < rows.length; i++) {
    const j = rows[i].findIndex((f) => f.includes(INVALID));
    if (j >= 0)
      return new CsvError(file, 'encoding', 'the field is not valid UTF-8 text (save the file as UTF-8)', {
        row: firstRow + i,
        column: header[j] ?? `field ${j + 1}`,
      });
  }
  return undefined;
}

/** Checks a header row: no empty names, no duplicates (after trimming, when asked). */
function checkHeader(raw: string[], file: string, trim: boolean): string[] {
  const badName = raw.findIndex((h) => h.includes(INVALID));
  if (badName >= 0)
    throw new CsvError(
      file,
      'encoding',
      `header field ${badName + 1} is not valid UTF-8 text (save the file as UTF-8)`,
    );
  const header = raw.map((h, i) => (i === 0 && h.startsWith(BOM) ? h.slice(1) : h)).map((h) => (trim ? h.trim() : h));
  const seen = new Set<string>();
  header.forEach((h, i) => {
    if (h === '' && header.length > 1)
      throw new CsvError(file, 'header', `header field ${i + 1} is empty (every column needs a name)`);
    if (seen.has(h))
      throw new CsvError(
        file,
        'duplicate-header',
        `appears twice in the header (fields ${header.indexOf(h) + 1} and ${i + 1}); rename one`,
        { column: h },
      );
    seen.add(h);
  });
  return header;
}

function syntaxError(file: string, e: Papa.ParseError, firstRow: number): CsvError {
  // papaparse's row index counts from the first row of the chunk, header included in the first one.
  return new CsvError(file, 'syntax', `${e.message} (${e.code})`, { row: Math.max(1, firstRow + (e.row ?? 0)) });
}

/**
 * Line ends as `\n`: papaparse guesses one line terminator per file, so a file mixing `\r\n` and `\n` (an edited
 * export) would keep `\r` in its last fields; pandas accepts both, and so do we.
 */
const normaliseNewlines = (s: string): string => s.replace(/\r\n?/g, '\n');

/**
 * A stream of UTF-8 text chunks without a leading byte-order mark, with `\n` line ends (multi-byte characters
 * and `\r\n` pairs split across chunks kept whole).
 */
function normalisedText(): Transform & { sawInvalid: boolean } {
  let carry: Buffer = Buffer.alloc(0);
  let first = true;
  let heldCr = false;
  const t = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer | string, _enc, done) {
      let text: string;
      if (typeof chunk === 'string') text = chunk;
      else {
        const b = carry.length ? Buffer.concat([carry, chunk]) : chunk;
        const end = completeEnd(b);
        carry = Buffer.from(b.subarray(end));
        text = decodeMarked(b.subarray(0, end));
      }
      if (text.includes(INVALID)) out.sawInvalid = true;
      let s = (heldCr ? '\r' : '') + text;
      heldCr = s.endsWith('\r');
      if (heldCr) s = s.slice(0, -1);
      if (first && s.length) {
        if (s.startsWith(BOM)) s = s.slice(1);
        first = false;
      }
      s = normaliseNewlines(s);
      done(null, s.length ? s : undefined);
    },
    flush(done) {
      // A sequence cut by the end of the file is not UTF-8.
      const rest = carry.length ? INVALID.repeat(carry.length) : '';
      if (rest) out.sawInvalid = true;
      const s = normaliseNewlines((heldCr ? '\r' : '') + rest);
      done(null, s.length ? s : undefined);
    },
  });
  const out = Object.assign(t, { sawInvalid: false });
  return out;
}

/**
 * Streams CSV text (a file path, or any readable stream; `file` names it in errors) chunk by chunk into `sink`,
 * with papaparse: a byte-order mark is stripped before parsing, the header is checked (no empty or duplicate
 * names), every row must have as many fields as the header, syntax errors name the row. A missing file is a
 * {@link CsvError}, not a raw `ENOENT`. Resolves with the header and the number of data rows.
 * @example
 * ```ts
 * let n = 0;
 * await streamCsv('big.csv', 'big.csv', { rows: (rows) => (n += rows.length) });
 * ```
 */
export async function streamCsv(
  source: string | Readable,
  file: string,
  sink: CsvSink,
  opts: CsvOptions = {},
): Promise<{
  /** The validated header (the one passed to `sink.header`). */
  header: string[];
  /** Number of data rows read (header excluded). */
  rows: number;
}> {
  const input = typeof source === 'string' ? createReadStream(source) : source;
  return new Promise((resolve, reject) => {
    let header: string[] | undefined;
    let rows = 0;
    let failure: unknown;
    const fail = (e: unknown) => {
      failure ??= e;
    };
    const text = normalisedText();
    input.on('error', (e: NodeJS.ErrnoException) => {
      fail(new CsvError(file, 'unreadable', `cannot read the CSV file (${e.code ?? e.message})`));
      text.end();
    });
    input.pipe(text);
    Papa.parse<string[]>(text as unknown as NodeJS.ReadableStream, {
      header: false,
      skipEmptyLines: opts.skipEmptyLines ?? true,
      delimiter: opts.delimiter ?? ',',
      newline: '\n',
      chunk(results, parser) {
        if (failure) return parser.abort();
        try {
          const first = rows + 1;
          const bad = results.errors.find((e) => e.type === 'Quotes');
          if (bad) throw syntaxError(file, bad, header ? first : 0);
          let data = results.data;
          if (!header) {
            if (!data.length) return;
            header = checkHeader(data[0], file, opts.trimHeader ?? true);
            sink.header?.(header);
            data = data.slice(1);
          }
          const width = header.length;
          for (let i = 0; i < data.length; i++)
            if (data[i].length !== width)
              throw new CsvError(file, 'ragged', `${data[i].length} fields where the header has ${width}`, {
                row: first + i,
              });
          const invalid = text.sawInvalid ? invalidField(file, header, data, first) : undefined;
          if (invalid) throw invalid;
          rows += data.length;
          if (data.length) sink.rows(data, first);
        } catch (e) {
          fail(e);
          parser.abort();
        }
      },
      complete() {
        if (failure) return reject(failure);
        if (!header) return reject(new CsvError(file, 'empty', 'the file is empty'));
        resolve({ header, rows });
      },
      error(e: Error) {
        reject(
          failure ??
            new CsvError(
              file,
              'unreadable',
              `cannot read the CSV file (${(e as NodeJS.ErrnoException).code ?? e.message})`,
            ),
        );
      },
    });
  });
}

/**
 * Parses CSV text already in memory (`file` names it in errors) with the checks of {@link streamCsv}.
 * @example
 * ```ts
 * parseCsvText('name,label\n"a,1.png",cat\n', 'labels.csv'); // { header: ['name', 'label'], rows: [['a,1.png', 'cat']] }
 * ```
 */
export function parseCsvText(text: string, file = '<csv>', opts: CsvOptions = {}): CsvTable {
  return parseText(text, file, opts, false);
}

function parseText(text: string, file: string, opts: CsvOptions, marked: boolean): CsvTable {
  const res = Papa.parse<string[]>(normaliseNewlines(text.startsWith(BOM) ? text.slice(1) : text), {
    header: false,
    skipEmptyLines: opts.skipEmptyLines ?? true,
    delimiter: opts.delimiter ?? ',',
    newline: '\n',
  });
  // Only quoting errors are errors: an undetectable delimiter (a one-column file) is not.
  const bad = res.errors.find((e) => e.type === 'Quotes');
  if (bad) throw syntaxError(file, bad, 0);
  const [first, ...rows] = res.data;
  if (!first) throw new CsvError(file, 'empty', 'the file is empty');
  const header = checkHeader(first, file, opts.trimHeader ?? true);
  rows.forEach((r, i) => {
    if (r.length !== header.length)
      throw new CsvError(file, 'ragged', `${r.length} fields where the header has ${header.length}`, { row: i + 1 });
  });
  const invalid = marked ? invalidField(file, header, rows, 1) : undefined;
  if (invalid) throw invalid;
  return { file, header, rows };
}

/**
 * Reads a whole CSV file (strict UTF-8: invalid bytes are a {@link CsvError}) with the checks of
 * {@link streamCsv}.
 * @example
 * ```ts
 * const { header, rows } = await readCsv('data/labels.csv');
 * ```
 */
export async function readCsv(path: string, opts: CsvOptions = {}): Promise<CsvTable> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new CsvError(
      path,
      'unreadable',
      `cannot read the CSV file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  const end = completeEnd(bytes);
  const text = decodeMarked(bytes.subarray(0, end)) + INVALID.repeat(bytes.length - end);
  return parseText(text, path, opts, text.includes(INVALID));
}

/**
 * The rows of a table as records (column name → value).
 * @example
 * ```ts
 * csvRecords(parseCsvText('a,b\n1,2\n')); // [{ a: '1', b: '2' }]
 * ```
 */
export function csvRecords(table: CsvTable): Record<string, string>[] {
  return table.rows.map((r) => Object.fromEntries(table.header.map((h, j) => [h, r[j]])));
}
