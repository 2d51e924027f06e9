// Encoded rows back to readable values (fastai's `decode` of a TabularPandas batch), and a plain-text table of
// them for `showResults`.
import type { Tabular } from '../data/tabular.js';
import { Categorify } from '../procs/categorify.js';
import { Normalize } from '../procs/normalize.js';

/** One decoded row: category names (`#na#` for missing or unseen), continuous values in their own units. */
export type DecodedRow = Record<string, string | number>;

/** Keeps 6 significant digits (undoes float32 noise such as 29.999998 after de-normalising). */
export function tidyNumber(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : v;
}

/**
 * `v·std + mean`, rounded to 1e-5 of the column's std (float32 keeps about 7 digits of the normalised value, so
 * finer digits are noise: 0 comes back as 0, not 8.9e-5).
 */
export function denormalize(v: number, mean: number, std: number): number {
  const x = v * std + mean;
  if (!Number.isFinite(x) || !(std > 0)) return x;
  const digits = Math.max(0, Math.min(20, -Math.floor(Math.log10(std * 1e-5))));
  return Number(x.toFixed(digits)) + 0; // + 0: -0 (a tiny negative rounded) shows as 0
}

/**
 * Decodes `n` encoded rows: `xCat` `[n, nCat]` vocab codes → class names, `xCont` `[n, nCont]` → de-normalised
 * values (missing ones show the fill value the model saw).
 * @example
 * ```ts
 * decodeInputs(dls.tabular, await xCat.data(), await xCont.data(), 2); // [{ sex: 'male', age: 28, … }, …]
 * ```
 */
export function decodeInputs(
  tabular: Tabular,
  xCat: ArrayLike<number>,
  xCont: ArrayLike<number>,
  n: number,
): DecodedRow[] {
  const classes = tabular.procs.find((p): p is Categorify => p instanceof Categorify)?.classes ?? {};
  const norm = tabular.procs.find((p): p is Normalize => p instanceof Normalize);
  const cats = tabular.catNames;
  const conts = tabular.contNames;
  const rows: DecodedRow[] = [];
  for (let i = 0; i < n; i++) {
    const r: DecodedRow = {};
    cats.forEach((c, j) => {
      const code = xCat[i * cats.length + j];
      r[c] = classes[c]?.[code] ?? String(code);
    });
    conts.forEach((c, j) => {
      const v = xCont[i * conts.length + j];
      r[c] = norm && norm.means[c] !== undefined ? denormalize(v, norm.means[c], norm.stds[c]) : tidyNumber(v);
    });
    rows.push(r);
  }
  return rows;
}

/**
 * The targets of `n` rows as readable values by target column: a class name (`category`), a number
 * (`regression`) or `'True'`/`'False'` (`multiCategory`). `y` is class indices `[n]` or floats/flags `[n, nY]`.
 * @example
 * ```ts
 * decodeTargets(dls.tabular, Int32Array.from([1, 0]), 2); // [{ Status: 'good' }, { Status: 'bad' }]
 * ```
 */
export function decodeTargets(tabular: Tabular, y: ArrayLike<number>, n: number): DecodedRow[] {
  const t = tabular.targets;
  if (!t) return Array.from({ length: n }, () => ({}));
  const nY = t.yBlock === 'category' ? 1 : t.yNames.length;
  return Array.from({ length: n }, (_, i) => {
    const r: DecodedRow = {};
    t.yNames.forEach((name, j) => {
      const v = y[i * nY + j];
      r[name] =
        t.yBlock === 'category'
          ? (t.vocab![v] ?? String(v))
          : t.yBlock === 'multiCategory'
            ? v
              ? 'True'
              : 'False'
            : tidyNumber(v);
    });
    return r;
  });
}
