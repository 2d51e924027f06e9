// What TabularDataLoaders and CollabDataLoaders share: loaders over the rows of one encoded table, with the fitted
// preprocessing an exported model keeps.
import { DataLoaders, type DataLoader } from '@tfai/core';
import type { Splits } from './splits.js';
import type { EncodedTable, Tabular } from './tabular.js';

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
export abstract class TableDataLoaders extends DataLoaders {
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
}
