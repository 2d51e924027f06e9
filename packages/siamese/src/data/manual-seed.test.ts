// manualSeed(n) reaches every random draw of the siamese pipeline: the pair draws, the shuffle, the item
// transforms' draws and the batch augmentation, with no seed option given.
import { manualSeed } from '@tfai/core';
import { describe, expect, it } from 'vitest';
import { augTransforms, FlipItem, RandomResizedCrop } from '@tfai/vision/augment';
import { datasets } from '@tfai/datasets';
import { firstBatchValues } from '@tfai/test-utils';
import { SiameseDataLoaders } from './siamese-dataloaders.js';

async function firstBatch(seed: number): Promise<number[][]> {
  manualSeed(seed);
  const dls = await SiameseDataLoaders.fromFolder(datasets.path('tux_photos'), {
    bs: 8,
    itemTfms: [new RandomResizedCrop(24), new FlipItem()],
    batchTfms: augTransforms(),
  });
  return firstBatchValues(dls.train);
}

describe('manualSeed and the siamese pipeline', () => {
  it('manualSeed(0) twice gives the same first training batch (pairs, shuffle, crops, flips, warps); another seed does not', async () => {
    const [a, b, c] = [await firstBatch(0), await firstBatch(0), await firstBatch(1)];
    expect(b).toEqual(a);
    expect(c[0]).not.toEqual(a[0]);
    expect(a[0].length).toBe(8 * 24 * 24 * 3);
  });
});
