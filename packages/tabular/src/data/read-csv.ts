import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import Papa from 'papaparse';
import { CsvFormatError, EmptyCsvError, MissingColumnError, TabularOptionsError } from '../errors.js';
import { ColumnBuilder, DataFrame, DEFAULT_NA_VALUES, type Column } from './dataframe.js';

/** Options of {@link readCsv}. */
export interface ReadCsvOptions {
  /** Columns read as numbers: a value that is not a number throws `NonNumericValueError` (column and row). */
  numeric?: readonly string[];
  /** Columns kept as text even when their values look like numbers. */
  categorical?: readonly string[];
  /** Other columns that must exist. */
  required?: readonly string[];
  /** Read only these columns (plus the declared and required ones); default: every column. */
  only?: readonly string[];
  /** Cells read as missing (default: pandas' `na_values`, which include the empty cell and `NA`). */
  naValues?: readonly string[];
  /** Field delimiter (default: guessed by papaparse, usually `,`). */
  delimiter?: string;
}

/**
 * Streams a CSV file (header row first) into a columnar {@link DataFrame} with papaparse: cells go straight
 * into typed arrays chunk by chunk, so a large file never becomes an array of row objects. Missing columns,
 * non-numeric values in `numeric` columns, ragged rows and empty files throw typed errors naming the file.
 *
 * @example
 * ```ts
 * const df = await readCsv('penguins.csv', { numeric: ['bill_length_mm'], categorical: ['year'] });
 * df.numeric('bill_length_mm'); // Float64Array, NaN where the cell was empty or NA
 * ```
 */
export async function readCsv(path: string, opts: ReadCsvOptions = {}): Promise<DataFrame> {
  return readCsvStream(createReadStream(path), path, opts);
}

/**
 * {@link readCsv} from any readable stream of CSV text (a network response, CSV generated in memory); `source`
 * names it in errors.
 *
 * @example
 * ```ts
 * const df = await readCsvStream(Readable.from(['a,b\n', '1,x\n']), 'generated.csv');
 * ```
 */
export async function readCsvStream(stream: Readable, source: string, opts: ReadCsvOptions = {}): Promise<DataFrame> {
  const numeric = new Set(opts.numeric ?? []);
  const categorical = new Set(opts.categorical ?? []);
  for (const n of numeric) if (categorical.has(n)) throw new TabularOptionsError(`column "${n}" is declared both numeric and categorical`);
  const na = new Set(opts.naValues ?? DEFAULT_NA_VALUES);
  const needed = [...numeric, ...categorical, ...(opts.required ?? [])];
  const keep = opts.only ? new Set([...opts.only, ...needed]) : undefined;

  return new Promise<DataFrame>((resolve, reject) => {
    let header: string[] | undefined;
    let builders: (ColumnBuilder | undefined)[] = [];
    let row = 0;
    let failure: Error | undefined;
    stream.on('error', (e) => reject(e));
    Papa.parse<string[]>(stream, {
      header: false,
      skipEmptyLines: true,
      delimiter: opts.delimiter ?? '',
      chunk(results, parser) {
        try {
          let rows = results.data;
          if (!header) {
            if (!rows.length) return;
            header = rows[0].map((h) => h.trim());
            for (const n of needed) if (!header.includes(n)) throw new MissingColumnError(source, n, header);
            builders = header.map((h) => (keep && !keep.has(h) ? undefined : new ColumnBuilder(h, source, numeric.has(h) ? 'number' : categorical.has(h) ? 'category' : undefined, na)));
            rows = rows.slice(1);
          }
          const width = header.length;
          for (const r of rows) {
            row++;
            if (r.length !== width)
              throw new CsvFormatError(source, row, `${r.length} fields where the header has ${width}`);
            for (let j = 0; j < width; j++) builders[j]?.pushText(r[j], row);
          }
        } catch (e) {
          failure = e as Error;
          parser.abort();
        }
      },
      complete() {
        if (failure) return reject(failure);
        if (!header) return reject(new EmptyCsvError(source));
        if (row === 0) return reject(new EmptyCsvError(source, 'the file has a header but no data rows'));
        const cols = new Map<string, Column>();
        header.forEach((h, j) => {
          const b = builders[j];
          if (b) cols.set(h, b.build());
        });
        resolve(new DataFrame(cols, source));
      },
      error(e) {
        reject(e);
      },
    });
  });
}
