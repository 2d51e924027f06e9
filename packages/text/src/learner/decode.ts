// fastai's `decode_spec_tokens`: tokens back to readable words.
import { BOS, PAD, TK_MAJ, TK_REP, TK_UP, TK_WREP } from '../tokenize/rules.js';

/**
 * fastai's `decode_spec_tokens`: applies `xxmaj` (capitalise the next word), `xxup` (upper-case it), `xxrep n c`
 * (`c` n times) and `xxwrep n w` (`w` n times), and turns `▁` back into spaces. Unlike fastai 2.7, a repetition
 * applies to the one token after its count only.
 * @example
 * ```ts
 * decodeSpecTokens(['xxmaj', 'hello', 'xxup', 'bob', 'xxrep', '3', '!']); // ['Hello', 'BOB', '!!!']
 * ```
 */
export function decodeSpecTokens(tokens: readonly string[]): string[] {
  const out: string[] = [];
  let rule: string | undefined;
  let arg: number | undefined;
  for (const raw of tokens) {
    const t = raw.replaceAll('▁', ' ');
    if (t === TK_MAJ || t === TK_UP || t === TK_REP || t === TK_WREP) {
      rule = t;
      arg = undefined;
    } else if (rule === undefined) out.push(t);
    else if (rule === TK_MAJ) {
      out.push(t.slice(0, 1).toUpperCase() + t.slice(1).toLowerCase());
      rule = undefined;
    } else if (rule === TK_UP) {
      out.push(t.toUpperCase());
      rule = undefined;
    } else if (arg === undefined) {
      const n = Number(t);
      if (Number.isInteger(n) && n >= 0) arg = n;
      else {
        rule = undefined;
        out.push(t);
      }
    } else {
      if (rule === TK_REP) out.push(t.repeat(arg));
      else for (let i = 0; i < arg; i++) out.push(t);
      rule = undefined;
      arg = undefined;
    }
  }
  return out;
}

/**
 * Tokens as one readable text: `xxbos`/`xxpad` dropped, special tokens decoded, joined by spaces (fastai's
 * `LMLearner.predict` output).
 * @example
 * ```ts
 * detokenize(['xxbos', 'xxmaj', 'it', 'was']); // 'It was'
 * ```
 */
export function detokenize(tokens: readonly string[]): string {
  return decodeSpecTokens(tokens.filter((t) => t !== BOS && t !== PAD)).join(' ');
}
