import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { TfaiError } from '@tfai/core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { TextInputError } from '../errors.js';
import { readTextTable } from './read.js';
import { datasets } from '@tfai/datasets';
import { LMDataLoader } from './lm-dataloader.js';
import { SortedDL } from './sorted-dl.js';
import { capTokens, DEFAULT_MAX_TOKENS, TextDataLoaders } from './text-dataloaders.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'tfai-textdl-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('TextDataLoaders.fromCsv on real data', () => {
  it('classification: fortunes (8 classes, is_valid split), vocab from the training rows', async () => {
    const dls = await TextDataLoaders.fromCsv(`${datasets.path('fortunes')}/fortunes.csv`, {
      bs: 16,
      cacheDir: false,
      progress: false,
      seed: 1,
    });
    expect(dls.vocab).toEqual(['computers', 'education', 'food', 'law', 'politics', 'science', 'sports', 'startrek']);
    expect(dls.c).toBe(8);
    expect(dls.textVocab.slice(0, 9)).toEqual([
      'xxunk',
      'xxpad',
      'xxbos',
      'xxeos',
      'xxfld',
      'xxrep',
      'xxwrep',
      'xxup',
      'xxmaj',
    ]);
    expect(dls.textVocab.length % 8).toBe(0);
    expect(dls.train).toBeInstanceOf(SortedDL);
    const {
      x: [x],
      y,
    } = await dls.valid.oneBatch();
    expect(x.shape[0]).toBe(16);
    expect(y.shape).toEqual([16]);
    // Validation is sorted longest first; the first row has no padding.
    expect(Array.from(x.slice([0, 0], [1, -1]).dataSync()).includes(1)).toBe(false);
    tf.dispose([x, y]);
  });

  it('language model: Jane Austen with a random 10% validation split, bptt 72', async () => {
    const dls = await TextDataLoaders.fromCsv(`${datasets.path('jane_austen')}/austen.csv`, {
      isLm: true,
      validPct: 0.1,
      bs: 32,
      seqLen: 72,
      seed: 0,
      cacheDir: false,
      progress: false,
    });
    expect(dls.train).toBeInstanceOf(LMDataLoader);
    expect(dls.c).toBe(dls.textVocab.length);
    expect(dls.textVocab.length).toBeGreaterThan(5000);
    const train = dls.train as LMDataLoader;
    expect(train.length).toBeGreaterThan(300);
    const {
      x: [x],
      y,
    } = await train.oneBatch();
    expect(x.shape).toEqual([32, 72]);
    expect(y.shape).toEqual([32, 72]);
    tf.dispose([x, y]);
  });

  it('amazon fine foods: a classifier reusing a language model’s vocab', async () => {
    const lm = await TextDataLoaders.fromCsv(`${datasets.path('amazon_fine_foods')}/reviews.csv`, {
      isLm: true,
      bs: 16,
      cacheDir,
      progress: false,
    });
    // Same texts, same tokenizer and rules: the second call reads the tokenization cache.
    const clas = await TextDataLoaders.fromCsv(`${datasets.path('amazon_fine_foods')}/reviews.csv`, {
      textVocab: lm.textVocab,
      bs: 16,
      cacheDir,
      progress: false,
    });
    expect(clas.textVocab).toBe(lm.textVocab);
    expect(clas.vocab).toEqual(['great', 'other']);
  });
});

describe('resource limits and degenerate data (issue 17)', () => {
  const table = async () => readTextTable(`${datasets.path('fortunes')}/fortunes.csv`);

  it('a text longer than maxTokens keeps its last maxTokens tokens, with a warning; batches are capped with it', async () => {
    const t = await table();
    const law = t.rows.filter((r) => r.label === 'law').map((r) => r.text);
    const long = Array.from({ length: 12 }, () => law.join('\n')).join('\n'); // tens of thousands of tokens
    const rows = [
      ...t.rows.filter((r) => r.is_valid === 'False').slice(0, 300),
      ...t.rows.filter((r) => r.is_valid === 'True').slice(0, 50),
    ];
    rows.push({ label: 'law', text: long, is_valid: 'False' }, { label: 'law', text: long, is_valid: 'False' });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      for (const [cap, width] of [
        [2000, 2000],
        [undefined, DEFAULT_MAX_TOKENS],
      ] as const) {
        warn.mockClear();
        const dls = await TextDataLoaders.fromTable(
          { fields: t.fields, rows },
          { bs: 8, cacheDir: false, progress: false, seed: 1, maxTokens: cap },
          'long.csv',
        );
        expect(warn).toHaveBeenCalledTimes(1);
        expect(warn.mock.calls[0][0]).toMatch(
          new RegExp(
            `long\\.csv: 2 texts longer than maxTokens = ${width} tokens \\(the longest: \\d{5,}\\) cut to their last ${width} tokens`,
          ),
        );
        const {
          x: [x],
          y,
        } = await dls.train.oneBatch(); // the first training batch holds the longest texts
        expect(x.shape).toEqual([8, width]);
        tf.dispose([x, y]);
        // predict's encoding is capped the same way.
        const [e] = await dls.encodeItems([long]);
        expect(e.shape).toEqual([1, width]);
        e.dispose();
      }
      expect(DEFAULT_MAX_TOKENS).toBe(14400);
      // The last tokens are kept, the first ones dropped.
      expect(Array.from(capTokens([Int32Array.of(2, 5, 6, 7), Int32Array.of(2, 9)], 3, 'x.csv')[0])).toEqual([5, 6, 7]);
      expect(capTokens([Int32Array.of(2, 5, 6, 7)], false, 'x.csv')[0].length).toBe(4);
      expect(() => capTokens([], 0, 'x.csv')).toThrow(TextInputError);
    } finally {
      warn.mockRestore();
    }
  }, 120_000);

  it('a single-class label column: a TextInputError naming the source (not tfjs’s oneHot depth error)', async () => {
    const t = await table();
    const rows = t.rows.filter((r) => r.label === 'law');
    await expect(
      TextDataLoaders.fromTable({ fields: t.fields, rows }, { cacheDir: false, progress: false }, 'law.csv'),
    ).rejects.toThrow(/^law\.csv: the label column has a single class \("law"\)/);
    await expect(
      TextDataLoaders.fromTable({ fields: t.fields, rows }, { cacheDir: false, progress: false }, 'law.csv'),
    ).rejects.toBeInstanceOf(TextInputError);
  });

  it('a missing CSV or text file is a TfaiError naming it (not a raw ENOENT)', async () => {
    await expect(TextDataLoaders.fromCsv(join(cacheDir, 'absent.csv'))).rejects.toThrow(
      /absent\.csv: cannot read the file \(ENOENT\)/,
    );
    await expect(TextDataLoaders.fromCsv(join(cacheDir, 'absent.csv'))).rejects.toBeInstanceOf(TfaiError);
  });
});
