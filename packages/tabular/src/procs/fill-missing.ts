import type { ProcJSON, ProcState, FillStrategy, TabularProc } from './proc.js';
import { take } from './proc.js';

/** Options of {@link FillMissing} (fastai's defaults). */
export interface FillMissingOptions {
  /** `median` (default) of the training values, a `constant` from `fillVals`, or the most frequent value (`mode`). */
  fillStrategy?: FillStrategy;
  /** Add a `<col>_na` categorical column (`'False'`/`'True'`) for each column that had missing training values. Default true. */
  addCol?: boolean;
  /** Constants of the `constant` strategy, per column (default 0). */
  fillVals?: Record<string, number>;
}

/** The median of the non-missing values (the mean of the two middle ones for an even count, as pandas), or NaN. */
export function median(values: Float64Array): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort();
  if (!v.length) return NaN;
  const h = v.length >> 1;
  return v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

function mode(values: Float64Array): number {
  const counts = new Map<number, number>();
  for (const x of values) if (!Number.isNaN(x)) counts.set(x, (counts.get(x) ?? 0) + 1);
  let best = NaN;
  let n = 0;
  for (const [x, c] of counts)
    if (c > n || (c === n && x < best)) {
      best = x;
      n = c;
    }
  return best;
}

/**
 * Fills missing values of the continuous columns, as fastai's `FillMissing`: the fill value (the training
 * median by default) is learned from the training rows, and each column that had missing values in training
 * gets a `<col>_na` categorical column flagging the filled rows. A column with no missing training values is
 * filled with its training statistic too (fastai would refuse such data) but gets no flag column.
 *
 * @example
 * ```ts
 * const p = new FillMissing();
 * p.setup(state, trainIdx);
 * p.naCols; // ['age']: age had missing values in training, so age_na is added
 * ```
 */
export class FillMissing implements TabularProc {
  /** The proc's kind in its JSON, `'FillMissing'`. */
  readonly type = 'FillMissing';
  /** Runs first (before Categorify 1, so its `<col>_na` flags get a vocab), as fastai's `order`. */
  readonly order = 0;
  /** How missing cells are filled: `'median'` (default), `'constant'` or `'mode'` (fastai's `fill_strategy`). */
  readonly fillStrategy: FillStrategy;
  /** Whether a `<col>_na` flag column is added for each column with missing training values (default true; fastai's `add_col`). */
  readonly addCol: boolean;
  /** Per-column constants of the `'constant'` strategy (missing ones are 0; fastai's `fill_vals`). */
  readonly fillVals: Record<string, number>;
  /** Fill value of every continuous column (learned on the training rows). */
  fillValues: Record<string, number> = {};
  /** Columns that had missing values in the training rows (fastai's `na_dict` keys). */
  naCols: string[] = [];

  constructor(opts: FillMissingOptions = {}) {
    this.fillStrategy = opts.fillStrategy ?? 'median';
    this.addCol = opts.addCol ?? true;
    this.fillVals = { ...opts.fillVals };
  }

  /** fastai's `na_dict`: fill value of each column that had missing training values. */
  get naDict(): Record<string, number> {
    return Object.fromEntries(this.naCols.map((n) => [n, this.fillValues[n]]));
  }

  setup(state: ProcState, trainIdx: Int32Array): void {
    this.fillValues = {};
    this.naCols = [];
    for (const name of state.contNames) {
      const train = take(state.df.numeric(name), trainIdx);
      if (train.some((x) => Number.isNaN(x))) this.naCols.push(name);
      this.fillValues[name] =
        this.fillStrategy === 'median'
          ? median(train)
          : this.fillStrategy === 'mode'
            ? mode(train)
            : (this.fillVals[name] ?? 0);
    }
  }

  encode(state: ProcState): void {
    const naCols = new Set(this.naCols);
    for (const name of state.contNames) {
      const fill = this.fillValues[name];
      if (fill === undefined) throw new Error(`FillMissing was not set up for column "${name}"`);
      const values = Float64Array.from(state.df.numeric(name));
      const flag = naCols.has(name) && this.addCol ? new Int32Array(values.length) : undefined;
      for (let i = 0; i < values.length; i++)
        if (Number.isNaN(values[i])) {
          values[i] = fill;
          if (flag) flag[i] = 1;
        }
      state.df = state.df.with(name, { kind: 'number', values, integer: false });
      if (flag) {
        const na = `${name}_na`;
        state.df = state.df.with(na, { kind: 'category', codes: flag, levels: ['False', 'True'] });
        if (!state.catNames.includes(na)) state.catNames.push(na);
      }
    }
  }

  /** The fitted state as data, saved with an export. */
  toJSON(): ProcJSON {
    return {
      type: 'FillMissing',
      fillStrategy: this.fillStrategy,
      addCol: this.addCol,
      fillVals: { ...this.fillVals },
      fillValues: { ...this.fillValues },
      naCols: [...this.naCols],
    };
  }

  /** Rebuilds the fitted proc saved by `toJSON`. */
  static fromJSON(j: Extract<ProcJSON, { type: 'FillMissing' }>): FillMissing {
    const p = new FillMissing({ fillStrategy: j.fillStrategy, addCol: j.addCol, fillVals: j.fillVals });
    p.fillValues = { ...j.fillValues };
    p.naCols = [...j.naCols];
    return p;
  }
}
