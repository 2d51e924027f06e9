// A small RFC-4180 reader for label files (`name,label,is_valid`): quoted fields, doubled quotes, CRLF.
import { readFile } from 'node:fs/promises';
import { ImageDataError } from './errors.js';

/**
 * Parses CSV text into rows of fields (quoted fields may hold commas, quotes and newlines).
 * @example
 * ```ts
 * parseCsv('name,label\n"a,1.png",cat\n'); // [['name', 'label'], ['a,1.png', 'cat']]
 * ```
 */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // BOM
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/**
 * Reads a CSV file with a header line into records (column name → value); errors name the file.
 * @example
 * ```ts
 * const rows = await readCsv('fashion_mnist/labels.csv'); // [{ name: 'train/…png', label: 'tshirt_top', is_valid: 'False' }, …]
 * ```
 */
export async function readCsv(file: string, delimiter = ','): Promise<Record<string, string>[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ImageDataError(`${file}: cannot read the CSV file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const [header, ...rows] = parseCsv(text, delimiter);
  if (!header) throw new ImageDataError(`${file}: empty CSV file`);
  return rows.map((r, i) => {
    if (r.length !== header.length) throw new ImageDataError(`${file}: record ${i + 1} has ${r.length} fields, the header ${header.length}`);
    return Object.fromEntries(header.map((h, j) => [h, r[j]]));
  });
}
