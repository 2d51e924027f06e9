import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasets } from '@tfai/datasets';
import { describe, expect, it } from 'vitest';
import { column, readTextTable } from '../data/read.js';
import { applyRules, defaultRules } from './rules.js';
import { SubwordTokenizer } from './subword.js';
import { JsonSubwordTokenizer } from './subword-json.js';

describe('JsonSubwordTokenizer: the native tokenizer.json in plain JS, same tokens and ids', async () => {
  const austen = column(await readTextTable(`${datasets.path('jane_austen')}/austen.csv`), 'text').map((t) =>
    applyRules(t, defaultRules),
  );
  const reviews = column(await readTextTable(`${datasets.path('amazon_fine_foods')}/reviews.csv`), 'text').map((t) =>
    applyRules(t, defaultRules),
  );
  // Trained on Austen; encoded: other Austen passages and food reviews (unseen words and characters, unks).
  const train = austen.slice(0, 400);
  const probe = [...austen.slice(400, 700), ...reviews.slice(0, 300), 'xxbos ☃ naïve café — “quoted” xxup ok'];

  for (const modelType of ['bpe', 'unigram'] as const) {
    it(`${modelType}: identical ids and tokens on ${probe.length} real texts`, async () => {
      const native = await SubwordTokenizer.train(train, { modelType, vocabSz: 1000 });
      const file = join(tmpdir(), `tfai-subword-json-${process.pid}-${modelType}.json`);
      native.save(file);
      const js = JsonSubwordTokenizer.fromJSON(await readFile(file, 'utf8'));
      await rm(file, { force: true });
      const [nIds, jIds] = await Promise.all([native.encodeIds(probe), js.encodeIds(probe)]);
      const differ = probe.map((_, i) => i).filter((i) => JSON.stringify(nIds[i]) !== JSON.stringify(jIds[i]));
      expect(
        differ
          .map((i) => ({ text: probe[i].slice(0, 80), native: nIds[i].slice(0, 20), js: jIds[i].slice(0, 20) }))
          .slice(0, 3),
      ).toEqual([]);
      expect(await js.tokenizeBatch(probe)).toEqual(await native.tokenizeBatch(probe));
      expect(nIds.flat().length).toBeGreaterThan(50_000);
      expect(js.vocabSize).toBe(native.vocabSize);
    });
  }

  it('refuses what it cannot run, naming it', () => {
    expect(() => JsonSubwordTokenizer.fromJSON('{')).toThrow(/not valid JSON/);
    expect(() => JsonSubwordTokenizer.fromJSON({ model: { type: 'WordPiece' } })).toThrow(/WordPiece/);
  });
});
