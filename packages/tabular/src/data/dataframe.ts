import { DEFAULT_NA_VALUES, asTable, isTable, type Table, type TableLike } from '@tfai/core';
import { MissingColumnError, NonNumericValueError } from '../errors.js';

/** A column of numbers; `NaN` marks a missing value. `integer` is true when every value was written as an integer. */
export interface NumericColumn {
  /** Discriminant: a numeric column. */
  readonly kind: 'number';
  /** One value per row, `NaN` for a missing cell. */
  readonly values: Float64Array | Float32Array;
  /** True when every present value was written as an integer (such a column sorts as pandas' int columns). */
  readonly integer: boolean;
}

/** A dictionary-encoded column: `levels[codes[i]]` is row i's text, code -1 a missing value. */
export interface CategoryColumn {
  /** Discriminant: a dictionary-encoded text column. */
  readonly kind: 'category';
  /** One code per row, an index into `levels`; -1 for a missing cell. */
  readonly codes: Int32Array;
  /** The distinct texts in order of first appearance (not sorted; Categorify sorts its vocab). */
  readonly levels: readonly string[];
}

/** One column of a DataFrame: numbers (`Float32Array`, NaN for missing) or categories (strings, `null` for missing). */
export type Column = NumericColumn | CategoryColumn;

/** A raw cell as given from JavaScript (`null`, `undefined`, `NaN` and the NA strings are missing). */
export type RawValue = string | number | boolean | null | undefined;

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER_RE = /^[+-]?\d+$/;

/** The number written in `text` (decimal notation only, as pandas reads it), or undefined. */
export function parseNumber(text: string): number | undefined {
  return NUMBER_RE.test(text) ? Number(text) : undefined;
}

/** Whether every level is written as a number (such category columns sort numerically, as pandas' int columns). */
export function levelsAreNumeric(levels: readonly string[]): boolean {
  return levels.every((l) => NUMBER_RE.test(l));
}

/**
 * Accumulates one column cell by cell into typed arrays: numbers while every value parses as one, a dictionary
 * of strings otherwise. Declared `number` columns throw {@link NonNumericValueError} on text; declared `category`
 * columns keep the text as is.
 */
export class ColumnBuilder {
  private mode: 'unknown' | 'number' | 'category';
  private n = 0;
  private nums = new Float64Array(0);
  private codes = new Int32Array(0);
  private integer = true;
  private readonly index = new Map<string, number>();
  private readonly levels: string[] = [];
  constructor(
    /** The column's name (its header), used in error messages. */
    readonly name: string,
    /** Where the cells come from (a CSV path, or `<data>` for in-memory data), named in error messages. */
    readonly source: string,
    private readonly declared?: 'number' | 'category',
    private readonly naValues: ReadonlySet<string> = new Set(DEFAULT_NA_VALUES),
  ) {
    this.mode = declared === 'category' ? 'category' : 'unknown';
  }

  private grow(): void {
    const cap = Math.max(1024, this.n * 2);
    if (this.mode === 'number') {
      const a = new Float64Array(cap);
      a.set(this.nums.subarray(0, this.n));
      this.nums = a;
    } else {
      const a = new Int32Array(cap);
      a.set(this.codes.subarray(0, this.n));
      this.codes = a;
    }
  }

  private code(text: string): number {
    let c = this.index.get(text);
    if (c === undefined) {
      c = this.levels.length;
      this.levels.push(text);
      this.index.set(text, c);
    }
    return c;
  }

  private switchTo(mode: 'number' | 'category'): void {
    const prev = this.mode;
    this.mode = mode;
    if (mode === 'number') {
      this.nums = new Float64Array(Math.max(1024, this.n * 2)).fill(NaN);
    } else {
      this.codes = new Int32Array(Math.max(1024, this.n * 2)).fill(-1);
      if (prev === 'number')
        for (let i = 0; i < this.n; i++)
          this.codes[i] = Number.isNaN(this.nums[i]) ? -1 : this.code(String(this.nums[i]));
      this.nums = new Float64Array(0);
    }
  }

  /** Appends a cell given as CSV text (`row` is 1-based, for error messages). */
  pushText(raw: string, row: number): void {
    const text = raw.trimStart();
    const missing = this.naValues.has(text);
    if (this.mode === 'unknown' && !missing)
      this.switchTo(parseNumber(text) === undefined && this.declared !== 'number' ? 'category' : 'number');
    if (this.mode === 'number') {
      let v = NaN;
      if (!missing) {
        const x = parseNumber(text);
        if (x === undefined) {
          if (this.declared === 'number') throw new NonNumericValueError(this.source, this.name, row, raw);
          this.switchTo('category');
          this.pushText(raw, row);
          return;
        }
        v = x;
        if (this.integer && !INTEGER_RE.test(text)) this.integer = false;
      }
      if (this.n === this.nums.length) this.grow();
      this.nums[this.n++] = v;
    } else if (this.mode === 'category') {
      if (this.n === this.codes.length) this.grow();
      this.codes[this.n++] = missing ? -1 : this.code(text);
    } else this.n++;
  }

  /** Appends a JavaScript value. */
  push(v: RawValue, row: number): void {
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) this.pushText('', row);
    else if (typeof v === 'boolean') this.pushText(v ? 'True' : 'False', row);
    else this.pushText(String(v), row);
  }

  /** The finished column (an all-missing column is numeric, as pandas makes it float64). */
  build(): Column {
    if (this.mode === 'category') return { kind: 'category', codes: this.codes.slice(0, this.n), levels: this.levels };
    if (this.mode === 'unknown') return { kind: 'number', values: new Float64Array(this.n).fill(NaN), integer: false };
    return { kind: 'number', values: this.nums.slice(0, this.n), integer: this.integer };
  }
}

/**
 * A columnar table: each column a typed array (numbers as `Float64Array` with `NaN` for missing, text as
 * dictionary codes). What `readDataFrame` produces and the tabular procs read; no per-row objects. A core
 * `Table`, so it feeds vision's, text's and siamese's `fromDf` too; {@link DataFrame.from} takes any table back.
 *
 * @example
 * ```ts
 * const df = DataFrame.fromRecords([{ a: 1, b: 'x' }, { a: null, b: 'y' }]);
 * df.numeric('a'); // Float64Array [1, NaN]
 * df.category('b').levels; // ['x', 'y']
 * ```
 */
export class DataFrame implements Table {
  /** Number of rows (every column has this length). */
  readonly nRows: number;
  private readonly cols: Map<string, Column>;
  constructor(
    columns: Map<string, Column> | Record<string, Column>,
    /** Where the data came from (a file path), named in errors. */
    readonly source = '<data>',
  ) {
    this.cols = columns instanceof Map ? new Map(columns) : new Map(Object.entries(columns));
    const lengths = [...this.cols.values()].map((c) => (c.kind === 'number' ? c.values.length : c.codes.length));
    this.nRows = lengths[0] ?? 0;
    if (lengths.some((l) => l !== this.nRows))
      throw new RangeError(`${source}: columns of different lengths (${lengths.join(', ')})`);
  }

  /**
   * Any core `Table` (core's `readCsv` result, rows as records) as a frame: a frame as is; other tables are typed
   * column by column from their text, as `readDataFrame` types a file (numbers where every value is one).
   * @example
   * ```ts
   * const df = DataFrame.from(await readCsv('adult.csv')); // core's reader, tabular's typed columns
   * ```
   */
  static from(table: TableLike, opts: { naValues?: readonly string[] } = {}): DataFrame {
    if (table instanceof DataFrame) return table;
    const t = isTable(table) ? table : asTable(table);
    const na = new Set(opts.naValues ?? DEFAULT_NA_VALUES);
    const out = new Map<string, Column>();
    for (const name of t.names) {
      const b = new ColumnBuilder(name, t.source, undefined, na);
      const values = t.strings(name);
      for (let i = 0; i < values.length; i++) b.pushText(values[i], i + 1);
      out.set(name, b.build());
    }
    return new DataFrame(out, t.source);
  }

  /** Builds a frame from row objects (for small inputs and inference); columns are the union of the keys. */
  static fromRecords(
    rows: readonly Record<string, RawValue>[],
    opts: { source?: string; naValues?: readonly string[] } = {},
  ): DataFrame {
    const names: string[] = [];
    const seen = new Set<string>();
    for (const r of rows)
      for (const k of Object.keys(r))
        if (!seen.has(k)) {
          seen.add(k);
          names.push(k);
        }
    return DataFrame.fromColumns(Object.fromEntries(names.map((n) => [n, rows.map((r) => r[n])])), opts);
  }

  /** Builds a frame from arrays of values, one per column. */
  static fromColumns(
    columns: Record<string, readonly RawValue[]>,
    opts: { source?: string; naValues?: readonly string[] } = {},
  ): DataFrame {
    const source = opts.source ?? '<data>';
    const na = new Set(opts.naValues ?? DEFAULT_NA_VALUES);
    const out = new Map<string, Column>();
    for (const [name, values] of Object.entries(columns)) {
      const b = new ColumnBuilder(name, source, undefined, na);
      values.forEach((v, i) => b.push(v, i + 1));
      out.set(name, b.build());
    }
    return new DataFrame(out, source);
  }

  /** Column names in file order. */
  get names(): string[] {
    return [...this.cols.keys()];
  }

  /** Whether the frame has a column of that name. */
  has(name: string): boolean {
    return this.cols.has(name);
  }

  /** The column, or a {@link MissingColumnError}. */
  column(name: string): Column {
    const c = this.cols.get(name);
    if (!c) throw new MissingColumnError(this.source, name, this.names);
    return c;
  }

  /** A new frame with this column added or replaced. */
  with(name: string, column: Column): DataFrame {
    const m = new Map(this.cols);
    m.set(name, column);
    return new DataFrame(m, this.source);
  }

  /** The column as numbers (`NaN` = missing); a text column whose values are not all numbers throws {@link NonNumericValueError} naming the first bad row. */
  numeric(name: string): Float64Array | Float32Array {
    const c = this.column(name);
    if (c.kind === 'number') return c.values;
    const byLevel = c.levels.map((l) => parseNumber(l));
    const out = new Float64Array(c.codes.length);
    for (let i = 0; i < out.length; i++) {
      const code = c.codes[i];
      if (code < 0) out[i] = NaN;
      else {
        const v = byLevel[code];
        if (v === undefined) throw new NonNumericValueError(this.source, name, i + 1, c.levels[code]);
        out[i] = v;
      }
    }
    return out;
  }

  /** The column as text (core's `Table`): category names, numbers as JavaScript writes them, `''` for missing. */
  strings(name: string): string[] {
    const c = this.column(name);
    if (c.kind === 'category') return Array.from(c.codes, (k) => (k < 0 ? '' : c.levels[k]));
    return Array.from(c.values, (v) => (Number.isNaN(v) ? '' : String(v)));
  }

  /** The column as dictionary codes (a numeric column's levels are its distinct values as text). */
  category(name: string): CategoryColumn {
    const c = this.column(name);
    if (c.kind === 'category') return c;
    const index = new Map<number, number>();
    const levels: string[] = [];
    const codes = new Int32Array(c.values.length);
    for (let i = 0; i < codes.length; i++) {
      const v = c.values[i];
      if (Number.isNaN(v)) codes[i] = -1;
      else {
        let k = index.get(v);
        if (k === undefined) {
          k = levels.length;
          levels.push(String(v));
          index.set(v, k);
        }
        codes[i] = k;
      }
    }
    return { kind: 'category', codes, levels };
  }
}
