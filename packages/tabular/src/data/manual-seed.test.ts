// manualSeed(n) reaches the tabular pipeline's random draws (the random split and the shuffle) with no seed given.
import { manualSeed } from '@tfai/core';
import { describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';
import { firstBatchValues } from '@tfai/test-utils';
import { TITANIC } from '../test-utils/real-data.js';
import { TabularDataLoaders } from './tabular-dataloaders.js';

const titanic = `${datasets.path('titanic')}/titanic.csv`;

async function firstBatch(seed: number): Promise<number[][]> {
  manualSeed(seed);
  const dls = await TabularDataLoaders.fromCsv(titanic, TITANIC);
  return firstBatchValues(dls.train);
}

describe('manualSeed and the tabular pipeline', () => {
  it('manualSeed(0) twice gives the same first training batch; another seed does not', async () => {
    const [a, b, c] = [await firstBatch(0), await firstBatch(0), await firstBatch(1)];
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(a[2].length).toBe(64);
  });
});
