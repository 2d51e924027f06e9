// The one table type of tfai: what every reader returns (core's `readCsv`, tabular's `readDataFrame`) and every
// `fromDf` accepts (vision, text, tabular, siamese). Columns by name, a row count, typed column access; how the
// columns are stored is the reader's business (strings for core's CSV reader, typed arrays for tabular's frames).
import { TfaiError } from '../errors.js';

/**
 * A table: named columns of equal length, read as text or as numbers. Core's `readCsv`/`parseCsvText` and
 * tabular's `DataFrame` implement it, so any of them feeds any package's `fromDf` without a cast.
 * @example
 * ```ts
 * const t: Table = await readCsv('labels.csv'); // or tabular's readDataFrame('labels.csv')
 * t.names; // ['name', 'label', 'is_valid']
 * t.strings('label')[0]; // 'tshirt_top'
 * ```
 */
export interface Table {
  /** Column names, in file order. */
  readonly names: readonly string[];
  /** Number of data rows. */
  readonly nRows: number;
  /** Where the data came from (a file path, `<data>` for data made in memory), named in errors. */
  readonly source: string;
  /** Whether the table has a column of that name. */
  has(name: string): boolean;
  /** The column as text, one string per row (`''` for a missing value); a missing column throws. */
  strings(name: string): readonly string[];
  /** The column as numbers (`NaN` for a missing value); text that is not a number throws, naming the row. */
  numeric(name: string): Float64Array | Float32Array;
}

/** What a `fromDf` accepts: a {@link Table}, or rows as records (column name → value). */
export type TableLike = Table | readonly Readonly<Record<string, unknown>>[];

/** A column a table lacks, or a column's cell that is not what it is read as (a number); names source, column, row. */
export class TableColumnError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'TableColumnError';
  constructor(
    /** Where the table came from. */
    readonly source: string,
    /** The column. */
    readonly column: string,
    /** Why it cannot be used. */
    readonly reason: string,
  ) {
    super(`${source}: column ${JSON.stringify(column)}: ${reason}`);
  }
}

/**
 * pandas' default missing-value strings (`na_values`): cells read as missing (`NaN` in {@link Table.numeric}), by
 * every table of every package.
 * @example
 * ```ts
 * DEFAULT_NA_VALUES.includes('NA'); // true
 * ```
 */
export const DEFAULT_NA_VALUES: readonly string[] = [
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
];
const NA = new Set(DEFAULT_NA_VALUES);
const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A cell as text: `''` for `null`/`undefined`/`NaN`, `True`/`False` for booleans (as pandas writes them). */
function cellText(v: unknown): string {
  if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return '';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

/**
 * A {@link Table} held as text: a header and rows of strings (what core's CSV reader returns), or columns built
 * from records. Columns are read on demand and cached.
 * @example
 * ```ts
 * const t = new StringTable(['a', 'b'], [['1', 'x'], ['2', 'y']]);
 * t.numeric('a'); // Float64Array [1, 2]
 * ```
 */
export class StringTable implements Table {
  /** Column names, in file order. */
  readonly names: readonly string[];
  /** Number of data rows. */
  readonly nRows: number;
  private readonly index: Map<string, number>;
  private readonly cache = new Map<string, string[]>();
  constructor(
    /** The header (column names). */
    readonly header: string[],
    /** The data rows, each as long as the header. */
    readonly rows: string[][],
    /** Where the data came from, named in errors (default `<data>`). */
    readonly source = '<data>',
  ) {
    this.names = header;
    this.nRows = rows.length;
    this.index = new Map(header.map((h, i) => [h, i]));
  }

  /** Whether the table has a column of that name. */
  has(name: string): boolean {
    return this.index.has(name);
  }

  /** The column as text; a missing column is a {@link TableColumnError} listing the columns. */
  strings(name: string): readonly string[] {
    const j = this.index.get(name);
    if (j === undefined)
      throw new TableColumnError(this.source, name, `no such column (columns: ${this.names.join(', ')})`);
    let c = this.cache.get(name);
    if (!c) {
      c = this.rows.map((r) => r[j] ?? '');
      this.cache.set(name, c);
    }
    return c;
  }

  /** The column as numbers (pandas' NA strings are `NaN`); other text is a {@link TableColumnError} naming the row. */
  numeric(name: string): Float64Array {
    const s = this.strings(name);
    const out = new Float64Array(s.length);
    for (let i = 0; i < s.length; i++) {
      const text = s[i].trim();
      if (NA.has(text)) out[i] = NaN;
      else if (NUMBER_RE.test(text)) out[i] = Number(text);
      else throw new TableColumnError(this.source, name, `row ${i + 1}: not a number: ${JSON.stringify(s[i])}`);
    }
    return out;
  }
}

/**
 * Whether `x` is a {@link Table} (rather than an array of records).
 * @example
 * ```ts
 * isTable(await readCsv('a.csv')); // true
 * isTable([{ a: 1 }]); // false
 * ```
 */
export function isTable(x: unknown): x is Table {
  return (
    typeof x === 'object' &&
    x !== null &&
    !Array.isArray(x) &&
    typeof (x as Table).strings === 'function' &&
    typeof (x as Table).has === 'function' &&
    Array.isArray((x as Table).names)
  );
}

/**
 * Any {@link TableLike} as a {@link Table}: a table as is, records as a {@link StringTable} whose columns are the union
 * of their keys (in first-seen order; values as text, `null`/`undefined`/`NaN` missing).
 * @example
 * ```ts
 * asTable([{ name: 'a.png', label: 'cat' }]).strings('label'); // ['cat']
 * ```
 */
export function asTable(x: TableLike, source = '<data>'): Table {
  if (isTable(x)) return x;
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of x)
    for (const k of Object.keys(r))
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
  return new StringTable(
    names,
    x.map((r) => names.map((n) => cellText(r[n]))),
    source,
  );
}

/**
 * The rows of any {@link TableLike} as records of text (column name → value; `''` for a missing value).
 * @example
 * ```ts
 * tableRecords(await readCsv('labels.csv'))[0]; // { name: 'train/0.png', label: 'tshirt_top', is_valid: 'False' }
 * ```
 */
export function tableRecords(x: TableLike): Record<string, string>[] {
  const t = asTable(x);
  const cols = t.names.map((n) => t.strings(n));
  return Array.from({ length: t.nRows }, (_, i) => Object.fromEntries(t.names.map((n, j) => [n, cols[j][i]])));
}
