import { levelsAreNumeric, parseNumber, type CategoryColumn } from '../data/dataframe.js';
import type { ProcJSON, ProcState, TabularProc } from './proc.js';

/** The placeholder class at index 0 of every categorical vocab: missing and unseen values map to it. */
export const NA_CLASS = '#na#';

/** Text of a level as the vocab stores it: numbers canonical (`'2007.0'` → `'2007'`), other text as is. */
export function canonicalLevel(level: string): string {
  const v = parseNumber(level);
  return v === undefined ? level : String(v);
}

/** Sorted distinct values, numerically when they are all numbers (as pandas sorts an int column), else by code point. */
export function sortLevels(levels: Iterable<string>): string[] {
  const u = [...new Set(levels)];
  if (levelsAreNumeric(u)) return u.sort((a, b) => Number(a) - Number(b));
  return u.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Vocab codes of a column: missing and values not in the vocab give 0 (`#na#`). */
export function encodeCategory(col: CategoryColumn, vocab: readonly string[]): Int32Array {
  const index = new Map(vocab.map((v, i) => [v, i]));
  const byLevel = col.levels.map((l) => index.get(canonicalLevel(l)) ?? 0);
  const out = new Int32Array(col.codes.length);
  for (let i = 0; i < out.length; i++) {
    const c = col.codes[i];
    out[i] = c < 0 ? 0 : byLevel[c];
  }
  return out;
}

/**
 * Encodes each categorical column as integer codes into a vocab fit on the training rows: `#na#` at index 0,
 * then the training values sorted, as fastai's `Categorify`. Missing values and values never seen in training
 * map to 0.
 *
 * @example
 * ```ts
 * const p = new Categorify();
 * p.setup(state, trainIdx);
 * p.classes.sex; // ['#na#', 'female', 'male']
 * ```
 */
export class Categorify implements TabularProc {
  /** The proc's kind in its JSON, `'Categorify'`. */
  readonly type = 'Categorify';
  /** Runs after FillMissing (0) and before Normalize (99), as fastai's `order`. */
  readonly order = 1;
  /** Vocab of each categorical column. */
  classes: Record<string, string[]> = {};

  setup(state: ProcState, trainIdx: Int32Array): void {
    this.classes = {};
    for (const name of state.catNames) {
      const col = state.df.category(name);
      const seen = new Uint8Array(col.levels.length);
      for (let i = 0; i < trainIdx.length; i++) {
        const c = col.codes[trainIdx[i]];
        if (c >= 0) seen[c] = 1;
      }
      const present = col.levels.filter((_, k) => seen[k]).map(canonicalLevel);
      this.classes[name] = [NA_CLASS, ...sortLevels(present)];
    }
  }

  encode(state: ProcState): void {
    for (const name of state.catNames) {
      const vocab = this.classes[name];
      if (!vocab) throw new Error(`Categorify was not set up for column "${name}"`);
      const codes = encodeCategory(state.df.category(name), vocab);
      state.df = state.df.with(name, { kind: 'category', codes, levels: vocab });
    }
  }

  /** The fitted state as data, saved with an export. */
  toJSON(): ProcJSON {
    return { type: 'Categorify', classes: structuredClone(this.classes) };
  }

  /** Rebuilds the fitted proc saved by `toJSON`. */
  static fromJSON(j: Extract<ProcJSON, { type: 'Categorify' }>): Categorify {
    const p = new Categorify();
    p.classes = structuredClone(j.classes);
    return p;
  }
}
