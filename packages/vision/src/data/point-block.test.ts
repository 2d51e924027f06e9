// PointBlock: pixel points scaled to [-1, 1] by each image's size (fastai's PointScaler), MSELossFlat, the points
// drawn by showBatch, the points moved with the pixels by item and batch transforms (augTransforms), and a transform
// that cannot move points refused.
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@tfai/core';
import { DataBlock, DataBlockError } from '@tfai/core/data';
import { describe, expect, it } from 'vitest';
import { augTransforms } from '../augment/aug-transforms.js';
import type { BatchTransform } from '../augment/batch-transform.js';
import { FlipItem } from '../augment/flip.js';
import type { ItemTransform } from '../augment/item-transform.js';
import { Resize } from '../augment/resize.js';
import { dotOffsets, dotPoints, dots } from '../test-utils/dots.js';
import { placed, type PlacedItem } from '../test-utils/fashion-composites.js';
import { ImageBlock } from './image-block.js';
import type { ImageDataLoaders } from './image-data-loaders.js';
import { loadImage, type ImagePixels } from './image.js';
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

  it('augTransforms() and a random crop move the points with the pixels: each point sits on its dot in the batch', async () => {
    // 56×48 images with a red and a green dot in the middle part; targets are the two dots' pixel centres.
    const rng = new Rng(5);
    const at = (w: number, h: number): [number, number] => [
      Math.round(w * (0.4 + 0.2 * rng.next())),
      Math.round(h * (0.4 + 0.2 * rng.next())),
    ];
    const items = Array.from({ length: 24 }, () => {
      const [r, g] = [at(56, 48), at(56, 48)];
      const p = dotPoints(r, g);
      const img: ImagePixels = { ...dots(56, 48, r, g), channels: 3 };
      return {
        image: img,
        pts: [
          [p[0], p[1]],
          [p[2], p[3]],
        ] as [number, number][],
      };
    });
    type Item = (typeof items)[number];
    const dblock = new DataBlock({
      blocks: [new ImageBlock(), new PointBlock()],
      getX: (it: Item) => it.image,
      getY: (it: Item) => it.pts,
      splitter: (its: unknown[]) => ({ train: its.map((_, i) => i).slice(4), valid: [0, 1, 2, 3] }),
      itemTfms: [new Resize(32), new FlipItem()],
      batchTfms: augTransforms({ maxRotate: 20 }),
    });
    const dls = (await dblock.dataloaders(items, { bs: 8, seed: 3, progress: false })) as ImageDataLoaders;
    expect(dls.c).toBe(4);
    const before = tf.memory().numTensors;
    let checked = 0;
    for await (const b of dls.train) {
      const [x, y] = await Promise.all([b.x[0].data(), b.y.data()]);
      const [n, h, w] = b.x[0].shape;
      for (let i = 0; i < n; i++) {
        const px = Array.from(y.slice(i * 4, i * 4 + 4), (v, j) => ((v + 1) * (j % 2 ? h : w)) / 2);
        for (const o of dotOffsets(x.subarray(i * h * w * 3, (i + 1) * h * w * 3), w, h, px, 1)) {
          expect(o.dx, `dot ${o.dot} of item ${i}: x`).toBeLessThan(1.5);
          expect(o.dy, `dot ${o.dot} of item ${i}: y`).toBeLessThan(1.5);
          checked++;
        }
      }
      tf.dispose([...b.x, b.y]);
    }
    expect(checked).toBeGreaterThanOrEqual(30);
    expect(tf.memory().numTensors).toBe(before);
    // Validation: a centred resize only; the points are the dots' centres scaled.
    const v = await dls.valid.oneBatch();
    const vy = await v.y.data();
    const p0 = items[0].pts[0];
    expect(vy[0]).toBeCloseTo(((p0[0] - 4) * (32 / 48) * 2) / 32 - 1, 5);
    expect(vy[1]).toBeCloseTo((p0[1] * (32 / 48) * 2) / 32 - 1, 5);
    tf.dispose([...v.x, v.y]);
    const file = join(tmpdir(), 'tfai-points-augmented.png');
    await dls.showBatch({ file, maxN: 8 });
  });

  it('a transform that cannot move points is refused, naming it; a bad target is named', async () => {
    const items = await placed('train', 8, 1);
    const oddItem: ItemTransform = {
      name: 'OddItem',
      drawPlan: () => ({ image: async (x) => x, mask: (m) => m }),
      apply: async (x) => x,
      toJSON: () => ({ type: 'FlipItem', p: 0 }),
    };
    await expect(block({ itemTfms: [oddItem] }).dataloaders(items)).rejects.toThrow(
      /PointBlock: item transform OddItem cannot move points/,
    );
    const oddBatch: BatchTransform = {
      name: 'OddBatch',
      order: 50,
      drawPlan: () => ({ image: (t) => t, mask: (m) => m }),
      encodes: (t) => t.clone(),
    };
    await expect(
      block({ itemTfms: [new Resize(28)], batchTfms: [...augTransforms(), oddBatch] }).dataloaders(items),
    ).rejects.toThrow(DataBlockError);
    await expect(block().dataloaders([{ image: items[0].image, centre: [[1]] }])).rejects.toThrow(
      /PointBlock: a target must be points/,
    );
  });
});
