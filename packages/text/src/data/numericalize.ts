// fastai's make_vocab and Numericalize.
import { TextInputError } from '../errors.js';
import { SPECIAL_TOKENS } from '../tokenize/rules.js';

/** Options of `makeVocab` (fastai's defaults). */
export interface MakeVocabOptions {
  /** Tokens seen fewer times are left out (default 3). */
  minFreq?: number;
  /** At most this many tokens (default 60000), special tokens included. */
  maxVocab?: number;
  /** Put first, in this order (default fastai's: `xxunk`, `xxpad`, `xxbos`, …). */
  specialToks?: readonly string[];
}

/**
 * fastai's `make_vocab`: the `maxVocab` most common tokens seen at least `minFreq` times (ties in order of first
 * appearance, as Python's `Counter.most_common`), special tokens first (`xxunk` 0, `xxpad` 1), then padded with
 * `xxfake` to a multiple of 8 — by 8 more when already a multiple, exactly as fastai.
 * @example
 * ```ts
 * makeVocab(countTokens(trainTokens)).slice(0, 3); // ['xxunk', 'xxpad', 'xxbos']
 * ```
 */
export function makeVocab(counts: ReadonlyMap<string, number>, opts: MakeVocabOptions = {}): string[] {
  const minFreq = opts.minFreq ?? 3;
  const maxVocab = opts.maxVocab ?? 60000;
  const special = opts.specialToks ?? SPECIAL_TOKENS;
  // Stable sort by decreasing count keeps first-appearance order among ties.
  const common = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, maxVocab);
  const specialSet = new Set(special);
  const vocab = [...special, ...common.filter(([t, c]) => c >= minFreq && !specialSet.has(t)).map(([t]) => t)].slice(
    0,
    maxVocab,
  );
  return [...vocab, ...Array<string>(8 - (vocab.length % 8)).fill('xxfake')];
}

/**
 * Tokens ↔ ids with a vocab (fastai's `Numericalize`): unknown tokens map to 0 (`xxunk`), and `xxfake` padding
 * entries are never produced.
 * @example
 * ```ts
 * const num = Numericalize.fromCounts(countTokens(train), { minFreq: 3 });
 * num.encode(['xxbos', 'hello']); // Int32Array [2, …]
 * num.decode(num.encode(['xxbos'])); // ['xxbos']
 * ```
 */
export class Numericalize {
  private readonly o2i = new Map<string, number>();
  constructor(
    /** Tokens in id order (`vocab[i]` has id i; `xxunk` 0, `xxpad` 1), as fastai's `Numericalize.vocab`. */
    readonly vocab: readonly string[],
  ) {
    vocab.forEach((t, i) => {
      if (t !== 'xxfake' && !this.o2i.has(t)) this.o2i.set(t, i);
    });
  }
  /** Builds the vocab from token counts of the training split (`makeVocab`). */
  static fromCounts(counts: ReadonlyMap<string, number>, opts: MakeVocabOptions = {}): Numericalize {
    return new Numericalize(makeVocab(counts, opts));
  }
  /** Tokens → ids (`xxunk` for tokens not in the vocab). */
  encode(tokens: readonly string[]): Int32Array {
    return Int32Array.from(tokens, (t) => this.o2i.get(t) ?? 0);
  }
  /** Ids → tokens. */
  decode(ids: ArrayLike<number>): string[] {
    return Array.from(ids, (i) => {
      const t = this.vocab[i];
      if (t === undefined) throw new TextInputError(`token id ${i} is outside the vocab (size ${this.vocab.length})`);
      return t;
    });
  }
  /** The id of a token (0 for unknown ones). */
  id(token: string): number {
    return this.o2i.get(token) ?? 0;
  }
}
