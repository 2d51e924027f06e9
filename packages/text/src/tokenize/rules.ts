// fastai's special tokens and default text rules (text/core.py), applied to a text before it is tokenized.

/** fastai's special token: Unknown token (a word not in the vocab). */
export const UNK = 'xxunk';
/** fastai's special token: Padding token. */
export const PAD = 'xxpad';
/** fastai's special token: Beginning of a text. */
export const BOS = 'xxbos';
/** fastai's special token: End of a text. */
export const EOS = 'xxeos';
/** fastai's special token: Separates the fields of a multi-field text. */
export const FLD = 'xxfld';
/** fastai's special token: Precedes a character repeated: `xxrep 4 !`. */
export const TK_REP = 'xxrep';
/** fastai's special token: Precedes a word repeated: `xxwrep 3 very`. */
export const TK_WREP = 'xxwrep';
/** fastai's special token: The next word was all capitals. */
export const TK_UP = 'xxup';
/** fastai's special token: The next word was capitalised. */
export const TK_MAJ = 'xxmaj';

/** fastai's `defaults.text_spec_tok`, in vocab order (`xxunk` 0, `xxpad` 1, …). */
export const SPECIAL_TOKENS: readonly string[] = [UNK, PAD, BOS, EOS, FLD, TK_REP, TK_WREP, TK_UP, TK_MAJ];

/** A rule: text in, text out. */
export type TextRule = (t: string) => string;

/**
 * Adds spaces around `/`, `#` and `\`.
 * @example
 * ```ts
 * specAddSpaces('#fastai'); // ' # fastai'
 * ```
 */
export const specAddSpaces: TextRule = (t) => t.replace(/([/#\\])/g, ' $1 ');

/**
 * Collapses runs of spaces.
 * @example
 * ```ts
 * rmUselessSpaces('a  b'); // 'a b'
 * ```
 */
export const rmUselessSpaces: TextRule = (t) => t.replace(/ {2,}/g, ' ');

/**
 * Character repetitions of 3 or more: `cccc` → ` xxrep 4 c `.
 * @example
 * ```ts
 * replaceRep('aaaa'); // ' xxrep 4 a '
 * ```
 */
export const replaceRep: TextRule = (t) =>
  t.replace(/(\S)(\1{2,})/gu, (_m, c: string, cc: string) => ` ${TK_REP} ${[...cc].length + 1} ${c} `);

// Python's \w and \W are Unicode-aware; JavaScript's are ASCII, so spell them out.
const W = '[\\p{L}\\p{N}\\p{M}_]';
const NON_W = '[^\\p{L}\\p{N}\\p{M}_]';
const WREP = new RegExp(`(?:\\s|^)(${W}+)\\s+((?:\\1\\s+)+)\\1(\\s|${NON_W}|$)`, 'gu');

/**
 * Word repetitions of 3 or more: `word word word` → ` xxwrep 3 word `.
 * @example
 * ```ts
 * replaceWrep('ah ah ah'); // ' xxwrep 3 ah '
 * ```
 */
export const replaceWrep: TextRule = (t) =>
  t.replace(
    WREP,
    (_m, c: string, cc: string, e: string) => ` ${TK_WREP} ${cc.split(/\s+/).filter(Boolean).length + 2} ${c} ${e}`,
  );

// The named entities Python's html.unescape knows that occur in practice; numeric ones are decoded generally.
const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  copy: '©',
  reg: '®',
  trade: '™',
  deg: '°',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  sect: '§',
  para: '¶',
  middot: '·',
  bull: '•',
  times: '×',
  divide: '÷',
  eacute: 'é',
  egrave: 'è',
  ecirc: 'ê',
  euml: 'ë',
  aacute: 'á',
  agrave: 'à',
  acirc: 'â',
  auml: 'ä',
  aring: 'å',
  ccedil: 'ç',
  iacute: 'í',
  igrave: 'ì',
  icirc: 'î',
  iuml: 'ï',
  ntilde: 'ñ',
  oacute: 'ó',
  ograve: 'ò',
  ocirc: 'ô',
  ouml: 'ö',
  oslash: 'ø',
  uacute: 'ú',
  ugrave: 'ù',
  ucirc: 'û',
  uuml: 'ü',
  szlig: 'ß',
  Eacute: 'É',
  Auml: 'Ä',
  Ouml: 'Ö',
  Uuml: 'Ü',
  iexcl: '¡',
  iquest: '¿',
  frac12: '½',
  frac14: '¼',
  frac34: '¾',
  shy: '\u00ad',
};

/** Decodes HTML character references (numeric, and the common named ones), as Python's `html.unescape`. */
export function htmlUnescape(s: string): string {
  return s.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);/g, (m, ref: string) => {
    if (ref[0] !== '#') return ENTITIES[ref] ?? m;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
  });
}

/**
 * Fixes messy things seen in web text (`#39;`, `amp;`, `<br />`, `\n` written out, `...` → ` …`), then decodes HTML
 * entities.
 * @example
 * ```ts
 * fixHtml('Sarah amp; Duck...'); // 'Sarah & Duck …'
 * ```
 */
export const fixHtml: TextRule = (x) =>
  htmlUnescape(
    x
      .replaceAll('#39;', "'")
      .replaceAll('amp;', '&')
      .replaceAll('#146;', "'")
      .replaceAll('nbsp;', ' ')
      .replaceAll('#36;', '$')
      .replaceAll('\\n', '\n')
      .replaceAll('quot;', "'")
      .replaceAll('<br />', '\n')
      .replaceAll('\\"', '"')
      .replaceAll('<unk>', UNK)
      .replaceAll(' @.@ ', '.')
      .replaceAll(' @-@ ', '-')
      .replaceAll('...', ' …'),
  );

/**
 * Words in ALL CAPS are lowered, and `xxup` is put before those of two letters or more.
 * @example
 * ```ts
 * replaceAllCaps("I'M SHOUTING"); // "xxup i'm xxup shouting"
 * ```
 */
export const replaceAllCaps: TextRule = (t) =>
  t.replace(
    /(\s|^)([A-Z]+[^a-z\s]*)(?=(\s|$))/g,
    (_m, pre: string, w: string) => `${pre}${w.length > 1 ? `${TK_UP} ` : ''}${w.toLowerCase()}`,
  );

/**
 * Capitalised words are lowered, and `xxmaj` is put before those of two letters or more.
 * @example
 * ```ts
 * replaceMaj('Jeremy Howard'); // 'xxmaj jeremy xxmaj howard'
 * ```
 */
export const replaceMaj: TextRule = (t) =>
  t.replace(
    /(\s|^)([A-Z][^A-Z\s]*)(?=(\s|$))/g,
    (_m, pre: string, w: string) => `${pre}${w.length > 1 ? `${TK_MAJ} ` : ''}${w.toLowerCase()}`,
  );

/**
 * Lowercases and trims the text, and starts it with `xxbos` (fastai's `lowercase(add_bos=True, add_eos=False)`).
 * @example
 * ```ts
 * lowercase(' Hi '); // 'xxbos hi'
 * ```
 */
export const lowercase: TextRule = (t) => `${BOS} ${t.toLowerCase().trim()}`;

/** {@link lowercase} that also ends the text with `xxeos`. */
export const lowercaseWithEos: TextRule = (t) => `${BOS} ${t.toLowerCase().trim()} ${EOS}`;

/**
 * After tokenization: spaces inside a token become `▁`, so a tokenized text can be joined and split on spaces.
 * @example
 * ```ts
 * replaceSpace('\n '); // '\n▁'
 * ```
 */
export const replaceSpace: TextRule = (t) => t.replaceAll(' ', '▁');

/** fastai's `defaults.text_proc_rules`, in order. */
export const defaultRules: readonly TextRule[] = [
  fixHtml,
  replaceRep,
  replaceWrep,
  specAddSpaces,
  rmUselessSpaces,
  replaceAllCaps,
  replaceMaj,
  lowercase,
];

/** fastai's `defaults.text_postproc_rules` (applied to each token). */
export const defaultPostRules: readonly TextRule[] = [replaceSpace];

/**
 * Applies rules in order.
 * @example
 * ```ts
 * applyRules('Hello World', defaultRules); // 'xxbos xxmaj hello xxmaj world'
 * ```
 */
export function applyRules(t: string, rules: readonly TextRule[]): string {
  return rules.reduce((s, r) => r(s), t);
}
