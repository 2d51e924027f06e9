// MaskBlock: an ImageBlock + MaskBlock DataBlock is SegmentationDataLoaders.fromLabelFunc (identical batches).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { randomSplitter } from '@tfai/core';
import { DataBlock } from '@tfai/core/data';
import { datasets } from '@tfai/datasets';
import { describe, expect, it } from 'vitest';
import { Resize } from '../augment/resize.js';
import { FlipItem } from '../augment/flip.js';
import { ImageBlock } from '../data/image-block.js';
import { getImageFiles } from '../data/items.js';
import { MaskBlock } from './mask-block.js';
import { SegmentationDataLoaders } from './segmentation-data-loaders.js';

const TUX = datasets.path('tux_seg');
const codes = readFileSync(join(TUX, 'codes.txt'), 'utf8').trim().split('\n');
const toMask = (f: string) => f.replace('/images/', '/labels/');

describe('MaskBlock', () => {
  it('ImageBlock + MaskBlock(codes) gives the SegmentationDataLoaders fromLabelFunc gives, batch for batch', async () => {
    const files = (await getImageFiles(join(TUX, 'images'))).slice(0, 12);
    const tfms = () => [new Resize(32), new FlipItem()];
    const factory = await SegmentationDataLoaders.fromLabelFunc('', files, toMask, {
      codes,
      itemTfms: tfms(),
      validPct: 0.25,
      seed: 1,
      bs: 3,
    });
    const dblock = new DataBlock({
      blocks: [new ImageBlock(), new MaskBlock(codes)],
      splitter: (items: unknown[]) => randomSplitter(items.length, 0.25, 1),
      getY: toMask,
      itemTfms: tfms(),
    });
    const dls = await dblock.dataloaders(files, { bs: 3, seed: 1 });
    expect(dls).toBeInstanceOf(SegmentationDataLoaders);
    expect(dls.vocab).toEqual(codes);
    for (const k of ['train', 'valid'] as const) {
      const [a, b] = [await factory[k].oneBatch(), await dls[k].oneBatch()];
      expect(b.y.shape).toEqual([3, 32, 32]);
      expect(Array.from(await b.x[0].data())).toEqual(Array.from(await a.x[0].data()));
      expect(Array.from(await b.y.data())).toEqual(Array.from(await a.y.data()));
      tf.dispose([...a.x, a.y, ...b.x, b.y]);
    }
    expect(() => new MaskBlock([])).toThrow(/needs its codes/);
  });
});
