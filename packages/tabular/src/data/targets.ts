import { parseFlag } from '@tfai/core';
import { AllMissingError, InvalidTargetError, TabularOptionsError } from '../errors.js';
import { canonicalLevel, encodeCategory, sortLevels } from '../procs/categorify.js';
import { levelsAreNumeric, type DataFrame } from './dataframe.js';

/** How targets are encoded: a class index (`category`), floats (`regression`, one or more columns) or 0/1 flags (`multiCategory`). */
export type YBlock = 'category' | 'regression' | 'multiCategory';

/** {@link Targets} as plain JSON. */
export interface TargetsJSON {
  /** How the targets are encoded: `'category'`, `'regression'` or `'multiCategory'`. */
  yBlock: YBlock;
  /** The target column(s). */
  yNames: string[];
  /** Sorted classes of a category target (or the columns of a multi-category one); absent for regression. */
  vocab?: string[];
}

/** `true`/`false` from text such as `TRUE`, `False`, `1`, `no` (case-insensitive); undefined otherwise. */
export function parseBool(text: string): boolean | undefined {
  return parseFlag(text); // core's one rule for boolean flags
}

/** A column as 0/1 flags (numbers as they are, boolean text as 0/1); -1 where missing, NaN where not boolean. */
export function booleanColumn(df: DataFrame, name: string): Float64Array {
  const c = df.column(name);
  if (c.kind === 'number') return Float64Array.from(c.values, (v) => (Number.isNaN(v) ? -1 : v));
  const byLevel = c.levels.map((l) => {
    const b = parseBool(l);
    return b === undefined ? NaN : b ? 1 : 0;
  });
  return Float64Array.from(c.codes, (k) => (k < 0 ? -1 : byLevel[k]));
}

/**
 * The targets: their block, names and (for classification) the vocab fit on the training rows, sorted, with
 * no `#na#` (as fastai's `Categorize`). Encoded targets are an `Int32Array` of class indices (`category`) or a
 * row-major `Float32Array` `[n, nY]`. A missing target, or a class not seen in training, throws
 * {@link InvalidTargetError} naming the column and row.
 *
 * @example
 * ```ts
 * const t = Targets.fit(df, ['species'], trainIdx);
 * t.yBlock; // 'category' (the column is text)
 * t.vocab; // ['Adelie', 'Chinstrap', 'Gentoo']
 * ```
 */
export class Targets {
  constructor(
    /** How the targets are encoded: `'category'` (class index), `'regression'` (floats) or `'multiCategory'` (0/1 flags). */
    readonly yBlock: YBlock,
    /** The target column(s): one for `'category'`, one or more otherwise (fastai's `y_names`). */
    readonly yNames: readonly string[],
    /** Classes fit on the training rows, sorted, no `#na#` (`vocab[i]` is class index i); the column names for `'multiCategory'`; undefined for regression. */
    readonly vocab?: readonly string[],
  ) {}

  /**
   * Infers the block (numbers → regression, else category, as fastai) and fits the vocab on `trainIdx`, unless
   * `given` lists the classes (then used in that order; a target outside it is an {@link InvalidTargetError}).
   */
  static fit(
    df: DataFrame,
    yNames: readonly string[],
    trainIdx: Int32Array,
    yBlock?: YBlock,
    given?: readonly string[],
  ): Targets {
    if (!yNames.length) throw new TabularOptionsError('no target column (yNames is empty)');
    const block = yBlock ?? (yNames.every((n) => isNumeric(df, n)) ? 'regression' : 'category');
    if (block !== 'category') {
      for (const n of yNames) df.column(n);
      return new Targets(block, yNames, block === 'multiCategory' ? [...yNames] : undefined);
    }
    if (yNames.length !== 1)
      throw new TabularOptionsError(
        `a category target takes one column, got ${yNames.length} (${yNames.join(', ')}); use yBlock 'multiCategory' for several 0/1 columns`,
      );
    if (given) {
      const classes = given.map(canonicalLevel);
      if (classes.length < 2 || new Set(classes).size !== classes.length)
        throw new TabularOptionsError(
          `the vocab of target "${yNames[0]}" must list at least 2 distinct classes, got [${given.join(', ')}]`,
        );
      df.column(yNames[0]);
      return new Targets('category', yNames, classes);
    }
    const col = df.category(yNames[0]);
    const seen = new Uint8Array(col.levels.length);
    for (const i of trainIdx) if (col.codes[i] >= 0) seen[col.codes[i]] = 1;
    const vocab = sortLevels(col.levels.filter((_, k) => seen[k]).map(canonicalLevel));
    if (vocab.length === 0) throw new AllMissingError(df.source, yNames[0], 'in the training rows');
    if (vocab.length < 2)
      throw new TabularOptionsError(
        `${df.source}: target column "${yNames[0]}" has a single class (${JSON.stringify(vocab[0])}) in the training rows; a classifier needs at least 2`,
      );
    return new Targets('category', yNames, vocab);
  }

  /** Number of model outputs (fastai's `dls.c`): classes, or target columns. */
  get c(): number {
    return this.yBlock === 'category' ? this.vocab!.length : this.yNames.length;
  }

  /** Encodes the targets of every row of `df`. */
  encode(df: DataFrame): Int32Array | Float32Array {
    if (this.yBlock === 'category') {
      const name = this.yNames[0];
      const col = df.category(name);
      // Shift by one so that 0 flags "missing or unseen" (encodeCategory's #na#).
      const codes = encodeCategory(col, ['\u0000#na#', ...this.vocab!]);
      for (let i = 0; i < codes.length; i++) {
        if (codes[i] === 0) {
          const reason =
            col.codes[i] < 0
              ? 'missing value'
              : `class ${JSON.stringify(col.levels[col.codes[i]])} is not in the training vocab [${this.vocab!.join(', ')}]`;
          throw new InvalidTargetError(df.source, name, i + 1, reason);
        }
        codes[i] -= 1;
      }
      return codes;
    }
    const nY = this.yNames.length;
    const out = new Float32Array(df.nRows * nY);
    this.yNames.forEach((name, j) => {
      const v = this.yBlock === 'regression' ? df.numeric(name) : booleanColumn(df, name);
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (Number.isNaN(x) || (this.yBlock === 'multiCategory' && x < 0))
          throw new InvalidTargetError(
            df.source,
            name,
            i + 1,
            this.yBlock === 'regression' || x < 0 ? 'missing value' : 'not a boolean (0/1, true/false)',
          );
        out[i * nY + j] = x;
      }
    });
    return out;
  }

  /** The fitted targets (names, classes) as data. */
  toJSON(): TargetsJSON {
    return { yBlock: this.yBlock, yNames: [...this.yNames], ...(this.vocab ? { vocab: [...this.vocab] } : {}) };
  }

  /** Rebuilds targets saved by `toJSON`. */
  static fromJSON(j: TargetsJSON): Targets {
    return new Targets(j.yBlock, j.yNames, j.vocab);
  }
}

function isNumeric(df: DataFrame, name: string): boolean {
  const c = df.column(name);
  return c.kind === 'number' || levelsAreNumeric(c.levels);
}
