import { DataLoaders, Rng } from '@tfai/core';
import { TextInputError } from '../errors.js';
import type { ProgressOption } from '../progress.js';
import type { BatchTokenizer } from '../tokenize/subword.js';
import { countTokens, tokenizeTexts } from '../tokenize/tokenize.js';
import type { Tokenizer } from '../tokenize/word-tokenizer.js';
import { LMDataLoader } from './lm-dataloader.js';
import { Numericalize } from './numericalize.js';
import { column, readCsv, type CsvTable } from './read.js';
import { SortedDL, type TextItem } from './sorted-dl.js';

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
  bs?: number;
  /** BPTT of the language model, or padding chunk of the classifier (default 72). */
  seqLen?: number;
  /** The vocab of the texts (e.g. the language model's, to fine-tune a classifier on it); else built from the training rows. */
  textVocab?: readonly string[];
  minFreq?: number;
  maxVocab?: number;
  seed?: number;
  tok?: Tokenizer | BatchTokenizer;
  /** Tokenization cache folder, or false (see {@link tokenizeTexts}). */
  cacheDir?: string | false;
  progress?: ProgressOption;
}

const TRUE = new Set(['true', 'True', 'TRUE', '1', 'yes']);

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
    readonly numericalize: Numericalize,
    readonly isLm: boolean,
    readonly seqLen: number,
    classes?: string[],
  ) {
    super(train, valid, classes ? { vocab: classes } : { c: numericalize.vocab.length });
  }

  /** The token vocab (fastai's `dls.vocab` for a language model, `dls.vocab[0]` for a classifier). */
  get textVocab(): readonly string[] {
    return this.numericalize.vocab;
  }

  /** Reads a CSV (papaparse, strict UTF-8) and builds the loaders. */
  static async fromCsv(path: string, opts: TextDataLoadersOptions = {}): Promise<TextDataLoaders> {
    return TextDataLoaders.fromTable(await readCsv(path), opts, path);
  }

  /** Builds the loaders from rows already read. */
  static async fromTable(table: CsvTable, opts: TextDataLoadersOptions = {}, name = 'table'): Promise<TextDataLoaders> {
    const texts = column(table, opts.textCol ?? 'text', name);
    if (!texts.length) throw new TextInputError(`${name}: no rows`);
    const validCol = opts.validCol ?? (table.fields.includes('is_valid') ? 'is_valid' : undefined);
    let isValid: boolean[];
    if (validCol) isValid = column(table, validCol, name).map((v) => TRUE.has(v.trim()));
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
    if (!trainIdx.length || !validIdx.length) throw new TextInputError(`${name}: the split leaves ${trainIdx.length} training and ${validIdx.length} validation rows`);
    const num = opts.textVocab
      ? new Numericalize(opts.textVocab)
      : Numericalize.fromCounts(countTokens(trainIdx.map((i) => tokens[i])), { minFreq: opts.minFreq, maxVocab: opts.maxVocab });
    const ids = tokens.map((t) => num.encode(t));
    const bs = opts.bs ?? 64;
    const seqLen = opts.seqLen ?? 72;
    if (opts.isLm) {
      const train = new LMDataLoader(trainIdx.map((i) => ids[i]), { bs, seqLen, shuffle: true, seed: opts.seed });
      const valid = new LMDataLoader(validIdx.map((i) => ids[i]), { bs, seqLen });
      return new TextDataLoaders(train, valid, num, true, seqLen);
    }
    const labels = column(table, opts.labelCol ?? 'label', name);
    const classes = [...new Set(trainIdx.map((i) => labels[i]))].sort();
    const classIdx = new Map(classes.map((c, i) => [c, i]));
    const item = (i: number): TextItem => {
      const label = classIdx.get(labels[i]);
      if (label === undefined) throw new TextInputError(`${name}: row ${i + 1} has label "${labels[i]}", which no training row has`);
      return { ids: ids[i], label };
    };
    const train = new SortedDL(trainIdx.map(item), { bs, seqLen, shuffle: true, seed: opts.seed });
    const valid = new SortedDL(validIdx.map(item), { bs, seqLen });
    return new TextDataLoaders(train, valid, num, false, seqLen, classes);
  }
}
