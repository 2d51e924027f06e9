import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddedToken,
  BPE,
  Tokenizer as HFTokenizer,
  Unigram,
  metaspaceDecoder,
  metaspacePreTokenizer,
} from 'tokenizers';
import { TextInputError } from '../errors.js';
import { SPECIAL_TOKENS, UNK } from './rules.js';

/** Options of {@link SubwordTokenizer.train} (fastai's `SentencePieceTokenizer` defaults). */
export interface SubwordOptions {
  /** `unigram` (default, as fastai) or `bpe`. */
  modelType?: 'unigram' | 'bpe';
  /** Target vocab size; default as fastai: a quarter of the distinct words, rounded up to a multiple of 8, at least 29. */
  vocabSz?: number;
  /** Cap of the default `vocabSz` (default 30000). */
  maxVocabSz?: number;
  /** Tokens never split (default fastai's special tokens). */
  specialToks?: readonly string[];
}

/** What an asynchronous tokenizer provides to `tokenizeTexts`. */
export interface BatchTokenizer {
  /** A name that identifies the tokenizer and its settings (part of the tokenization cache key). */
  readonly id: string;
  /** Tokenizes many texts in one call (the native tokenizer works through a batch in parallel). */
  tokenizeBatch(texts: readonly string[]): Promise<string[][]>;
}

interface BpeJson {
  vocab: Record<string, number>;
  merges: (string | [string, string])[];
  unk_token: string | null;
}
interface UnigramJson {
  vocab: [string, number][];
  unk_id: number | null;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** fastai's `_get_vocab_sz`. */
function defaultVocabSz(texts: readonly string[], maxVocabSz: number): number {
  const words = new Set<string>();
  for (const t of texts) for (const w of t.split(/\s+/)) if (w) words.add(w);
  if (words.size / 4 > maxVocabSz) return maxVocabSz;
  let res = Math.floor(words.size / 4);
  while (res % 8 !== 0) res++;
  return Math.max(res, 29);
}

/**
 * Subword tokenization (fastai's `SubwordTokenizer`/`SentencePieceTokenizer`) with Hugging Face `tokenizers`: a
 * unigram or BPE model trained on the training texts (after fastai's rules), SentencePiece-style word starts (`▁`),
 * and the special tokens kept whole.
 *
 * The Node binding of `tokenizers` trains only with each model's default trainer (no options: BPE up to 30,000
 * tokens; unigram 8,000 pieces; no special or unknown token). So: the special tokens are removed from the training
 * text and added afterwards as unsplittable tokens; BPE is trained to its default size and its merges are cut to
 * `vocabSz` (BPE is greedy, so this equals training to that size); the unigram model is pruned to `vocabSz` pieces
 * by score, keeping every single character (an approximation of training to that size; above 8,000 the trainer's
 * 8,000 is kept); `xxunk` is set as the unknown token. As SentencePiece normalises it, any whitespace (line
 * breaks, tabs) is read as a space.
 * @example
 * ```ts
 * const sub = await SubwordTokenizer.train(trainTexts.map((t) => applyRules(t, defaultRules)), { vocabSz: 1000 });
 * await sub.tokenizeBatch(['xxbos xxmaj hello']); // [['xxbos', 'xxmaj', '▁hel', 'lo']]
 * ```
 */
export class SubwordTokenizer implements BatchTokenizer {
  private constructor(
    private readonly tok: HFTokenizer,
    /** `subword-<model>-<vocabSz>-<size>`: identifies the trained model in the tokenization cache key. */
    readonly id: string,
    private readonly special: ReadonlySet<string>,
  ) {}

  /** Trains on `texts` (already through the rules). */
  static async train(texts: readonly string[], opts: SubwordOptions = {}): Promise<SubwordTokenizer> {
    if (!texts.some((t) => t.trim())) throw new TextInputError('SubwordTokenizer.train: no text to train on');
    const modelType = opts.modelType ?? 'unigram';
    const special = opts.specialToks ?? SPECIAL_TOKENS;
    const vocabSz = opts.vocabSz ?? defaultVocabSz(texts, opts.maxVocabSz ?? 30000);
    const specialRe = special.length
      ? new RegExp(`(^|\\s)(${special.map(escapeRe).join('|')})(?=\\s|$)`, 'g')
      : undefined;
    const clean = (t: string) => (specialRe ? t.replace(specialRe, '$1') : t).replace(/\s+/g, ' ').trim();
    const dir = await mkdtemp(join(tmpdir(), 'tfai-subword-'));
    try {
      const file = join(dir, 'texts.txt');
      await writeFile(file, texts.map(clean).filter(Boolean).join('\n'));
      const trainer = new HFTokenizer(modelType === 'bpe' ? BPE.empty() : Unigram.empty());
      trainer.setPreTokenizer(metaspacePreTokenizer());
      trainer.train([file]);
      trainer.save(join(dir, 'tok.json'));
      const json = JSON.parse(await readFile(join(dir, 'tok.json'), 'utf8')) as { model: BpeJson & UnigramJson };
      if (modelType === 'bpe') cutBpe(json.model, vocabSz);
      else pruneUnigram(json.model, vocabSz);
      const tok = HFTokenizer.fromString(JSON.stringify(json));
      tok.setPreTokenizer(metaspacePreTokenizer());
      tok.setDecoder(metaspaceDecoder());
      tok.addAddedTokens(
        special.map((s) => new AddedToken(s, true, { leftStrip: true, rightStrip: true, normalized: false })),
      );
      return new SubwordTokenizer(tok, `subword-${modelType}-${vocabSz}-${tok.getVocabSize()}`, new Set(special));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Number of tokens of the subword model (special tokens included). */
  get vocabSize(): number {
    return this.tok.getVocabSize(true);
  }

  async tokenizeBatch(texts: readonly string[]): Promise<string[][]> {
    const encs = await this.tok.encodeBatch(texts.map((t) => t.replace(/\s+/g, ' ')));
    const unkId = this.tok.tokenToId(UNK);
    return encs.map((e) => {
      const ids = e.getIds();
      // A unigram model reports an unknown piece by its text: the id tells.
      return e.getTokens().map((t, k) => {
        if (ids[k] === unkId) return UNK;
        const s = t.trim();
        return this.special.has(s) ? s : t;
      });
    });
  }

  /** Saves the Hugging Face tokenizer JSON. */
  save(path: string): void {
    this.tok.save(path);
  }

  /** Ids of each text (`encodeBatch(…).getIds()`), as {@link JsonSubwordTokenizer.encodeIds} gives them in plain JS. */
  async encodeIds(texts: readonly string[]): Promise<number[][]> {
    const encs = await this.tok.encodeBatch(texts.map((t) => t.replace(/\s+/g, ' ')));
    return encs.map((e) => Array.from(e.getIds()));
  }
}

/** Keeps the BPE vocab and merges up to `vocabSz` tokens (ids are in merge order after the alphabet); unk = xxunk. */
function cutBpe(m: BpeJson, vocabSz: number): void {
  const kept = Object.entries(m.vocab).filter(([, id]) => id < vocabSz);
  m.vocab = Object.fromEntries(kept);
  const keep = new Set(kept.map(([t]) => t));
  m.merges = m.merges.filter((mg) => {
    const [a, b] = typeof mg === 'string' ? mg.split(' ') : mg;
    return keep.has(a + b);
  });
  m.vocab[UNK] = kept.length;
  m.unk_token = UNK;
}

/** Keeps the `vocabSz` best-scoring unigram pieces and every single character; unk = xxunk. */
function pruneUnigram(m: UnigramJson, vocabSz: number): void {
  const isChar = (p: string) => [...p].length === 1;
  const byScore = m.vocab.map((v, i) => ({ v, i })).sort((a, b) => b.v[1] - a.v[1]);
  const chars = byScore.filter(({ v }) => isChar(v[0]));
  const others = byScore.filter(({ v }) => !isChar(v[0])).slice(0, Math.max(0, vocabSz - chars.length));
  const kept = [...chars, ...others].sort((a, b) => a.i - b.i).map(({ v }) => v);
  const minScore = Math.min(...kept.map(([, s]) => s));
  m.vocab = [...kept, [UNK, minScore - 10]];
  m.unk_id = kept.length;
}
