import { datasets } from '@tfai/datasets';
import { whitespacePreTokenizer } from 'tokenizers';
import { describe, expect, it } from 'vitest';
import { column, readTextTable } from '../data/read.js';
import { applyRules, defaultRules } from './rules.js';
import { WordTokenizer, whitespacePieces } from './word-tokenizer.js';

describe("whitespacePieces: tokenizers' Whitespace pre-tokenizer in plain JS", async () => {
  const austen = column(await readTextTable(`${datasets.path('jane_austen')}/austen.csv`), 'text');
  const reviews = column(await readTextTable(`${datasets.path('amazon_fine_foods')}/reviews.csv`), 'text');
  const texts = [
    ...austen.slice(0, 500),
    ...reviews.slice(0, 500),
    'naïve café — “quoted” 3.5 1,000 it’s __init__ x\u200dy ٣٤ 日本語 \u00a0nbsp',
  ];

  it(`splits ${texts.length} real texts (raw and after fastai's rules) exactly as the native one`, () => {
    const native = whitespacePreTokenizer();
    let pieces = 0;
    for (const t of [...texts, ...texts.map((x) => applyRules(x, defaultRules))]) {
      const want = native.preTokenizeString(t).map(([p]) => p);
      expect(whitespacePieces(t)).toEqual(want);
      pieces += want.length;
    }
    expect(pieces).toBeGreaterThan(100_000);
  });

  it('so WordTokenizer needs no native module: spaCy-like tokens', () => {
    expect(new WordTokenizer().tokenize("This isn't the easiest text.")).toEqual([
      'This',
      'is',
      "n't",
      'the',
      'easiest',
      'text',
      '.',
    ]);
  });
});
