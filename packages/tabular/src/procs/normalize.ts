import type { ProcJSON, ProcState, TabularProc } from './proc.js';

/** Mean and population standard deviation (ddof 0) of the non-missing values at `idx`, in float64. */
export function meanStd(values: Float64Array | Float32Array, idx: Int32Array): { mean: number; std: number } {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < idx.length; i++) {
    const x = values[idx[i]];
    if (!Number.isNaN(x)) {
      sum += x;
      n++;
    }
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < idx.length; i++) {
    const x = values[idx[i]];
    if (!Number.isNaN(x)) ss += (x - mean) * (x - mean);
  }
  return { mean, std: Math.sqrt(ss / n) };
}

/**
 * Standardises each continuous column with the mean and standard deviation (ddof 0, plus 1e-7) of the training
 * rows, as fastai's `Normalize` on tabular data. Encoded columns are `Float32Array`.
 *
 * @example
 * ```ts
 * const p = new Normalize();
 * p.setup(state, trainIdx);
 * p.means.age; p.stds.age; // training statistics
 * ```
 */
export class Normalize implements TabularProc {
  /** The proc's kind in its JSON, `'Normalize'`. */
  readonly type = 'Normalize';
  /** Runs last, after FillMissing (0) and Categorify (1), as fastai's `order`. */
  readonly order = 99;
  /** Mean of each continuous column over the training rows (learned by `setup`). */
  means: Record<string, number> = {};
  /** Standard deviation (ddof 0) plus 1e-7 of each continuous column over the training rows. */
  stds: Record<string, number> = {};

  setup(state: ProcState, trainIdx: Int32Array): void {
    this.means = {};
    this.stds = {};
    for (const name of state.contNames) {
      const { mean, std } = meanStd(state.df.numeric(name), trainIdx);
      this.means[name] = mean;
      this.stds[name] = std + 1e-7;
    }
  }

  encode(state: ProcState): void {
    for (const name of state.contNames) {
      const m = this.means[name];
      const s = this.stds[name];
      if (m === undefined || s === undefined) throw new Error(`Normalize was not set up for column "${name}"`);
      const x = state.df.numeric(name);
      const out = new Float32Array(x.length);
      for (let i = 0; i < x.length; i++) out[i] = (x[i] - m) / s;
      state.df = state.df.with(name, { kind: 'number', values: out, integer: false });
    }
  }

  /** The fitted state as data, saved with an export. */
  toJSON(): ProcJSON {
    return { type: 'Normalize', means: { ...this.means }, stds: { ...this.stds } };
  }

  /** Rebuilds the fitted proc saved by `toJSON`. */
  static fromJSON(j: Extract<ProcJSON, { type: 'Normalize' }>): Normalize {
    const p = new Normalize();
    p.means = { ...j.means };
    p.stds = { ...j.stds };
    return p;
  }
}
