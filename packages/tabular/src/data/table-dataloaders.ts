// What TabularDataLoaders and CollabDataLoaders share: loaders over the rows of one encoded table, with the fitted
// preprocessing an exported model keeps.
import * as tf from '@tensorflow/tfjs-core';
import { DataLoaders, formatTable, type DataLoader, type ShowRow, type ShownRows, type ShowsRows } from '@tfai/core';
import { TabularOptionsError } from '../errors.js';
import { decodeInputs, decodeTargets } from '../learner/decode.js';
import { TabularDataset } from './tabular-dataset.js';
import type { Splits } from './splits.js';
import type { EncodedTable, Tabular } from './tabular.js';

/** Options of {@link TableDataLoaders.showBatch}. */
export interface TabularShowBatchOptions {
  /** Rows shown (default 10, as fastai's `TabularPandas.show`). */
  maxN?: number;
  /** Loader to take the batch from (default the training loader, as fastai's `dls.show_batch`). */
  dl?: DataLoader<unknown>;
  /** Where the table's lines go (default `console.log`). */
  logger?: (line: string) => void;
}

/**
 * Training and validation loaders over the rows of one encoded table, with the fitted preprocessing (`tabular`:
 * procs, vocabs, normalisation statistics, targets) that an exported model keeps; `vocab` and `c` come from the
 * targets. The base of `TabularDataLoaders` and `CollabDataLoaders`.
 * @example
 * ```ts
 * const dls = await TabularDataLoaders.fromCsv('titanic.csv', { yNames: ['survived'], catNames: ['sex'] });
 * dls.classes.sex; // ['#na#', 'female', 'male']
 * ```
 */
export abstract class TableDataLoaders extends DataLoaders implements ShowsRows {
  constructor(
    train: DataLoader<number>,
    valid: DataLoader<number>,
    /** The fitted preprocessing. */
    readonly tabular: Tabular,
    /** Every row of the source, encoded. */
    readonly data: EncodedTable,
    /** The training and validation rows. */
    readonly splits: Splits,
  ) {
    const t = tabular.targets;
    super(train, valid, { vocab: t?.vocab ? [...t.vocab] : undefined, c: t?.c });
  }

  /** The categorical columns (with FillMissing's `_na` flags). */
  get catNames(): readonly string[] {
    return this.tabular.catNames;
  }
  /** Vocab of each categorical column (`#na#` first). */
  get classes(): Record<string, string[]> {
    return this.tabular.classes;
  }

  /** The shown columns: categorical, continuous, then the targets (fastai's `all_cols`). */
  private get shownColumns(): string[] {
    return [...this.tabular.catNames, ...this.tabular.contNames, ...this.tabular.yNames];
  }

  /**
   * The items `idx` of `dl` decoded as rows (core's `ShowsRows`, for `Interpretation.plotTopLosses`): category
   * names and continuous values de-normalised, by column.
   * @example
   * ```ts
   * (await dls.inputRows(dls.valid, [0])).rows[0]; // { sex: 'male', age: 28, … }
   * ```
   */
  async inputRows(dl: DataLoader<unknown>, idx: readonly number[]): Promise<ShownRows> {
    const ds = dl.dataset;
    if (!(ds instanceof TabularDataset))
      throw new TabularOptionsError('inputRows needs a loader of table rows (TabularDataset)');
    const rows = idx.map((i) => ds.get(i));
    const { cats, conts } = this.data;
    const xCat = new Int32Array(rows.length * cats.length);
    const xCont = new Float32Array(rows.length * conts.length);
    rows.forEach((r, b) => {
      cats.forEach((c, j) => (xCat[b * cats.length + j] = c[r]));
      conts.forEach((c, j) => (xCont[b * conts.length + j] = c[r]));
    });
    return {
      columns: [...this.tabular.catNames, ...this.tabular.contNames],
      rows: decodeInputs(this.tabular, xCat, xCont, rows.length),
    };
  }

  /**
   * fastai's `show_batch` for tables: the first `maxN` rows of a batch decoded (category names, continuous
   * values in their own units, the target by name), printed as a table and returned.
   * @example
   * ```ts
   * dls.showBatch({ maxN: 3 });
   * // pclass  sex     age  sibsp  parch  survived
   * // 3rd     male     22      1      0  died
   * ```
   */
  async showBatch(opts: TabularShowBatchOptions = {}): Promise<ShowRow[]> {
    const b = await (opts.dl ?? this.train).oneBatch();
    try {
      const n = Math.min(opts.maxN ?? 10, b.y.shape[0] ?? 0);
      const part = tf.tidy(() => [...b.x, b.y].map((t) => tf.slice(t, 0, n)));
      const [xCat, xCont, y] = await Promise.all([
        part[0].data(),
        b.x.length > 1 ? part[1].data() : Promise.resolve(new Float32Array(0)),
        part[part.length - 1].data(),
      ]);
      tf.dispose(part);
      const inputs = decodeInputs(this.tabular, xCat, xCont, n);
      const targets = decodeTargets(this.tabular, y, n);
      const rows = inputs.map((r, i) => ({ ...r, ...targets[i] }));
      const log = opts.logger ?? ((l: string) => console.log(l));
      for (const line of formatTable(rows, this.shownColumns)) log(line);
      return rows;
    } finally {
      tf.dispose([...b.x, b.y]);
    }
  }
}
