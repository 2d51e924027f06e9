// manualSeed(n) reaches the text pipeline's random draws (the language-model stream's shuffle) with no seed given.
import { manualSeed } from '@tfai/core';
import { describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';
import { firstBatchValues } from '@tfai/test-utils';
import { TextDataLoaders } from './text-dataloaders.js';

async function firstBatches(seed: number): Promise<number[][]> {
  manualSeed(seed);
  const dls = await TextDataLoaders.fromCsv(`${datasets.path('fortunes')}/fortunes.csv`, {
    bs: 16,
    cacheDir: false,
    progress: false,
  });
  return firstBatchValues(dls.train); // [x, y]
}

describe('manualSeed and the text pipeline', () => {
  it('manualSeed(0) twice gives the same first training batch; another seed does not', async () => {
    const [a, b, c] = [await firstBatches(0), await firstBatches(0), await firstBatches(1)];
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(a[1].length).toBe(16);
  });
});
