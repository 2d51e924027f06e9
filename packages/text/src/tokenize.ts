// @tfai/text/tokenize — fastai's text/core.py: the rules and special tokens, the word tokenizer, the subword
// tokenizer (Hugging Face's native `tokenizers`: Node-only, in its own file) and tokenizing a corpus (cached under
// $TFAI_HOME).

// ---- Tokenization ----
// fastai's rules and special tokens, word and subword tokenizers, tokenizing a corpus (cached under $TFAI_HOME).
export {
  UNK,
  PAD,
  BOS,
  EOS,
  FLD,
  TK_REP,
  TK_WREP,
  TK_UP,
  TK_MAJ,
  SPECIAL_TOKENS,
  fixHtml,
  replaceRep,
  replaceWrep,
  specAddSpaces,
  rmUselessSpaces,
  replaceAllCaps,
  replaceMaj,
  lowercase,
  lowercaseWithEos,
  replaceSpace,
  htmlUnescape,
  defaultRules,
  defaultPostRules,
  applyRules,
} from './tokenize/rules.js';
export type { TextRule } from './tokenize/rules.js';
export { WordTokenizer, BaseTokenizer, whitespacePieces } from './tokenize/word-tokenizer.js';
export type { Tokenizer } from './tokenize/word-tokenizer.js';
export { SubwordTokenizer } from '#platform/subword';
export type { SubwordOptions, BatchTokenizer } from './tokenize/subword.js';
export { JsonSubwordTokenizer } from './tokenize/subword-json.js';
export type { SubwordEncoding } from './tokenize/subword-json.js';
export { tokenize1, tokenizeTexts, countTokens } from './tokenize/tokenize.js';
export type { TokenizeOptions, TokenizeTextsOptions, TokenizedCorpus } from './tokenize/tokenize.js';
