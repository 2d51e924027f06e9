// PointBlock: pixel points scaled to [-1, 1] by each image's size (fastai's PointScaler), MSELossFlat, the points
// drawn by showBatch, and transforms that would move pixels but not points refused.
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DataBlock, DataBlockError } from '@tfai/core/data';
import { describe, expect, it } from 'vitest';
import { augTransforms } from '../augment/aug-transforms.js';
import { Resize } from '../augment/resize.js';
import { placed, type PlacedItem } from '../test-utils/fashion-composites.js';
import { ImageBlock } from './image-block.js';
import type { ImageDataLoaders } from './image-data-loaders.js';
import { loadImage } from './image.js';
import { PointBlock } from './point-block.js';

const block = (extra: Partial<ConstructorParameters<typeof DataBlock>[0]> = {}) =>
  new DataBlock({
    blocks: [new ImageBlock(), new PointBlock()],
    getX: (it: PlacedItem) => it.image,
    getY: (it: PlacedItem) => it.centre,
    splitter: (items: unknown[]) => ({ train: items.map((_, i) => i).slice(4), valid: [0, 1, 2, 3] }),
    ...extra,
  });

describe('PointBlock', () => {
  it('targets are the points scaled to [-1, 1] by the decoded size, kept by a squish Resize; MSELossFlat; c = 2', async () => {
    const items = await placed('train', 12, 0);
    const dls = (await block({ itemTfms: [new Resize(28, { method: 'squish' })] }).dataloaders(items, {
      bs: 4,
      progress: false,
    })) as ImageDataLoaders;
    expect(dls.c).toBe(2);
    expect(dls.lossFunc?.spec.name).toBe('MSELossFlat');
    expect(dls.target).toEqual({ kind: 'points', c: 2 });
    const b = await dls.valid.oneBatch();
    expect(b.x[0].shape).toEqual([4, 28, 28, 3]);
    expect(b.y.shape).toEqual([4, 2]);
    const y = await b.y.data();
    items.slice(0, 4).forEach((it, i) => {
      expect(y[2 * i]).toBeCloseTo((it.centre[0][0] * 2) / 56 - 1, 6);
      expect(y[2 * i + 1]).toBeCloseTo((it.centre[0][1] * 2) / 56 - 1, 6);
    });
    tf.dispose([...b.x, b.y]);
    // showBatch draws each point (red) on its image.
    const file = join(await mkdtemp(join(tmpdir(), 'tfai-points-')), 'points.png');
    await dls.showBatch({ file, valid: true, maxN: 4 });
    const png = await loadImage(readFileSync(file));
    let red = 0;
    for (let p = 0; p < png.data.length; p += 3)
      if (png.data[p] > 200 && png.data[p + 1] < 60 && png.data[p + 2] < 60) red++;
    expect(red).toBeGreaterThan(4 * 9);
  });

  it('a cropping Resize or a warping batch transform is refused, naming it', async () => {
    const items = await placed('train', 8, 1);
    await expect(block({ itemTfms: [new Resize(28)] }).dataloaders(items)).rejects.toThrow(
      /item transform Resize \(method 'crop'\) would move the pixels but not the points/,
    );
    await expect(block({ batchTfms: augTransforms() }).dataloaders(items)).rejects.toThrow(DataBlockError);
    await expect(block().dataloaders([{ image: items[0].image, centre: [[1]] }])).rejects.toThrow(
      /PointBlock: a target must be points/,
    );
  });
});
