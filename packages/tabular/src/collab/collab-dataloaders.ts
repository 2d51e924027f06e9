import type * as tf from '@tensorflow/tfjs-core';
import { DataLoader, type TableLike } from '@tfai/core';
import { MissingColumnError } from '../errors.js';
import { DataFrame } from '../data/dataframe.js';
import { readDataFrame } from '../data/read-data-frame.js';
import type { SplitOptions } from '../data/splits.js';
import { TableDataLoaders } from '../data/table-dataloaders.js';
import type { Tabular } from '../data/tabular.js';
import { TabularPandas, tableLoaders } from '../data/tabular-pandas.js';
import { TabularDataset } from '../data/tabular-dataset.js';
import { emptyTable, encodeRows } from '../data/tabular-dataloaders.js';
import { Categorify } from '../procs/categorify.js';

/** Options of {@link CollabDataLoaders.fromCsv}. */
export interface CollabDataLoadersOptions extends SplitOptions {
  /** User column (default: the first column). */
  userName?: string;
  /** Item column (default: the second column). */
  itemName?: string;
  /** Rating column (default: the third column). */
  ratingName?: string;
  /** Batch size (default 64). */
  bs?: number;
  /** Validation batch size (default `bs`). */
  valBs?: number;
  /** Batches prepared ahead (default 2). */
  prefetch?: number;
}

/**
 * Loaders for collaborative filtering, as fastai's `CollabDataLoaders`: users and items categorified (vocabs fit
 * on the training rows, `#na#` first), ratings as float targets. Batches are `{x: [int32 [bs, 2]], y: float32 [bs, 1]}`.
 *
 * @example
 * ```ts
 * const dls = await CollabDataLoaders.fromCsv('ratings.csv', { userName: 'user', itemName: 'item', ratingName: 'rating', validCol: 'is_valid', bs: 512, seed: 0 });
 * const model = new EmbeddingDotBias(50, dls.classes.user.length, dls.classes.item.length, [0, 5.5]);
 * ```
 */
export class CollabDataLoaders extends TableDataLoaders {
  /** The user column. */
  get userName(): string {
    return this.tabular.rawCatNames[0];
  }
  /** The item column. */
  get itemName(): string {
    return this.tabular.rawCatNames[1];
  }
  /** The rating column. */
  get ratingName(): string {
    return this.tabular.yNames[0];
  }

  /**
   * Loaders with no rows around fitted user/item vocabs (what `loadLearner` rebuilds from an export).
   * @example
   * ```ts
   * const dls = CollabDataLoaders.forInference(Tabular.fromJSON(json));
   * ```
   */
  static forInference(tabular: Tabular, opts: { bs?: number } = {}): CollabDataLoaders {
    const data = emptyTable(tabular);
    const ds = new TabularDataset(data, new Int32Array(0), false);
    const dl = new DataLoader(ds, { bs: opts.bs ?? 64, collate: (items) => ds.collate(items) });
    return new CollabDataLoaders(dl, dl, tabular, data, [new Int32Array(0), new Int32Array(0)]);
  }

  /**
   * Encodes `{[userName]: u, [itemName]: i}` objects (or `[u, i]` pairs) into the model input `[x int32 [n, 2]]`;
   * a user or item not seen in training maps to `#na#` (0), as fastai's Categorify.
   */
  override async encodeItems(items: unknown[]): Promise<tf.Tensor[]> {
    const [u, i] = this.tabular.rawCatNames;
    return encodeRows(
      this.tabular,
      items.map((it) => (Array.isArray(it) && it.length === 2 ? { [u]: it[0] as unknown, [i]: it[1] as unknown } : it)),
      false,
    );
  }

  /** Streams `path` (only the user, item, rating and `validCol` columns are kept) and builds the loaders. */
  static async fromCsv(path: string, opts: CollabDataLoadersOptions = {}): Promise<CollabDataLoaders> {
    const named = [opts.userName, opts.itemName, opts.ratingName].filter((n): n is string => n !== undefined);
    const positional = named.length < 3;
    const df = await readDataFrame(path, {
      categorical: [opts.userName, opts.itemName].filter((n): n is string => n !== undefined),
      numeric: opts.ratingName !== undefined ? [opts.ratingName] : [],
      required: opts.validCol !== undefined ? [opts.validCol] : [],
      only: positional ? undefined : [...named, ...(opts.validCol !== undefined ? [opts.validCol] : [])],
    });
    return CollabDataLoaders.fromDf(df, opts);
  }

  /**
   * Builds the loaders from a table of ratings (any core `Table`: a `DataFrame`, core's `readCsv` result, records),
   * as fastai's `from_df`: a {@link TabularPandas} of the user and item categorified and the rating as a float target.
   */
  static fromDf(table: TableLike, opts: CollabDataLoadersOptions = {}): CollabDataLoaders {
    const df = DataFrame.from(table);
    const names = df.names;
    const pick = (given: string | undefined, i: number): string => {
      const n = given ?? names[i];
      if (n === undefined) throw new MissingColumnError(df.source, `column ${i + 1}`, names);
      return n;
    };
    const user = pick(opts.userName, 0);
    const item = pick(opts.itemName, 1);
    const rating = pick(opts.ratingName, 2);
    // fastai's CollabDataLoaders.from_df: a TabularPandas of [user, item] categorified, the rating a float target.
    const to = new TabularPandas(df, {
      ...opts,
      catNames: [user, item],
      contNames: [],
      yNames: [rating],
      procs: [Categorify],
      yBlock: 'regression',
    });
    const [train, valid] = tableLoaders(
      to,
      { bs: opts.bs, valBs: opts.valBs, prefetch: opts.prefetch, seed: opts.seed },
      false,
    );
    return new CollabDataLoaders(train, valid, to.tabular, to.data, to.splits);
  }
}
