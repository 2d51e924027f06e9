import { describe, expect, it } from 'vitest';
import { column, readTextTable } from '../data/read.js';
import { datasets } from '@tfai/datasets';
import { applyRules, defaultRules } from './rules.js';
import { SubwordTokenizer } from './subword.js';
import { tokenizeTexts } from './tokenize.js';

describe('SubwordTokenizer (HF tokenizers BPE / unigram trained on the texts)', async () => {
  const texts = column(await readTextTable(`${datasets.path('fortunes')}/fortunes.csv`), 'text');
  const ruled = texts.map((t) => applyRules(t, defaultRules));

  for (const modelType of ['bpe', 'unigram'] as const) {
    it(`${modelType}: trains to the asked vocab size, keeps special tokens whole, covers unseen characters with xxunk`, async () => {
      const sub = await SubwordTokenizer.train(ruled, { modelType, vocabSz: 800 });
      // The model's pieces plus the 9 special tokens (BPE: + xxunk in the model).
      expect(sub.vocabSize).toBeLessThanOrEqual(800 + 10);
      expect(sub.vocabSize).toBeGreaterThan(700);
      const [toks] = await sub.tokenizeBatch(['xxbos xxmaj the computer is xxup down\n\nxxrep 4 ! ☃']);
      expect(toks.slice(0, 2)).toEqual(['xxbos', 'xxmaj']);
      expect(toks).toContain('xxup');
      expect(toks).toContain('xxrep');
      expect(toks.some((t) => t.startsWith('▁'))).toBe(true);
      expect(toks.at(-1)).toBe('xxunk'); // the snowman is in no fortune
      expect(toks.join('').replaceAll('▁', '')).toContain('computer');
    });
  }

  it('fastai’s default size (a quarter of the distinct words, multiple of 8) and tokenizeTexts with it', async () => {
    const sub = await SubwordTokenizer.train(ruled.slice(0, 500), { modelType: 'bpe' });
    const words = new Set(ruled.slice(0, 500).flatMap((t) => t.split(/\s+/).filter(Boolean)));
    const expected = Math.max(29, Math.ceil(Math.floor(words.size / 4) / 8) * 8);
    expect(sub.id).toContain(`-${expected}-`);
    const { tokens } = await tokenizeTexts(texts.slice(0, 20), { tok: sub, cacheDir: false, progress: false });
    expect(tokens).toHaveLength(20);
    expect(tokens.every((t) => t[0] === 'xxbos')).toBe(true);
  });

  it('refuses to train on nothing', async () => {
    await expect(SubwordTokenizer.train(['', '  '])).rejects.toThrow(/no text to train on/);
  });
});
