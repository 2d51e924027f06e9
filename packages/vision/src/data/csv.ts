// Label files (`name,label,is_valid`) through core's CSV reader (papaparse): quoted fields, doubled quotes, CRLF,
// a BOM, duplicate headers and ragged rows handled once for every package.
import { CsvError, csvRecords, readCsv } from '@tfai/core/io';
import { ImageDataError } from './errors.js';

/**
 * Reads a CSV file with a header line into records (column name → value); errors name the file (and the row
 * or column).
 * @example
 * ```ts
 * const rows = await readCsvRecords('fashion_mnist/labels.csv'); // [{ name: 'train/…png', label: 'tshirt_top', is_valid: 'False' }, …]
 * ```
 */
export async function readCsvRecords(file: string, delimiter = ','): Promise<Record<string, string>[]> {
  try {
    return csvRecords(await readCsv(file, { delimiter, trimHeader: false }));
  } catch (e) {
    if (e instanceof CsvError && e.problem !== 'duplicate-header' && e.problem !== 'ragged')
      throw new ImageDataError(e.message);
    throw e;
  }
}
