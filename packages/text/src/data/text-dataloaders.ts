import type * as tf from '@tensorflow/tfjs-core';
import { DataLoaders, parseFlag, Rng } from '@tfai/core';
import { ready } from '@tfai/core/backend';
import { TextInputError } from '../errors.js';
import type { ProgressOption } from '../progress.js';
import type { BatchTokenizer } from '../tokenize/subword.js';
import { countTokens, tokenizeTexts } from '../tokenize/tokenize.js';
import type { Tokenizer } from '../tokenize/word-tokenizer.js';
import { textBatch } from '../models/text-batch.js';
import { LMDataLoader } from './lm-dataloader.js';
import { Numericalize } from './numericalize.js';
import { column, readTextTable, readTextFile, type TextTable } from './read.js';
import { SortedDL, type TextItem } from './sorted-dl.js';
import { join, readdir } from '@tfai/core/internal';

/** Options of {@link TextDataLoaders.fromCsv} (fastai's defaults). */
export interface TextDataLoadersOptions {
  /** Column of the texts (default `text`). */
  textCol?: string;
  /** Column of the labels (default `label`; ignored for a language model). */
  labelCol?: string;
  /** Column marking the validation rows (`true`/`1`); default `is_valid` when present, else a random `validPct`. */
  validCol?: string;
  /** Share of rows for validation when there is no `validCol` (default 0.2). */
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
  /** Seed of the split, the shuffling and the language-model stream (default: from core's global RNG). */
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
export class TextDataLoaders extends DataLoaders {
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
   * (the IMDb layout); the folder name is the label. With `isLm`, the labels are ignored.
   * @example
   * ```ts
   * const dls = await TextDataLoaders.fromFolder('imdb', { train: 'train', valid: 'test', bs: 32 });
   * ```
   */
  static async fromFolder(
    path: string,
    opts: Omit<TextDataLoadersOptions, 'textCol' | 'labelCol' | 'validCol'> & { train?: string; valid?: string } = {},
  ): Promise<TextDataLoaders> {
    await ready(); // the best backend before any tensor (not tfjs's pure-JS default)
    const rows: Record<string, string>[] = [];
    for (const [split, isTrain] of [
      [opts.train ?? 'train', true],
      [opts.valid ?? 'valid', false],
    ] as const) {
      const dir = join(path, split);
      let labels: string[];
      try {
        labels = (await readdir(dir, { withFileTypes: true }))
          .filter((d) => d.isDirectory())
          .map((d) => d.name)
          .sort();
      } catch (e) {
        throw new TextInputError(
          `${dir}: cannot read the ${isTrain ? 'training' : 'validation'} folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        );
      }
      for (const label of labels) {
        const files = (await readdir(join(dir, label))).filter((f) => f.endsWith('.txt')).sort();
        for (const f of files)
          rows.push({ text: await readTextFile(join(dir, label, f)), label, is_valid: isTrain ? 'false' : 'true' });
      }
    }
    if (!rows.length)
      throw new TextInputError(
        `${path}: no .txt files in ${opts.train ?? 'train'}/<label>/ or ${opts.valid ?? 'valid'}/<label>/`,
      );
    return TextDataLoaders.fromTable(
      { fields: ['text', 'label', 'is_valid'], rows },
      { ...opts, validCol: 'is_valid' },
      path,
    );
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

  /** Builds the loaders from rows already read. */
  static async fromTable(
    table: TextTable,
    opts: TextDataLoadersOptions = {},
    name = 'table',
  ): Promise<TextDataLoaders> {
    await ready(); // the best backend before any tensor (not tfjs's pure-JS default)
    const texts = column(table, opts.textCol ?? 'text', name);
    // A classifier's label column is checked before the (slow) tokenization.
    const labels = opts.isLm ? [] : column(table, opts.labelCol ?? 'label', name);
    if (!texts.length) throw new TextInputError(`${name}: no rows`);
    const validCol = opts.validCol ?? (table.fields.includes('is_valid') ? 'is_valid' : undefined);
    let isValid: boolean[];
    if (validCol)
      isValid = column(table, validCol, name).map((v, i) => {
        const f = parseFlag(v);
        if (f === undefined)
          throw new TextInputError(
            `${name}: column '${validCol}', row ${i + 1}: not a boolean (True/False, 1/0), got ${JSON.stringify(v)}`,
          );
        return f;
      });
    else {
      const rng = new Rng(opts.seed ?? 0);
      const perm = rng.permutation(texts.length);
      const nValid = Math.round((opts.validPct ?? 0.2) * texts.length);
      isValid = new Array<boolean>(texts.length).fill(false);
      for (let i = 0; i < nValid; i++) isValid[perm[i]] = true;
    }
    const { tokens } = await tokenizeTexts(texts, { tok: opts.tok, cacheDir: opts.cacheDir, progress: opts.progress });
    const trainIdx = tokens.map((_, i) => i).filter((i) => !isValid[i]);
    const validIdx = tokens.map((_, i) => i).filter((i) => isValid[i]);
    if (!trainIdx.length || !validIdx.length)
      throw new TextInputError(
        `${name}: the split leaves ${trainIdx.length} training and ${validIdx.length} validation rows`,
      );
    const num = opts.textVocab
      ? new Numericalize(opts.textVocab)
      : Numericalize.fromCounts(countTokens(trainIdx.map((i) => tokens[i])), {
          minFreq: opts.minFreq,
          maxVocab: opts.maxVocab,
        });
    const ids = tokens.map((t) => num.encode(t));
    const bs = opts.bs ?? 64;
    const seqLen = opts.seqLen ?? 72;
    if (opts.isLm) {
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
    const classes = [...new Set(trainIdx.map((i) => labels[i]))].sort();
    if (classes.length < 2)
      throw new TextInputError(
        `${name}: the label column has a single class (${JSON.stringify(classes[0])}) in the training rows; a classifier needs at least 2`,
      );
    const capped = capTokens(ids, opts.maxTokens ?? DEFAULT_MAX_TOKENS, name);
    const classIdx = new Map(classes.map((c, i) => [c, i]));
    const item = (i: number): TextItem => {
      const label = classIdx.get(labels[i]);
      if (label === undefined)
        throw new TextInputError(`${name}: row ${i + 1} has label "${labels[i]}", which no training row has`);
      return { ids: capped[i], label };
    };
    const train = new SortedDL(trainIdx.map(item), { bs, seqLen, shuffle: true, seed: opts.seed });
    const valid = new SortedDL(validIdx.map(item), { bs, seqLen });
    const dls = new TextDataLoaders(train, valid, num, false, seqLen, classes, opts.tok);
    dls.maxTokens = opts.maxTokens ?? DEFAULT_MAX_TOKENS;
    return dls;
  }
}
