import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';
import { LMDataLoader } from './lm-dataloader.js';
import { SortedDL } from './sorted-dl.js';
import { TextDataLoaders } from './text-dataloaders.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'tfai-textdl-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('TextDataLoaders.fromCsv on real data', () => {
  it('classification: fortunes (8 classes, is_valid split), vocab from the training rows', async () => {
    const dls = await TextDataLoaders.fromCsv(`${datasets.path('fortunes')}/fortunes.csv`, { bs: 16, cacheDir: false, progress: false, seed: 1 });
    expect(dls.vocab).toEqual(['computers', 'education', 'food', 'law', 'politics', 'science', 'sports', 'startrek']);
    expect(dls.c).toBe(8);
    expect(dls.textVocab.slice(0, 9)).toEqual(['xxunk', 'xxpad', 'xxbos', 'xxeos', 'xxfld', 'xxrep', 'xxwrep', 'xxup', 'xxmaj']);
    expect(dls.textVocab.length % 8).toBe(0);
    expect(dls.train).toBeInstanceOf(SortedDL);
    const { x: [x], y } = await dls.valid.oneBatch();
    expect(x.shape[0]).toBe(16);
    expect(y.shape).toEqual([16]);
    // Validation is sorted longest first; the first row has no padding.
    expect(Array.from(x.slice([0, 0], [1, -1]).dataSync()).includes(1)).toBe(false);
    tf.dispose([x, y]);
  });

  it('language model: Jane Austen with a random 10% validation split, bptt 72', async () => {
    const dls = await TextDataLoaders.fromCsv(`${datasets.path('jane_austen')}/austen.csv`, { isLm: true, validPct: 0.1, bs: 32, seqLen: 72, seed: 0, cacheDir: false, progress: false });
    expect(dls.train).toBeInstanceOf(LMDataLoader);
    expect(dls.c).toBe(dls.textVocab.length);
    expect(dls.textVocab.length).toBeGreaterThan(5000);
    const train = dls.train as LMDataLoader;
    expect(train.length).toBeGreaterThan(300);
    const { x: [x], y } = await train.oneBatch();
    expect(x.shape).toEqual([32, 72]);
    expect(y.shape).toEqual([32, 72]);
    tf.dispose([x, y]);
  });

  it('amazon fine foods: a classifier reusing a language model’s vocab', async () => {
    const lm = await TextDataLoaders.fromCsv(`${datasets.path('amazon_fine_foods')}/reviews.csv`, { isLm: true, bs: 16, cacheDir, progress: false });
    // Same texts, same tokenizer and rules: the second call reads the tokenization cache.
    const clas = await TextDataLoaders.fromCsv(`${datasets.path('amazon_fine_foods')}/reviews.csv`, { textVocab: lm.textVocab, bs: 16, cacheDir, progress: false });
    expect(clas.textVocab).toBe(lm.textVocab);
    expect(clas.vocab).toEqual(['great', 'other']);
  });
});
