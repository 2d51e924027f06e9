// fastai's `TextBlock` (fastai/text/data.py): the input block of a text DataBlock. Tokenizing, the vocab (from the
// training texts) and batching are TextDataLoaders' own; the block hands them the texts, the labels (a CategoryBlock
// target) and the DataBlock's split, so `dblock.dataloaders(rows)` returns what `TextDataLoaders.fromCsv` returns.
import type { DataLoaders } from '@tfai/core';
import {
  CategoryBlock,
  DataBlockError,
  Pipeline,
  Transform,
  type BlockLoadersContext,
  type TransformBlock,
} from '@tfai/core/data';
import { join } from '@tfai/core/internal';
import type { TextTable } from './read.js';
import { readTextFile } from './read.js';
import { TextDataLoaders, type TextDataLoadersOptions } from './text-dataloaders.js';

/** Options of a {@link TextBlock}: fastai's `TextBlock` arguments (`is_lm`, `seq_len`, `vocab`, `min_freq`, `max_vocab`). */
export type TextBlockOptions = Pick<
  TextDataLoadersOptions,
  'isLm' | 'seqLen' | 'textVocab' | 'minFreq' | 'maxVocab' | 'tok' | 'cacheDir' | 'maxTokens'
>;

/**
 * fastai's `TextBlock`: a text (`fromDf`: a column of a row; `fromFolder`: a `.txt` file under a folder, read) for a
 * language model (`isLm`, the only block) or a classifier (with a `CategoryBlock` target). `DataBlock.dataloaders`
 * returns a `TextDataLoaders`.
 * @example
 * ```ts
 * const dblock = new DataBlock({ blocks: [TextBlock.fromDf('text'), new CategoryBlock()], getY: (r: Row) => r.label, splitter: (rows: Row[]) => colSplitter(rows.map((r) => r.is_valid)) });
 * const dls = await dblock.dataloaders(rows, { bs: 32 });
 * ```
 */
export class TextBlock implements TransformBlock {
  /** The name `summary` prints. */
  readonly name = 'TextBlock';
  /** The getter of the text (`ColReader(textCol)` or the file read), then a check that it is text. */
  readonly typeTfms: readonly Transform[];
  private constructor(
    reader: Transform,
    /** The tokenizer, vocab and batching options. */
    readonly opts: TextBlockOptions,
  ) {
    this.typeTfms = [
      reader,
      new Transform<unknown, string | { file: string }>({
        name: 'Tokenizer',
        // The text, or the file it is read from when the loaders are built (fromFolder); tokenizing is theirs.
        encodes: (x) => {
          const isFile = typeof x === 'object' && x !== null && typeof (x as { file?: unknown }).file === 'string';
          if (typeof x !== 'string' && !isFile) throw new DataBlockError(`TextBlock: not a text (got ${typeof x})`);
          return x as string | { file: string };
        },
      }),
    ];
  }

  /**
   * fastai's `TextBlock.from_df(text_cols, …)`: the text of a row is its `textCol` column (default `text`).
   * @example
   * ```ts
   * const lm = new DataBlock({ blocks: [TextBlock.fromDf('text', { isLm: true })] });
   * ```
   */
  static fromDf(textCol = 'text', opts: TextBlockOptions = {}): TextBlock {
    return new TextBlock(
      new Transform<Record<string, unknown>, unknown>({ name: `ColReader(${textCol})`, encodes: (r) => r?.[textCol] }),
      opts,
    );
  }

  /**
   * fastai's `TextBlock.from_folder(path, …)`: items are `.txt` files (paths, absolute or relative to `path`), read
   * when the loaders are built.
   * @example
   * ```ts
   * const dblock = new DataBlock({ blocks: [TextBlock.fromFolder(path), new CategoryBlock()], getItems: listTxt, getY: parentFolder });
   * ```
   */
  static fromFolder(path: string, opts: TextBlockOptions = {}): TextBlock {
    return new TextBlock(
      new Transform<unknown, unknown>({
        name: 'readFile',
        encodes: (f) => (typeof f === 'string' ? { file: f.startsWith('/') ? f : join(path, f) } : f),
      }),
      opts,
    );
  }

  /** TextDataLoaders of the texts, the labels and the split. */
  async dataloaders(ctx: BlockLoadersContext): Promise<DataLoaders> {
    const { dsets, blocks, split, items } = ctx;
    const target = blocks[dsets.nInp];
    const isLm = this.opts.isLm ?? false;
    if (dsets.nInp !== 1 || (isLm ? blocks.length !== 1 : !(target instanceof CategoryBlock && blocks.length === 2)))
      throw new DataBlockError(
        isLm
          ? 'a language-model TextBlock is the DataBlock’s only block'
          : 'a text classifier DataBlock is [TextBlock, CategoryBlock]',
      );
    const toLabel = target && new Pipeline(dsets.tls[1].tfms.fs.slice(0, -1));
    const text = async (i: number): Promise<string> => {
      const t = dsets.tls[0].get(i) as string | { file: string };
      return typeof t === 'string' ? t : readTextFile(t.file);
    };
    const rows: Record<string, string>[] = [];
    for (const [idx, valid] of [
      [split.train, 'false'],
      [split.valid, 'true'],
    ] as const)
      for (const i of idx)
        rows.push({
          text: await text(i),
          label: toLabel ? String(toLabel.encode(items[i])) : '',
          is_valid: valid,
        });
    const table: TextTable = { fields: ['text', 'label', 'is_valid'], rows };
    const o = ctx.opts as TextDataLoadersOptions;
    return TextDataLoaders.fromTable(table, {
      ...this.opts,
      bs: o.bs,
      seed: o.seed,
      progress: o.progress,
      textCol: 'text',
      labelCol: 'label',
      validCol: 'is_valid',
    });
  }
}
