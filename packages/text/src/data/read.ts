import { csvRecords, parseCsvText } from '@tfai/core/io';
import { TextDecodeError, TextInputError } from '../errors.js';
import { readFile } from '@tfai/core/internal';

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence, or -1. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i;
    // Overlong 3-byte forms, surrogates, and code points past U+10FFFF.
    if (
      (c === 0xe0 && b[i + 1] < 0xa0) ||
      (c === 0xed && b[i + 1] > 0x9f) ||
      (c === 0xf0 && b[i + 1] < 0x90) ||
      (c === 0xf4 && b[i + 1] > 0x8f)
    )
      return i;
    i += n + 1;
  }
  return -1;
}

/**
 * Decodes UTF-8 bytes strictly (a leading BOM is dropped): invalid bytes throw {@link TextDecodeError} naming
 * `file` and the byte offset, instead of turning into U+FFFD silently.
 * @example
 * ```ts
 * decodeUtf8(Uint8Array.of(0x68, 0x69), 'x.txt'); // 'hi'
 * ```
 */
export function decodeUtf8(bytes: Uint8Array, file = '<bytes>'): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new TextDecodeError(file, Math.max(0, firstInvalidUtf8(bytes)));
  }
}

/**
 * The bytes of `path`; a file that cannot be read is a {@link TextInputError} naming it, `what` it is and why.
 * @example
 * ```ts
 * const bytes = await readBytes('enc.safetensors', 'the encoder');
 * ```
 */
export async function readBytes(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new TextInputError(
      `${path}: cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
}

/**
 * Reads a UTF-8 text file ({@link decodeUtf8}).
 * @example
 * ```ts
 * const text = await readTextFile('review.txt');
 * ```
 */
export async function readTextFile(path: string): Promise<string> {
  return decodeUtf8(await readBytes(path, 'the file'), path);
}

/** A CSV file of texts read as strings: its column names (`fields`) and its rows as records. */
export interface TextTable {
  /** The header's column names, in file order. */
  fields: string[];
  /** One record per data row, column name → cell text (quotes removed, newlines kept). */
  rows: Record<string, string>[];
}

/**
 * Reads an RFC-4180 CSV file with a header (fields may contain newlines and quotes) with core's CSV reader
 * (papaparse), strictly as UTF-8. A BOM is stripped; duplicate header names, ragged rows and syntax errors throw
 * core's `CsvError` naming the file and the row or column.
 * @example
 * ```ts
 * const { rows } = await readTextTable(`${datasets.path('fortunes')}/fortunes.csv`) // datasets from '@tfai/datasets';
 * rows[0].text;
 * ```
 */
export async function readTextTable(path: string): Promise<TextTable> {
  const t = parseCsvText(await readTextFile(path), path, { skipEmptyLines: 'greedy', trimHeader: false });
  return { fields: t.header, rows: csvRecords(t) };
}

/**
 * The values of column `col`, with a clear error when it is missing.
 * @example
 * ```ts
 * const texts = column(table, 'text', 'reviews.csv');
 * ```
 */
export function column(table: TextTable, col: string, file = 'CSV'): string[] {
  if (!table.fields.includes(col))
    throw new TextInputError(`${file}: no column "${col}" (columns: ${table.fields.join(', ')})`);
  return table.rows.map((r) => r[col] ?? '');
}
