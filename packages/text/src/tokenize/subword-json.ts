// A Hugging Face `tokenizer.json` (BPE or Unigram model, Metaspace pre-tokenizer, added special tokens) read in plain
// JS, for runtimes without the native `tokenizers` (a browser page): the subword models SubwordTokenizer trains give
// the same tokens and ids here (subword-json.test.ts checks it against the native one on real text).
import { TextInputError } from '../errors.js';
import type { BatchTokenizer } from './subword.js';

const UNK = 'xxunk';
/** Unigram's penalty for an unknown character (the score of `unk` below the lowest piece's), as `tokenizers`. */
const UNK_PENALTY = 10;

interface AddedTokenJson {
  id: number;
  content: string;
  lstrip?: boolean;
  rstrip?: boolean;
  special?: boolean;
}
interface MetaspaceJson {
  type: 'Metaspace';
  replacement?: string;
  prepend_scheme?: 'always' | 'first' | 'never';
  split?: boolean;
}
interface BpeModelJson {
  type: 'BPE';
  vocab: Record<string, number>;
  merges: (string | [string, string])[];
  unk_token?: string | null;
  fuse_unk?: boolean;
}
interface UnigramModelJson {
  type: 'Unigram';
  vocab: [string, number][];
  unk_id?: number | null;
}
interface TokenizerJson {
  added_tokens?: AddedTokenJson[];
  normalizer?: unknown;
  pre_tokenizer?: MetaspaceJson | null;
  model: BpeModelJson | UnigramModelJson;
}

/** One encoded text: the model's tokens and their ids. */
export interface SubwordEncoding {
  /** The model's tokens, in text order (`▁` marks a word start). */
  tokens: string[];
  /** Their ids in the tokenizer's vocab, one per token. */
  ids: number[];
}

interface Model {
  encodeWord(word: string, out: SubwordEncoding): void;
  tokenToId(t: string): number | undefined;
  size: number;
}

function bpeModel(m: BpeModelJson): Model {
  const vocab = new Map(Object.entries(m.vocab));
  const ranks = new Map<string, number>();
  m.merges.forEach((mg, i) => {
    const [a, b] = typeof mg === 'string' ? (mg.split(' ') as [string, string]) : mg;
    ranks.set(`${a}\u0000${b}`, i);
  });
  const unk = m.unk_token ?? undefined;
  const unkId = unk === undefined ? undefined : vocab.get(unk);
  return {
    size: vocab.size,
    tokenToId: (t) => vocab.get(t),
    encodeWord(word, out) {
      // Characters (unknown ones as unk, unfused), then the best-ranked merge, leftmost first, until none applies.
      const parts: string[] = [];
      const known: boolean[] = [];
      for (const ch of word) {
        const ok = vocab.has(ch);
        if (!ok && unkId === undefined)
          throw new TextInputError(
            `subword model: character ${JSON.stringify(ch)} is not in the vocab and the model has no unk token`,
          );
        if (!ok && m.fuse_unk && parts.length > 0 && !known[known.length - 1]) continue;
        parts.push(ch);
        known.push(ok);
      }
      for (;;) {
        let best = Infinity;
        let at = -1;
        for (let i = 0; i + 1 < parts.length; i++) {
          if (!known[i] || !known[i + 1]) continue;
          const r = ranks.get(`${parts[i]}\u0000${parts[i + 1]}`);
          if (r !== undefined && r < best) {
            best = r;
            at = i;
          }
        }
        if (at < 0) break;
        parts.splice(at, 2, parts[at] + parts[at + 1]);
        known.splice(at, 2, true);
      }
      parts.forEach((p, i) => {
        if (known[i]) {
          out.tokens.push(p);
          out.ids.push(vocab.get(p)!);
        } else {
          out.tokens.push(unk!);
          out.ids.push(unkId!);
        }
      });
    },
  };
}

function unigramModel(m: UnigramModelJson): Model {
  const ids = new Map<string, number>();
  m.vocab.forEach(([p], i) => ids.set(p, i));
  const scores = m.vocab.map(([, s]) => s);
  const minScore = Math.min(...scores);
  const unkId = m.unk_id ?? undefined;
  const unkScore = minScore - UNK_PENALTY;
  const maxLen = Math.max(...m.vocab.map(([p]) => [...p].length));
  return {
    size: m.vocab.length,
    tokenToId: (t) => ids.get(t),
    encodeWord(word, out) {
      // `tokenizers`' encode_optimized: Viterbi over the characters, pieces by increasing length from each start; an
      // unknown character is unk at unkScore; consecutive unks fuse into one.
      const chars = [...word];
      const n = chars.length;
      const bestScore = new Float64Array(n + 1).fill(-Infinity);
      const from = new Int32Array(n + 1).fill(-1);
      const pieceId = new Int32Array(n + 1).fill(-1);
      bestScore[0] = 0;
      for (let s = 0; s < n; s++) {
        if (from[s] < 0 && s > 0) continue;
        const base = bestScore[s];
        let single = false;
        let piece = '';
        for (let e = s + 1; e <= Math.min(n, s + maxLen); e++) {
          piece += chars[e - 1];
          const id = ids.get(piece);
          if (id === undefined || id === unkId) continue;
          if (e === s + 1) single = true;
          const cand = base + scores[id];
          if (from[e] < 0 || cand > bestScore[e]) {
            bestScore[e] = cand;
            from[e] = s;
            pieceId[e] = id;
          }
        }
        if (!single) {
          if (unkId === undefined)
            throw new TextInputError(
              `subword model: character ${JSON.stringify(chars[s])} is not in the vocab and the model has no unk`,
            );
          const cand = base + unkScore;
          if (from[s + 1] < 0 || cand > bestScore[s + 1]) {
            bestScore[s + 1] = cand;
            from[s + 1] = s;
            pieceId[s + 1] = unkId;
          }
        }
      }
      const path: [number, number, number][] = [];
      for (let e = n; e > 0; e = from[e]) path.push([from[e], e, pieceId[e]]);
      path.reverse();
      let lastUnk = false;
      for (const [s, e, id] of path) {
        const text = chars.slice(s, e).join('');
        if (id === unkId && lastUnk) {
          out.tokens[out.tokens.length - 1] += text;
          continue;
        }
        out.tokens.push(text);
        out.ids.push(id);
        lastUnk = id === unkId;
      }
    },
  };
}

/**
 * A trained subword model's `tokenizer.json` (what {@link SubwordTokenizer} saves) run in plain JS: special tokens
 * (`xxbos`, `xxmaj`…) matched first, whitespace stripped around them as the JSON says; the rest split by the
 * Metaspace pre-tokenizer (`▁` for spaces, `▁` before each word) and encoded by the BPE merges or the Unigram
 * Viterbi. Tokens and ids equal the native `tokenizers`' for the models SubwordTokenizer trains.
 * @example
 * ```ts
 * const sub = JsonSubwordTokenizer.fromJSON(await (await fetch('tokenizer.json')).text());
 * const [toks] = await sub.tokenizeBatch(['xxbos xxmaj the computer']);
 * ```
 */
export class JsonSubwordTokenizer implements BatchTokenizer {
  private constructor(
    private readonly model: Model,
    private readonly added: AddedTokenJson[],
    private readonly replacement: string,
    private readonly prepend: 'always' | 'first' | 'never',
    /** Names the tokenizer in the tokenization cache key (default `'subword-json'`). */
    readonly id: string,
  ) {}

  /** Reads a `tokenizer.json` (its text or the parsed object); an unsupported part is a {@link TextInputError}. */
  static fromJSON(json: string | object, id = 'subword-json'): JsonSubwordTokenizer {
    let j: TokenizerJson;
    try {
      j = (typeof json === 'string' ? JSON.parse(json) : json) as TokenizerJson;
    } catch (e) {
      throw new TextInputError(`tokenizer.json: not valid JSON (${(e as Error).message})`);
    }
    if (typeof j !== 'object' || j === null || typeof j.model !== 'object' || j.model === null)
      throw new TextInputError('tokenizer.json: no model');
    if (j.normalizer) throw new TextInputError('tokenizer.json: normalizers are not supported in plain JS');
    const pre = j.pre_tokenizer;
    if (pre && pre.type !== 'Metaspace')
      throw new TextInputError(
        `tokenizer.json: pre-tokenizer ${JSON.stringify(pre.type)} is not supported (Metaspace only)`,
      );
    const model =
      j.model.type === 'BPE' ? bpeModel(j.model) : j.model.type === 'Unigram' ? unigramModel(j.model) : undefined;
    if (!model)
      throw new TextInputError(
        `tokenizer.json: model ${JSON.stringify((j.model as { type?: unknown }).type)} is not supported`,
      );
    const added = [...(j.added_tokens ?? [])].sort((a, b) => b.content.length - a.content.length);
    return new JsonSubwordTokenizer(model, added, pre?.replacement ?? '▁', pre?.prepend_scheme ?? 'always', id);
  }

  /** Number of tokens (the model's plus the added ones not in it). */
  get vocabSize(): number {
    return this.model.size + this.added.filter((a) => this.model.tokenToId(a.content) === undefined).length;
  }

  /** Tokens and ids of one text (whitespace runs become one space first, as SubwordTokenizer does). */
  encode(text: string): SubwordEncoding {
    const s = text.replace(/\s+/g, ' ');
    const out: SubwordEncoding = { tokens: [], ids: [] };
    let pos = 0;
    let first = true;
    const plain = (from: number, to: number) => {
      if (to <= from) return;
      this.encodeSegment(s.slice(from, to), first, out);
      first = false;
    };
    while (pos < s.length) {
      // Leftmost special token (longest at a position).
      let at = -1;
      let tok: AddedTokenJson | undefined;
      for (const a of this.added) {
        const i = s.indexOf(a.content, pos);
        if (i >= 0 && (at < 0 || i < at)) {
          at = i;
          tok = a;
        }
      }
      if (!tok) break;
      let left = at;
      if (tok.lstrip) while (left > pos && /\s/.test(s[left - 1])) left--;
      let right = at + tok.content.length;
      if (tok.rstrip) while (right < s.length && /\s/.test(s[right])) right++;
      plain(pos, left);
      out.tokens.push(tok.content);
      out.ids.push(tok.id);
      first = false;
      pos = right;
    }
    plain(pos, s.length);
    return out;
  }

  private encodeSegment(seg: string, first: boolean, out: SubwordEncoding): void {
    const r = this.replacement;
    let t = seg.replaceAll(' ', r);
    if ((this.prepend === 'always' || (this.prepend === 'first' && first)) && !t.startsWith(r)) t = r + t;
    // Split before each replacement character (Metaspace's MergedWithNext).
    const words = t.split(new RegExp(`(?=${r})`, 'u')).filter((w) => w.length > 0);
    for (const w of words) this.model.encodeWord(w, out);
  }

  async tokenizeBatch(texts: readonly string[]): Promise<string[][]> {
    const unkId = this.model.tokenToId(UNK);
    return texts.map((t) => {
      const { tokens, ids } = this.encode(t);
      return tokens.map((tok, k) => (ids[k] === unkId ? UNK : tok));
    });
  }

  /** Ids of each text, as the native `encodeBatch(…).getIds()`. */
  async encodeIds(texts: readonly string[]): Promise<number[][]> {
    return texts.map((t) => this.encode(t).ids);
  }
}
