/**
 * Hugging Face `tokenizers`' `Whitespace` pre-tokenizer (`\w+|[^\w\s]+`, Rust's Unicode `\w` and `\s`) in plain JS,
 * so a page tokenizes as Node does (tested against the native one on real text).
 */
const WHITESPACE_PRE =
  /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]+|[^\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}\p{White_Space}]+/gu;

/**
 * The pieces of `text` as `tokenizers`' `whitespacePreTokenizer()` splits it (`\w+|[^\w\s]+`), in plain JS.
 * @example
 * ```ts
 * whitespacePieces("isn't it?"); // ['isn', "'", 't', 'it', '?']
 * ```
 */
export function whitespacePieces(text: string): string[] {
  return text.match(WHITESPACE_PRE) ?? [];
}

/** Splits a text (after the rules) into tokens. */
export interface Tokenizer {
  /** A name that identifies the tokenizer and its settings (part of the tokenization cache key). */
  readonly id: string;
  /** Splits one text into tokens. */
  tokenize(text: string): string[];
}

const CONTRACTIONS = new Set(['s', 't', 're', 've', 'm', 'll', 'd']);
const APOSTROPHES = new Set(["'", '’']);
const IS_WORD = /^[\p{L}\p{N}\p{M}_]/u;
const IS_DIGITS = /^\p{Nd}+$/u;

interface Piece {
  text: string;
  /** True when no whitespace separates this piece from the previous one. */
  glued: boolean;
}

/**
 * fastai's default word tokenizer, an approximation of spaCy's English tokenizer (`SpacyTokenizer`): the text is
 * pre-tokenized as Hugging Face `tokenizers`' `Whitespace` pre-tokenizer (`\w+|[^\w\s]+`, {@link whitespacePieces}), then, as spaCy:
 * - punctuation runs are split into runs of one character (`."` → `.` `"`, `...` stays),
 * - contractions are split off the word (`isn't` → `is` `n't`, `it's` → `it` `'s`, `can't` → `ca` `n't`),
 * - decimal numbers stay whole (`3.5`, `1,000`),
 * - whitespace other than one separating space becomes a token (`\n\n`), which fastai's `replace_space` turns
 *   into `▁` inside tokens.
 * Special tokens (`xxbos`, `xxmaj`, …) are words, so they stay whole. Known differences from spaCy: no special
 * cases for abbreviations (`U.S.` → `U` `.` `S` `.`), URLs or emoticons, and hyphenated words are always split.
 * @example
 * ```ts
 * new WordTokenizer().tokenize("This isn't the easiest text."); // ['This', 'is', "n't", 'the', 'easiest', 'text', '.']
 * ```
 */
export class WordTokenizer implements Tokenizer {
  readonly id = 'word-v1';

  /** Splits one text into tokens. */
  tokenize(text: string): string[] {
    const out: string[] = [];
    for (const p of this.merge(this.pieces(text))) out.push(p.text);
    return out;
  }

  /** The pre-tokenizer's pieces located in `text`, with the whitespace between them as tokens where spaCy keeps it. */
  private pieces(text: string): Piece[] {
    const out: Piece[] = [];
    let pos = 0;
    const gap = (g: string, atStart: boolean) => {
      const kept = atStart || !g.startsWith(' ') ? g : g.slice(1);
      if (kept) out.push({ text: kept, glued: false });
    };
    for (const piece of whitespacePieces(text)) {
      const at = text.indexOf(piece, pos);
      if (at < 0) throw new Error(`WordTokenizer: piece ${JSON.stringify(piece)} not found in the text`);
      const g = text.slice(pos, at);
      gap(g, pos === 0);
      const glued = out.length > 0 && g === '';
      if (IS_WORD.test(piece)) out.push({ text: piece, glued });
      else this.splitPunctuation(piece).forEach((run, k) => out.push({ text: run, glued: k > 0 || glued }));
      pos = at + piece.length;
    }
    gap(text.slice(pos), pos === 0);
    return out;
  }

  /** `."!` → `.` `"` `!`; runs of one character stay together (`...`, `--`). */
  private splitPunctuation(s: string): string[] {
    const runs: string[] = [];
    for (const ch of s) {
      const last = runs.length - 1;
      if (last >= 0 && runs[last].startsWith(ch) && [...runs[last]].every((c) => c === ch)) runs[last] += ch;
      else runs.push(ch);
    }
    return runs;
  }

  /** Joins contractions and decimal numbers as spaCy tokenizes them. */
  private merge(ps: Piece[]): Piece[] {
    const out: Piece[] = [];
    for (let i = 0; i < ps.length; i++) {
      const p = ps[i];
      const prev = out[out.length - 1];
      const next = ps[i + 1];
      // word ' s → word 's ; do n ' t → do n't
      if (
        APOSTROPHES.has(p.text) &&
        p.glued &&
        prev &&
        IS_WORD.test(prev.text) &&
        next?.glued &&
        CONTRACTIONS.has(next.text.toLowerCase())
      ) {
        if (next.text.toLowerCase() === 't' && prev.text.length > 1 && /n$/i.test(prev.text)) {
          out.push({ text: `${prev.text.slice(-1)}${p.text}${next.text}`, glued: true });
          prev.text = prev.text.slice(0, -1);
        } else out.push({ text: p.text + next.text, glued: true });
        i++;
        continue;
      }
      // 3 . 5 → 3.5 ; 1 , 000 → 1,000
      if (
        (p.text === '.' || p.text === ',') &&
        p.glued &&
        prev &&
        IS_DIGITS.test(prev.text.replace(/[.,]/g, '')) &&
        next?.glued &&
        IS_DIGITS.test(next.text)
      ) {
        prev.text += p.text + next.text;
        i++;
        continue;
      }
      out.push({ ...p });
    }
    return out;
  }
}

/**
 * Splits on one character and nothing else (fastai's `BaseTokenizer`).
 * @example
 * ```ts
 * new BaseTokenizer().tokenize('This is a text'); // ['This', 'is', 'a', 'text']
 * ```
 */
export class BaseTokenizer implements Tokenizer {
  readonly id: string;
  constructor(
    /** The separator texts are split on (default a space), as fastai's `BaseTokenizer(split_char)`. */
    readonly splitChar = ' ',
  ) {
    this.id = `base-${JSON.stringify(splitChar)}`;
  }
  /** Splits one text into tokens. */
  tokenize(text: string): string[] {
    return text.split(this.splitChar);
  }
}
