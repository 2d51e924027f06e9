// The real data sets as the tests, the bench and the scripts load them: ln(price) regression tables (ames, diamonds),
// the insteval ratings and titanic's columns.
import { datasets } from '@tfai/datasets';
import { CollabDataLoaders } from '../collab/collab-dataloaders.js';
import { contCatSplit } from '../data/cont-cat-split.js';
import type { DataFrame } from '../data/dataframe.js';
import { readDataFrame } from '../data/read-data-frame.js';
import { TabularDataLoaders } from '../data/tabular-dataloaders.js';
import { Categorify } from '../procs/categorify.js';
import { FillMissing } from '../procs/fill-missing.js';
import { Normalize } from '../procs/normalize.js';

/** The CSV with `log_price` = ln(price) added, and fastai's cont_cat_split of the other columns. */
export async function withLogPrice(
  file: string,
  price: string,
): Promise<{ df: DataFrame; cont: string[]; cat: string[] }> {
  const raw = await readDataFrame(file);
  const df = raw.with('log_price', {
    kind: 'number',
    values: Float64Array.from(raw.numeric(price), Math.log),
    integer: false,
  });
  const [cont, cat] = contCatSplit(df, { depVar: [price, 'log_price'] });
  return { df, cont, cat };
}

/**
 * Loaders of `log_price` from the other columns of a {@link withLogPrice} table, 20% of the rows (seed 42) held out.
 * @example
 * ```ts
 * const dls = logPriceDls(await withLogPrice(`${datasets.path('ames')}/ames.csv`, 'Sale_Price'), 64);
 * ```
 */
export function logPriceDls(t: { df: DataFrame; cont: string[]; cat: string[] }, bs: number): TabularDataLoaders {
  return TabularDataLoaders.fromDf(t.df, {
    yNames: ['log_price'],
    catNames: t.cat,
    contNames: t.cont,
    validPct: 0.2,
    seed: 42,
    bs,
  });
}

/** insteval's `ratings.csv`: user × item → rating, split by its `is_valid` column, 512 ratings a batch. */
export function instevalDls(): Promise<CollabDataLoaders> {
  return CollabDataLoaders.fromCsv(`${datasets.path('insteval')}/ratings.csv`, {
    userName: 'user',
    itemName: 'item',
    ratingName: 'rating',
    validCol: 'is_valid',
    bs: 512,
    seed: 0,
  });
}

/**
 * titanic.csv's survival from class, sex, age and family (FillMissing, Categorify, Normalize), 20% of the rows held
 * out, 64 rows a batch; the split's seed is the caller's.
 * @example
 * ```ts
 * const dls = await TabularDataLoaders.fromCsv(`${datasets.path('titanic')}/titanic.csv`, { ...TITANIC, seed: 42 });
 * ```
 */
export const TITANIC = {
  yNames: ['survived'],
  catNames: ['pclass', 'sex'],
  contNames: ['age', 'sibsp', 'parch'],
  procs: [Categorify, FillMissing, Normalize],
  validPct: 0.2,
  bs: 64,
};
