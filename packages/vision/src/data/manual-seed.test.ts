// manualSeed(n) reaches every random draw of the vision pipeline: the split, the shuffle, the item transforms'
// draws and the batch augmentation, with no seed option given.
import * as tf from '@tensorflow/tfjs-core';
import { manualSeed } from '@tfai/core';
import { describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';
import { augTransforms } from '../augment/aug-transforms.js';
import { FlipItem } from '../augment/flip.js';
import { RandomResizedCrop } from '../augment/random-resized-crop.js';
import { ImageDataLoaders } from './image-data-loaders.js';

const TUX = datasets.path('tux_photos');

async function firstBatch(seed: number): Promise<number[][]> {
  manualSeed(seed);
  const files = (await ImageDataLoaders.fromFolder(TUX, { progress: false })).train.ds.items.map(String);
  const dls = await ImageDataLoaders.fromPathFunc('', files, (f) => f.split('/').at(-2)!, {
    bs: 8,
    validPct: 0.25,
    itemTfms: [new RandomResizedCrop(24), new FlipItem()],
    batchTfms: augTransforms(),
    progress: false,
  });
  for await (const b of dls.train) {
    const out = [Array.from(await b.x[0].data()), Array.from(await b.y.data())];
    tf.dispose([...b.x, b.y]);
    return out;
  }
  throw new Error('empty');
}

describe('manualSeed and the vision pipeline', () => {
  it('manualSeed(0) twice gives the same first training batch (random split, shuffle, crops, flips, warps); another seed does not', async () => {
    const [a, b, c] = [await firstBatch(0), await firstBatch(0), await firstBatch(1)];
    expect(b[0]).toEqual(a[0]);
    expect(b[1]).toEqual(a[1]);
    expect(c[0]).not.toEqual(a[0]);
    expect(a[0].length).toBe(8 * 24 * 24 * 3);
  });
});
