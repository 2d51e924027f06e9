// fastai's `TextBlock` (fastai/text/data.py): the input block of a text DataBlock. Tokenizing, the vocab (from the
// training texts) and batching are TextDataLoaders' own: the block hands `TextDataLoaders.fromLists` the texts, the
// labels (a CategoryBlock target, its vocab) and the DataBlock's split. TextDataLoaders' factories are such DataBlocks.
import type { DataLoaders } from '@tfai/core';
import {
  CategoryBlock,
  DataBlockError,
  Pipeline,
  Transform,
  type BlockLoadersContext,
  type DataBlockLoadersOptions,
  type TransformBlock,
} from '@tfai/core/data';
import { join } from '@tfai/core/internal';
import type { ProgressOption } from '../progress.js';
import { readTextFile } from './read.js';
import { TextDataLoaders, type TextDataLoadersOptions } from './text-dataloaders.js';

/** Options of a {@link TextBlock}: fastai's `TextBlock` arguments (`is_lm`, `seq_len`, `vocab`, `min_freq`, `max_vocab`). */
export type TextBlockOptions = Pick<
  TextDataLoadersOptions,
  'isLm' | 'seqLen' | 'textVocab' | 'minFreq' | 'maxVocab' | 'tok' | 'cacheDir' | 'maxTokens'
>;

/** Options of `DataBlock.dataloaders` for a text DataBlock (the rest of {@link TextDataLoadersOptions} are the blocks'). */
export interface TextBlockLoadersOptions extends DataBlockLoadersOptions {
  /** Show a progress bar while tokenizing (default true), or a `(done, total)` callback. */
  progress?: ProgressOption;
  /** What error messages call the data (default `table`; the factories pass the file or folder). */
  name?: string;
}

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
   * when the loaders are built (only the files of the split).
   * @example
   * ```ts
   * const dblock = new DataBlock({ blocks: [TextBlock.fromFolder(path), new CategoryBlock()], getItems: getTextFiles, getY: parentLabel, splitter: (fs: string[]) => grandparentSplitter(fs) });
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

  /** TextDataLoaders of the texts, the labels and the split ({@link TextDataLoaders.fromLists}). */
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
    // The labels before Categorize (fromLists' checks and messages), with the CategoryBlock's vocab.
    const toLabel = target && new Pipeline(dsets.tls[1].tfms.fs.slice(0, -1));
    // Only the items of the split are read (a file item when the loaders are built).
    const used = new Set([...split.train, ...split.valid]);
    const texts: string[] = [];
    const labels: string[] = [];
    for (let i = 0; i < items.length; i++) {
      if (!used.has(i)) {
        texts.push('');
        labels.push('');
        continue;
      }
      const t = dsets.tls[0].get(i) as string | { file: string };
      texts.push(typeof t === 'string' ? t : await readTextFile(t.file));
      labels.push(toLabel ? String(toLabel.encode(items[i])) : '');
    }
    const o = ctx.opts as TextBlockLoadersOptions;
    const opts: TextDataLoadersOptions = { ...this.opts, bs: o.bs, seed: o.seed, progress: o.progress };
    if (target instanceof CategoryBlock) opts.vocab = target.vocab();
    return TextDataLoaders.fromLists(texts, isLm ? undefined : labels, split, opts, o.name ?? 'table');
  }
}
