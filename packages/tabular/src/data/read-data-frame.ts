import type { Readable } from 'node:stream';
import { CsvError, streamCsv } from '@tfai/core/io';
import { CsvFormatError, EmptyCsvError, MissingColumnError, TabularOptionsError } from '../errors.js';
import { DEFAULT_NA_VALUES } from '@tfai/core';
import { ColumnBuilder, DataFrame, type Column } from './dataframe.js';

/** Options of {@link readDataFrame}. */
export interface ReadDataFrameOptions {
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
 * Streams a CSV file (header row first) into a columnar {@link DataFrame} with core's CSV reader (papaparse):
 * cells go straight into typed arrays chunk by chunk, so a large file never becomes an array of row objects. A
 * BOM is stripped; missing columns, duplicate header names, non-numeric values in `numeric` columns, ragged rows,
 * empty and missing files throw typed errors naming the file (and the column or row).
 *
 * @example
 * ```ts
 * const df = await readDataFrame('penguins.csv', { numeric: ['bill_length_mm'], categorical: ['year'] });
 * df.numeric('bill_length_mm'); // Float64Array, NaN where the cell was empty or NA
 * ```
 */
export async function readDataFrame(path: string, opts: ReadDataFrameOptions = {}): Promise<DataFrame> {
  return readDataFrameFrom(path, path, opts);
}

/**
 * {@link readDataFrame} from any readable stream of CSV text (a network response, CSV generated in memory); `source`
 * names it in errors.
 *
 * @example
 * ```ts
 * const df = await readDataFrameStream(Readable.from(['a,b\n', '1,x\n']), 'generated.csv');
 * ```
 */
export async function readDataFrameStream(
  stream: Readable,
  source: string,
  opts: ReadDataFrameOptions = {},
): Promise<DataFrame> {
  return readDataFrameFrom(stream, source, opts);
}

/** A path (read by core's CSV reader: a file system is needed only here) or a stream. */
async function readDataFrameFrom(
  stream: Readable | string,
  source: string,
  opts: ReadDataFrameOptions,
): Promise<DataFrame> {
  const numeric = new Set(opts.numeric ?? []);
  const categorical = new Set(opts.categorical ?? []);
  for (const n of numeric)
    if (categorical.has(n)) throw new TabularOptionsError(`column "${n}" is declared both numeric and categorical`);
  const na = new Set(opts.naValues ?? DEFAULT_NA_VALUES);
  const needed = [...numeric, ...categorical, ...(opts.required ?? [])];
  const keep = opts.only ? new Set([...opts.only, ...needed]) : undefined;

  let builders: (ColumnBuilder | undefined)[] = [];
  let header: string[] = [];
  let nRows: number;
  try {
    ({ rows: nRows } = await streamCsv(
      stream,
      source,
      {
        header(h) {
          header = h;
          for (const n of needed) if (!header.includes(n)) throw new MissingColumnError(source, n, header);
          builders = header.map((c) =>
            keep && !keep.has(c)
              ? undefined
              : new ColumnBuilder(
                  c,
                  source,
                  numeric.has(c) ? 'number' : categorical.has(c) ? 'category' : undefined,
                  na,
                ),
          );
        },
        rows(rows, first) {
          const width = header.length;
          for (let i = 0; i < rows.length; i++) {
            const r = rows[i];
            for (let j = 0; j < width; j++) builders[j]?.pushText(r[j], first + i);
          }
        },
      },
      { delimiter: opts.delimiter ?? '' },
    ));
  } catch (e) {
    // Core's CSV errors in this package's terms (same files, rows and messages).
    if (e instanceof CsvError && e.problem === 'empty') throw new EmptyCsvError(source);
    if (e instanceof CsvError && (e.problem === 'ragged' || e.problem === 'syntax') && e.row !== undefined)
      throw new CsvFormatError(source, e.row, e.reason);
    throw e;
  }
  if (nRows === 0) throw new EmptyCsvError(source, 'the file has a header but no data rows');
  const cols = new Map<string, Column>();
  header.forEach((h, j) => {
    const b = builders[j];
    if (b) cols.set(h, b.build());
  });
  return new DataFrame(cols, source);
}
