import type { DataFrame } from './dataframe.js';

/** Options of {@link contCatSplit}. */
export interface ContCatSplitOptions {
  /** Integer columns with more distinct values than this are continuous (default 20). */
  maxCard?: number;
  /** Target column(s), left out of both lists. */
  depVar?: string | readonly string[];
}

/**
 * Splits the columns of `df` into continuous and categorical names, as fastai's `cont_cat_split`: a float
 * column is continuous, an integer column is continuous when it has more than `maxCard` distinct values,
 * everything else (text, booleans, small integer columns) is categorical. A column with missing values is a
 * float column, as in pandas.
 *
 * @example
 * ```ts
 * const [contNames, catNames] = contCatSplit(df, { maxCard: 20, depVar: 'price' });
 * ```
 */
export function contCatSplit(df: DataFrame, opts: ContCatSplitOptions = {}): [contNames: string[], catNames: string[]] {
  const maxCard = opts.maxCard ?? 20;
  const dep = new Set(typeof opts.depVar === 'string' ? [opts.depVar] : (opts.depVar ?? []));
  const cont: string[] = [];
  const cat: string[] = [];
  for (const name of df.names) {
    if (dep.has(name)) continue;
    const c = df.column(name);
    if (c.kind === 'category') {
      cat.push(name);
      continue;
    }
    const hasNa = c.values.some((v) => Number.isNaN(v));
    const isInt = c.integer && !hasNa;
    if (!isInt || new Set(c.values).size > maxCard) cont.push(name);
    else cat.push(name);
  }
  return [cont, cat];
}
