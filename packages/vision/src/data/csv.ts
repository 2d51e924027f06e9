// Label files (`name,label,is_valid`) through core's CSV reader (papaparse): quoted fields, doubled quotes, CRLF,
// a BOM, duplicate headers and ragged rows handled once for every package.
import { CsvError, csvRecords, parseCsvText, readCsv as readCsvTable } from '@tfai/core';
import { ImageDataError } from './errors.js';

/**
 * Parses CSV text into rows of fields, the header first (quoted fields may hold commas, quotes and newlines; a
 * BOM is stripped). Ragged rows and duplicate header names are a core `CsvError`.
 * @example
 * ```ts
 * parseCsv('name,label\n"a,1.png",cat\n'); // [['name', 'label'], ['a,1.png', 'cat']]
 * ```
 */
export function parseCsv(text: string, delimiter = ','): string[][] {
  try {
    const t = parseCsvText(text, '<csv>', { delimiter, trimHeader: false });
    return [t.header, ...t.rows];
  } catch (e) {
    if (e instanceof CsvError && e.problem === 'empty') return [];
    throw e;
  }
}

/**
 * Reads a CSV file with a header line into records (column name → value); errors name the file (and the row
 * or column).
 * @example
 * ```ts
 * const rows = await readCsv('fashion_mnist/labels.csv'); // [{ name: 'train/…png', label: 'tshirt_top', is_valid: 'False' }, …]
 * ```
 */
export async function readCsv(file: string, delimiter = ','): Promise<Record<string, string>[]> {
  try {
    return csvRecords(await readCsvTable(file, { delimiter, trimHeader: false }));
  } catch (e) {
    if (e instanceof CsvError && e.problem !== 'duplicate-header' && e.problem !== 'ragged')
      throw new ImageDataError(e.message);
    throw e;
  }
}
