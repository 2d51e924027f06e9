import { manualSeed } from '@tfai/core';
import { describe, expect, it } from 'vitest';
import { readTextTable } from '../data/read.js';
import { TextDataLoaders } from '../data/text-dataloaders.js';
import { AWDLSTM } from '../models/awd-lstm.js';
import { datasets } from '@tfai/datasets';
import { languageModelLearner } from './text-learner.js';

// Bounded for CI: a small AWD-LSTM on a slice of the data. The longer runs (and the stated figures) are in
// bench/ulmfit-real-data.ts.
describe('text learners on real data', () => {
  it('Jane Austen language model: validation perplexity falls over epochs, far below the vocab size', async () => {
    manualSeed(0);
    const table = await readTextTable(`${datasets.path('jane_austen')}/austen.csv`);
    const dls = await TextDataLoaders.fromTable(
      { fields: table.fields, rows: table.rows.slice(0, 90) },
      { isLm: true, validPct: 0.15, bs: 16, seqLen: 24, seed: 0, cacheDir: false, progress: false },
    );
    const learn = languageModelLearner(dls, AWDLSTM, {
      config: { embSz: 32, nHid: 64, nLayers: 2 },
      dropMult: 0.2,
      progress: false,
      logger: () => undefined,
    });
    await learn.fitOneCycle(3, 2e-2);
    const ppl = learn.recorder.values.map((r) => r[3]);
    expect(ppl[1]).toBeLessThan(ppl[0]);
    expect(ppl[2]).toBeLessThan(ppl[1]);
    expect(ppl[2]).toBeLessThan(dls.textVocab.length / 2);
    learn.dispose();
  }, 120000);
});
