import * as tf from '@tensorflow/tfjs-core';
import {
  DataLoaders,
  asTable,
  colSplitter,
  formatTable,
  grandparentSplitter,
  parentLabel,
  Rng,
  tableRecords,
  type DataLoader,
  type Split,
  type ShowRow,
  type ShownRows,
  type ShowsRows,
  type TableLike,
} from '@tfai/core';
import { ready } from '@tfai/core/backend';
import { CategoryBlock, DataBlock } from '@tfai/core/data';
import { TextInputError } from '../errors.js';
import type { ProgressOption } from '../progress.js';
import type { BatchTokenizer } from '../tokenize/subword.js';
import { countTokens, tokenizeTexts } from '../tokenize/tokenize.js';
import type { Tokenizer } from '../tokenize/word-tokenizer.js';
import { textBatch } from '../models/text-batch.js';
import { LMDataLoader } from './lm-dataloader.js';
import { Numericalize } from './numericalize.js';
import { getTextFiles } from './items.js';
import { column, readTextTable, type TextTable } from './read.js';
import { SortedDL, type TextItem } from './sorted-dl.js';
import { TextBlock, type TextBlockLoadersOptions, type TextBlockOptions } from './text-block.js';
import { join, readdir } from '@tfai/core/internal';

/** Options of {@link TextDataLoaders.showBatch} and `TextLearner.showResults` (fastai's defaults). */
export interface TextShowOptions {
  /** Rows shown (default 9, as fastai's `show_batch`). */
  maxN?: number;
  /** Words kept of each text (fastai's `trunc_at`, default 150; `false` keeps all). */
  truncAt?: number | false;
  /** Loader to take the batch from (default: the training loader for `showBatch`, validation for `showResults`). */
  dl?: DataLoader<unknown>;
  /** Where the table's lines go (default `console.log`, or the learner's logger). */
  logger?: (line: string) => void;
}

/** fastai's `TitledStr.truncate`: the first `n` space-separated words. */
export function truncateWords(text: string, n: number | false = 150): string {
  return n === false ? text : text.split(' ').slice(0, n).join(' ');
}

/** Options of {@link TextDataLoaders.fromCsv} (fastai's defaults). */
export interface TextDataLoadersOptions {
  /** Column of the texts (default `text`). */
  textCol?: string;
  /** Column of the labels (default `label`; ignored for a language model). */
  labelCol?: string;
  /** Column marking the validation rows (`true`/`1`); default `is_valid` when present, else a random `validPct`. */
  validCol?: string;
  /**
   * Share of rows for validation when there is no `validCol` (default 0.2; `fromFolder`: a random split of every
   * `.txt` file instead of the two folders). Seeded with `seed` (default 0); `round(validPct · n)` rows validate.
   */
  validPct?: number;
  /** Language-model batches ({@link LMDataLoader}) instead of classification batches ({@link SortedDL}). */
  isLm?: boolean;
  /** Batch size (default 64): rows of a language-model batch, or texts of a classifier batch. */
  bs?: number;
  /** BPTT of the language model, or padding chunk of the classifier (default 72). */
  seqLen?: number;
  /** The vocab of the texts (e.g. the language model's, to fine-tune a classifier on it); else built from the training rows. */
  textVocab?: readonly string[];
  /** Tokens seen fewer times in the training texts are left out of the vocab (default 3; fastai's `min_freq`). */
  minFreq?: number;
  /** Largest vocab, special tokens included (default 60000; fastai's `max_vocab`). */
  maxVocab?: number;
  /** The classes of a classifier, in index order (fastai's `vocab` of `from_folder`; default: the training labels, sorted). */
  vocab?: readonly string[];
  /** Seed of the shuffling and the language-model stream (default: from core's global RNG) and of a `validPct` split (default 0). */
  seed?: number;
  /** The tokenizer (default a `WordTokenizer` with fastai's rules); a subword tokenizer works too. */
  tok?: Tokenizer | BatchTokenizer;
  /** Tokenization cache folder, or false (see {@link tokenizeTexts}). */
  cacheDir?: string | false;
  /** Show a progress bar while tokenizing (default true), or a `(done, total)` callback. */
  progress?: ProgressOption;
  /**
   * Classification only: texts longer than this many tokens keep their last `maxTokens` (the part the
   * classifier pools over, fastai's `max_len` window sits at the end), with a warning; `false` keeps every token.
   * Default {@link DEFAULT_MAX_TOKENS}. fastai reads every token, but one 200k-token text pads its whole batch to
   * 200k and runs the LSTM over all of it.
   */
  maxTokens?: number | false;
}

/** Default cap of a classification text, in tokens: 10 × the classifier's default `maxLen` (72 × 20). */
export const DEFAULT_MAX_TOKENS = 72 * 20 * 10;

/**
 * Cuts texts longer than `cap` tokens to their last `cap`, warning once with how many were cut and the longest.
 * @example
 * ```ts
 * capTokens([Int32Array.of(2, 5, 6, 7)], 2, 'reviews.csv'); // [Int32Array [6, 7]] and a warning
 * ```
 */
export function capTokens(
  ids: Int32Array[],
  cap: number | false,
  source: string,
  warn: (msg: string) => void = (m) => console.warn(m),
): Int32Array[] {
  if (cap === false) return ids;
  if (!Number.isSafeInteger(cap) || cap < 1)
    throw new TextInputError(`maxTokens must be a positive integer or false, got ${cap}`);
  let cut = 0;
  let longest = 0;
  const out = ids.map((r) => {
    if (r.length <= cap) return r;
    cut++;
    longest = Math.max(longest, r.length);
    return r.slice(r.length - cap);
  });
  if (cut)
    warn(
      `tfai: ${source}: ${cut} text${cut > 1 ? 's' : ''} longer than maxTokens = ${cap} tokens (the longest: ${longest}) cut to their last ${cap} tokens; pass maxTokens (or false) to change it`,
    );
  return out;
}

/**
 * fastai's `TextDataLoaders`: texts from a CSV tokenized (cached, with progress), numericalized with a vocab built
 * on the training rows, and batched for a language model ({@link LMDataLoader}: all texts, labels ignored) or a
 * classifier ({@link SortedDL}, classes sorted as fastai's `CategoryBlock`).
 * @example
 * ```ts
 * const dls = await TextDataLoaders.fromCsv('reviews.csv', { textCol: 'text', labelCol: 'label', bs: 32 });
 * dls.textVocab.length; // a multiple of 8
 * dls.vocab; // ['great', 'other']
 * ```
 */
export class TextDataLoaders extends DataLoaders implements ShowsRows {
  private constructor(
    train: LMDataLoader | SortedDL,
    valid: LMDataLoader | SortedDL,
    /** Token ↔ id mapping of the texts (its `vocab` is fastai's `dls.vocab[0]` for a classifier). */
    readonly numericalize: Numericalize,
    /** True for language-model loaders ({@link LMDataLoader}), false for classification ({@link SortedDL}). */
    readonly isLm: boolean,
    /** BPTT length of the language model, or the classifier's padding chunk (default 72). */
    readonly seqLen: number,
    classes?: string[],
    /** The tokenizer of the texts (`undefined`: the default `WordTokenizer`); `predict` uses it too. */
    readonly tok?: Tokenizer | BatchTokenizer,
  ) {
    super(train, valid, classes ? { vocab: classes } : { c: numericalize.vocab.length });
  }

  /** Longest classification text in tokens (see {@link TextDataLoadersOptions.maxTokens}); `encodeItems` applies it too. */
  maxTokens: number | false = DEFAULT_MAX_TOKENS;

  /**
   * Loaders with no data, for inference only (what `loadLearner` rebuilds): the vocab, the classes and the
   * tokenizer are enough to encode a text.
   * @example
   * ```ts
   * const dls = TextDataLoaders.forInference(vocab, { classes: ['great', 'other'] });
   * const [x] = await dls.encodeItems(['Tasty!']);
   * ```
   */
  static forInference(
    textVocab: readonly string[],
    opts: { classes?: string[]; isLm?: boolean; seqLen?: number; tok?: Tokenizer | BatchTokenizer } = {},
  ): TextDataLoaders {
    const num = new Numericalize(textVocab);
    const seqLen = opts.seqLen ?? 72;
    const empty = () => new SortedDL([], { bs: 1, seqLen });
    return new TextDataLoaders(empty(), empty(), num, opts.isLm ?? !opts.classes, seqLen, opts.classes, opts.tok);
  }

  /**
   * Tokens of texts, with this data's tokenizer and rules (`xxbos` first).
   * @example
   * ```ts
   * await dls.tokenize(['Tasty!']); // [['xxbos', 'xxmaj', 'tasty', '!']]
   * ```
   */
  async tokenize(texts: readonly string[]): Promise<string[][]> {
    return (await tokenizeTexts(texts, { tok: this.tok, cacheDir: false, progress: false })).tokens;
  }

  /**
   * Texts → one int32 tensor `[n, maxLen]` of token ids (fastai's `test_dl`): tokenized and numericalized as the
   * training texts, padded at the start with `xxpad` when their lengths differ.
   * @example
   * ```ts
   * const [x] = await dls.encodeItems(['Tasty!', 'Stale.']); // int32 [2, 4]
   * ```
   */
  override async encodeItems(items: unknown[]): Promise<tf.Tensor[]> {
    const texts = items.map((t, i) => {
      if (typeof t !== 'string') throw new TextInputError(`encodeItems: item ${i} is a ${typeof t}, not a text`);
      return t;
    });
    let ids = (await this.tokenize(texts)).map((t) => this.numericalize.encode(t));
    if (!this.isLm) ids = capTokens(ids, this.maxTokens, 'encodeItems');
    const L = Math.max(...ids.map((r) => r.length));
    const flat = new Int32Array(ids.length * L).fill(1);
    ids.forEach((r, i) => flat.set(r, i * L + L - r.length));
    return [textBatch(flat, ids.length, L)];
  }

  /**
   * fastai's `TextDataLoaders.from_folder`: texts in `path/<train>/<label>/*.txt` and `path/<valid>/<label>/*.txt`
   * (the IMDb layout), the folder name the label; with `validPct`, every `.txt` file under `path` split at random.
   * With `isLm`, the labels are ignored. It is this DataBlock (as fastai's):
   * `[TextBlock.fromFolder(path, …), CategoryBlock]` (the TextBlock alone for a language model), `getTextFiles` of
   * the two folders, the parent folder as the label, a `grandparentSplitter`.
   * @example
   * ```ts
   * const dls = await TextDataLoaders.fromFolder('imdb', { train: 'train', valid: 'test', bs: 32 });
   * ```
   */
  static async fromFolder(
    path: string,
    opts: Omit<TextDataLoadersOptions, 'textCol' | 'labelCol' | 'validCol'> & { train?: string; valid?: string } = {},
  ): Promise<TextDataLoaders> {
    const train = opts.train ?? 'train';
    const valid = opts.valid ?? 'valid';
    const validPct = opts.validPct;
    const dblock = new DataBlock({
      blocks: [
        TextBlock.fromFolder(path, blockOptions(opts)),
        ...(opts.isLm ? [] : [new CategoryBlock({ vocab: opts.vocab })]),
      ],
      getItems: async (p: string) => {
        if (validPct === undefined)
          for (const [dir, what] of [
            [train, 'training'],
            [valid, 'validation'],
          ] as const)
            try {
              await readdir(join(p, dir));
            } catch (e) {
              throw new TextInputError(
                `${join(p, dir)}: cannot read the ${what} folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
              );
            }
        const files = await getTextFiles(p, validPct === undefined ? { folders: [train, valid] } : {});
        if (!files.length)
          throw new TextInputError(
            `${p}: no .txt files${validPct === undefined ? ` in ${train}/<label>/ or ${valid}/<label>/` : ''}`,
          );
        return files;
      },
      getY: opts.isLm ? undefined : parentLabel,
      splitter: (files: string[]) =>
        validPct === undefined
          ? grandparentSplitter(files, train, valid)
          : textRandomSplit(files.length, validPct, opts.seed),
    });
    return (await dblock.dataloaders(path, loaderOptions(opts, path))) as TextDataLoaders;
  }

  /**
   * fastai's `Numericalize.decodes` shown as a `TitledStr`: token ids → the tokens, `xxpad` dropped, joined by
   * spaces.
   * @example
   * ```ts
   * dls.decodeIds([2, 8, 15]); // 'xxbos xxmaj the'
   * ```
   */
  decodeIds(ids: ArrayLike<number>): string {
    const vocab = this.numericalize.vocab;
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const t = vocab[ids[i]] ?? String(ids[i]);
      if (t !== 'xxpad') out.push(t);
    }
    return out.join(' ');
  }

  /** A target as shown: the class name, or the target's values joined by `;` (multi-label, regression). */
  private showTarget(y: ArrayLike<number>): string | number {
    if (y.length === 1) return this.vocab?.[y[0]] ?? y[0];
    return Array.from(y).join(';');
  }

  /**
   * fastai's `show_batch` for texts: the first `maxN` items of a batch as a table of the decoded text (`xxpad`
   * dropped, cut at `truncAt` words) and its label (`text`, `category`), or for a language model the text and the
   * text shifted by one token (`text`, `text_`). Printed and returned.
   * @example
   * ```ts
   * await dls.showBatch({ maxN: 2 });
   * // text                                      category
   * // xxbos xxmaj the best coffee i have had .  great
   * ```
   */
  async showBatch(opts: TextShowOptions = {}): Promise<ShowRow[]> {
    const b = await (opts.dl ?? this.train).oneBatch();
    try {
      const [x, y] = await Promise.all([b.x[0].data(), b.y.data()]);
      const [bs, len] = b.x[0].shape as [number, number];
      const n = Math.min(opts.maxN ?? 9, bs);
      const yw = y.length / bs;
      const cut = (ids: ArrayLike<number>) => truncateWords(this.decodeIds(ids), opts.truncAt ?? 150);
      const rows = Array.from({ length: n }, (_, i): ShowRow => {
        const text = cut(x.subarray(i * len, (i + 1) * len));
        const yi = y.subarray(i * yw, (i + 1) * yw);
        return this.isLm ? { text, text_: cut(yi) } : { text, category: this.showTarget(yi) };
      });
      const log = opts.logger ?? ((l: string) => console.log(l));
      for (const line of formatTable(rows, this.isLm ? ['text', 'text_'] : ['text', 'category'])) log(line);
      return rows;
    } finally {
      tf.dispose([...b.x, b.y]);
    }
  }

  /**
   * The texts of items `idx` of a classification loader, decoded (core's `ShowsRows`, for
   * `Interpretation.plotTopLosses`): one `input` column, cut at 150 words as fastai's `plot_top_losses`.
   * @example
   * ```ts
   * (await dls.inputRows(dls.valid, [0])).rows[0].input; // 'xxbos xxmaj the best coffee …'
   * ```
   */
  async inputRows(dl: DataLoader<unknown>, idx: readonly number[]): Promise<ShownRows> {
    if (!(dl instanceof SortedDL))
      throw new TextInputError('inputRows needs a loader of classified texts (SortedDL); a language model has none');
    return {
      columns: ['input'],
      rows: idx.map((i) => ({ input: truncateWords(this.decodeIds(dl.items[i].ids), 150) })),
    };
  }

  /** The token vocab (fastai's `dls.vocab` for a language model, `dls.vocab[0]` for a classifier). */
  get textVocab(): readonly string[] {
    return this.numericalize.vocab;
  }

  /** Reads a CSV (papaparse, strict UTF-8) and builds the loaders. */
  static async fromCsv(path: string, opts: TextDataLoadersOptions = {}): Promise<TextDataLoaders> {
    await ready(); // the best backend before any tensor (not tfjs's pure-JS default)
    return TextDataLoaders.fromTable(await readTextTable(path), opts, path);
  }

  /**
   * fastai's `TextDataLoaders.from_df`: the loaders from any core `Table` (core's `readCsv` result, tabular's
   * `DataFrame`, rows as records), with the columns of {@link TextDataLoadersOptions} (`text`, `label`,
   * `is_valid` by default).
   * @example
   * ```ts
   * const dls = await TextDataLoaders.fromDf(await readCsv('reviews.csv'), { textCol: 'text', labelCol: 'label' });
   * ```
   */
  static async fromDf(df: TableLike, opts: TextDataLoadersOptions = {}): Promise<TextDataLoaders> {
    const t = asTable(df);
    return TextDataLoaders.fromTable({ fields: [...t.names], rows: tableRecords(t) }, opts, t.source);
  }

  /**
   * The loaders from rows already read (`readTextTable`'s): fastai's `from_df` as a DataBlock,
   * `[TextBlock.fromDf(textCol, …), CategoryBlock]` (the TextBlock alone for a language model), the label column as
   * `getY`, a ColSplitter on `validCol` (default `is_valid` when there is one) or a random `validPct` split. The
   * columns are checked first; errors name `name`.
   * @example
   * ```ts
   * const dls = await TextDataLoaders.fromTable(await readTextTable('reviews.csv'), { bs: 32 }, 'reviews.csv');
   * ```
   */
  static async fromTable(
    table: TextTable,
    opts: TextDataLoadersOptions = {},
    name = 'table',
  ): Promise<TextDataLoaders> {
    const textCol = opts.textCol ?? 'text';
    const labelCol = opts.labelCol ?? 'label';
    column(table, textCol, name);
    // A classifier's label column is checked before the (slow) tokenization.
    if (!opts.isLm) column(table, labelCol, name);
    if (!table.rows.length) throw new TextInputError(`${name}: no rows`);
    const validCol = opts.validCol ?? (table.fields.includes('is_valid') ? 'is_valid' : undefined);
    const flags = validCol === undefined ? undefined : column(table, validCol, name);
    type Row = Record<string, string>;
    const dblock = new DataBlock({
      blocks: [
        TextBlock.fromDf(textCol, blockOptions(opts)),
        ...(opts.isLm ? [] : [new CategoryBlock({ vocab: opts.vocab })]),
      ],
      getY: opts.isLm ? undefined : (r: Row) => r[labelCol] ?? '',
      splitter: (rows: Row[]) =>
        flags
          ? colSplitter(flags, (row, v) => {
              throw new TextInputError(
                `${name}: column '${validCol}', row ${row + 1}: not a boolean (True/False, 1/0), got ${JSON.stringify(v)}`,
              );
            })
          : textRandomSplit(rows.length, opts.validPct, opts.seed),
    });
    return (await dblock.dataloaders(table.rows, loaderOptions(opts, name))) as TextDataLoaders;
  }

  /**
   * From texts, their labels (`undefined` for a language model) and a split: tokenizes the texts of the split,
   * builds the vocab on the training texts and the two loaders. What a text DataBlock builds; the other factories
   * end here. Errors name `name` and the item's row (1-based).
   * @example
   * ```ts
   * const dls = await TextDataLoaders.fromLists(['Tasty!', 'Stale.', 'Great.'], ['good', 'bad', 'good'], { train: [0, 1], valid: [2] });
   * ```
   */
  static async fromLists(
    texts: readonly string[],
    labels: readonly string[] | undefined,
    split: Split,
    opts: TextDataLoadersOptions = {},
    name = 'texts',
  ): Promise<TextDataLoaders> {
    await ready(); // the best backend before any tensor (not tfjs's pure-JS default)
    const isLm = opts.isLm ?? false;
    if (!isLm && labels?.length !== texts.length)
      throw new TextInputError(`${name}: ${texts.length} texts but ${labels?.length ?? 'no'} labels`);
    if (!texts.length) throw new TextInputError(`${name}: no rows`);
    const { train: trainIdx, valid: validIdx } = split;
    if (!trainIdx.length || !validIdx.length)
      throw new TextInputError(
        `${name}: the split leaves ${trainIdx.length} training and ${validIdx.length} validation rows`,
      );
    // Only the texts of the split are tokenized, in item order.
    const used = [...new Set([...trainIdx, ...validIdx])].sort((a, b) => a - b);
    const { tokens: usedTokens } = await tokenizeTexts(
      used.map((i) => texts[i]),
      { tok: opts.tok, cacheDir: opts.cacheDir, progress: opts.progress },
    );
    const tokens: string[][] = [];
    used.forEach((i, k) => (tokens[i] = usedTokens[k]));
    const num = opts.textVocab
      ? new Numericalize(opts.textVocab)
      : Numericalize.fromCounts(countTokens(trainIdx.map((i) => tokens[i])), {
          minFreq: opts.minFreq,
          maxVocab: opts.maxVocab,
        });
    const ids: Int32Array[] = [];
    for (const i of used) ids[i] = num.encode(tokens[i]);
    const bs = opts.bs ?? 64;
    const seqLen = opts.seqLen ?? 72;
    if (isLm) {
      const train = new LMDataLoader(
        trainIdx.map((i) => ids[i]),
        { bs, seqLen, shuffle: true, seed: opts.seed },
      );
      const valid = new LMDataLoader(
        validIdx.map((i) => ids[i]),
        { bs, seqLen },
      );
      return new TextDataLoaders(train, valid, num, true, seqLen, undefined, opts.tok);
    }
    const lab = labels!;
    const classes = opts.vocab ? [...opts.vocab] : [...new Set(trainIdx.map((i) => lab[i]))].sort();
    if (classes.length < 2)
      throw new TextInputError(
        `${name}: the label column has a single class (${JSON.stringify(classes[0])}) in the training rows; a classifier needs at least 2`,
      );
    const maxTokens = opts.maxTokens ?? DEFAULT_MAX_TOKENS;
    const capped: Int32Array[] = [];
    capTokens(
      used.map((i) => ids[i]),
      maxTokens,
      name,
    ).forEach((r, k) => (capped[used[k]] = r));
    const classIdx = new Map(classes.map((c, i) => [c, i]));
    const item = (i: number): TextItem => {
      const label = classIdx.get(lab[i]);
      if (label === undefined)
        throw new TextInputError(
          `${name}: row ${i + 1} has label "${lab[i]}", not one of the ${classes.length} classes (${classes.slice(0, 10).join(', ')}${classes.length > 10 ? ', …' : ''}): no training row has it`,
        );
      return { ids: capped[i], label };
    };
    const train = new SortedDL(trainIdx.map(item), { bs, seqLen, shuffle: true, seed: opts.seed });
    const valid = new SortedDL(validIdx.map(item), { bs, seqLen });
    const dls = new TextDataLoaders(train, valid, num, false, seqLen, classes, opts.tok);
    dls.maxTokens = maxTokens;
    return dls;
  }
}

/** The TextBlock's share of the options: tokenizing, the vocab and the batch shapes. */
function blockOptions(opts: TextDataLoadersOptions): TextBlockOptions {
  const { isLm, seqLen, textVocab, minFreq, maxVocab, tok, cacheDir, maxTokens } = opts;
  return { isLm, seqLen, textVocab, minFreq, maxVocab, tok, cacheDir, maxTokens };
}

/** The loaders' share of the options (`DataBlock.dataloaders`'): batch size, seed, progress, the name in errors. */
function loaderOptions(opts: TextDataLoadersOptions, name: string): TextBlockLoadersOptions {
  return { bs: opts.bs, seed: opts.seed, progress: opts.progress, name };
}

/**
 * The random split of the text factories (kept from before they were DataBlocks): a permutation seeded with `seed`
 * (default 0), its first `round(validPct · n)` items validate (default 0.2); both lists in item order. (Core's
 * `randomSplitter`, fastai's, floors the count, keeps the permuted order and draws from the global RNG.)
 */
function textRandomSplit(n: number, validPct = 0.2, seed = 0): Split {
  const perm = new Rng(seed).permutation(n);
  const isValid = new Array<boolean>(n).fill(false);
  for (let i = 0; i < Math.round(validPct * n); i++) isValid[perm[i]] = true;
  const split: Split = { train: [], valid: [] };
  isValid.forEach((v, i) => (v ? split.valid : split.train).push(i));
  return split;
}
