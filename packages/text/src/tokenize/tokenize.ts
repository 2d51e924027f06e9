import { tfaiHome } from '@tfai/core/io';
import { atomicWrite, join, mkdir, readFile, sha256Hex } from '@tfai/core/internal';
import { progressReporter, type ProgressOption } from '../progress.js';
import { applyRules, defaultPostRules, defaultRules, type TextRule } from './rules.js';
import type { BatchTokenizer } from './subword.js';
import { WordTokenizer, type Tokenizer } from './word-tokenizer.js';

/** Options of {@link tokenize1} and {@link tokenizeTexts}. */
export interface TokenizeOptions {
  /** Default: a `WordTokenizer`. */
  tok?: Tokenizer;
  /** Rules applied to the text before tokenizing (default fastai's {@link defaultRules}). */
  rules?: readonly TextRule[];
  /** Rules applied to each token (default fastai's: spaces → `▁`). */
  postRules?: readonly TextRule[];
}

/**
 * Tokenizes one text: rules, tokenizer, post-rules (fastai's `tokenize1`). An empty or whitespace-only text gives
 * `['xxbos']`, as in fastai.
 * @example
 * ```ts
 * tokenize1("This isn't a problem"); // ['xxbos', 'xxmaj', 'this', 'is', "n't", 'a', 'problem']
 * ```
 */
export function tokenize1(text: string, opts: TokenizeOptions = {}): string[] {
  const tok = opts.tok ?? defaultTokenizer();
  const post = opts.postRules ?? defaultPostRules;
  const toks = tok.tokenize(applyRules(text, opts.rules ?? defaultRules));
  return post.length ? toks.map((t) => applyRules(t, post)) : toks;
}

let sharedTokenizer: WordTokenizer | undefined;
function defaultTokenizer(): WordTokenizer {
  sharedTokenizer ??= new WordTokenizer();
  return sharedTokenizer;
}

/** Options of {@link tokenizeTexts}. */
export interface TokenizeTextsOptions extends Omit<TokenizeOptions, 'tok'> {
  /** Default: a `WordTokenizer`; a trained {@link SubwordTokenizer} works too. */
  tok?: Tokenizer | BatchTokenizer;
  /**
   * Folder of the tokenization cache (default `$TFAI_HOME/tokenized`, `$TFAI_HOME` defaulting to `~/.cache/tfai`);
   * `false` disables it. The key is a hash of the texts, the tokenizer's id and the rules.
   */
  cacheDir?: string | false;
  /** Progress bar (default true). */
  progress?: ProgressOption;
}

/** A tokenized corpus: the tokens of each text, their counts, and each text's length. */
export interface TokenizedCorpus {
  /** The tokens of each text, in input order. */
  tokens: string[][];
  /** How often each token occurs (fastai's `counter`). */
  counts: Map<string, number>;
  /** Number of tokens of each text (fastai's `lengths`). */
  lengths: number[];
  /** True when the tokens came from the cache. */
  fromCache: boolean;
}

function ruleKey(rules: readonly TextRule[]): string {
  return rules.map((r) => r.name || r.toString()).join(',');
}

/** Counts tokens (insertion order = first occurrence, which breaks ties in `makeVocab` as Python's Counter). */
export function countTokens(docs: readonly (readonly string[])[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of docs) for (const t of d) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

/**
 * Tokenizes a corpus with {@link tokenize1}, showing progress, and caches the result on disk so that the same texts
 * with the same tokenizer and rules are tokenized once (fastai's `tokenize_texts` / `tokenize_df`).
 * @example
 * ```ts
 * const { tokens, counts } = await tokenizeTexts(texts);
 * ```
 */
export async function tokenizeTexts(
  texts: readonly string[],
  opts: TokenizeTextsOptions = {},
): Promise<TokenizedCorpus> {
  const tok = opts.tok ?? defaultTokenizer();
  const rules = opts.rules ?? defaultRules;
  const post = opts.postRules ?? defaultPostRules;
  const dir = opts.cacheDir === false ? undefined : (opts.cacheDir ?? join(tfaiHome(), 'tokenized'));
  let file: string | undefined;
  if (dir) {
    const key = `${tok.id}\u0001${ruleKey(rules)}\u0001${ruleKey(post)}\u0001${texts.length}\u0000${texts.join('\u0000')}`;
    file = join(dir, `${sha256Hex(texts.length ? key : key.slice(0, -1)).slice(0, 32)}.json`);
    const cached = await readFile(file, 'utf8').catch(() => undefined);
    if (cached !== undefined) {
      const tokens = JSON.parse(cached) as string[][];
      if (Array.isArray(tokens) && tokens.length === texts.length)
        return { tokens, counts: countTokens(tokens), lengths: tokens.map((t) => t.length), fromCache: true };
    }
  }
  const report = progressReporter('tokenizing', texts.length, opts.progress ?? true);
  const tokens: string[][] = new Array(texts.length);
  if ('tokenizeBatch' in tok) {
    for (let i = 0; i < texts.length; i += 1024) {
      const chunk = texts.slice(i, i + 1024).map((t) => applyRules(t, rules));
      const out = await tok.tokenizeBatch(chunk);
      out.forEach((t, k) => (tokens[i + k] = post.length ? t.map((w) => applyRules(w, post)) : t));
      report(Math.min(texts.length, i + 1024));
    }
  } else {
    for (let i = 0; i < texts.length; i++) {
      tokens[i] = tokenize1(texts[i], { tok, rules, postRules: post });
      if (i % 256 === 255 || i === texts.length - 1) report(i + 1);
    }
  }
  if (dir && file) {
    await mkdir(dir, { recursive: true });
    await atomicWrite(file, JSON.stringify(tokens));
  }
  return { tokens, counts: countTokens(tokens), lengths: tokens.map((t) => t.length), fromCache: false };
}
