// fastai's DataBlock on images: ImageDataLoaders.fromFolder, fromLists, fromPathFunc and fromDf are DataBlocks
// (ImageBlock + CategoryBlock), so each factory and its explicit DataBlock give identical batches under manualSeed;
// other targets give other loaders.
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { colSplitter, manualSeed, randomSplitter } from '@tfai/core';
import { csvRecords, readCsv } from '@tfai/core/io';
import { CategoryBlock, DataBlock, MultiCategoryBlock, RegressionBlock } from '@tfai/core/data';
import { datasets } from '@tfai/datasets';
import { firstTrainValidValues } from '@tfai/test-utils';
import { describe, expect, it } from 'vitest';
import { augTransforms } from '../augment/aug-transforms.js';
import { FlipItem } from '../augment/flip.js';
import { RandomResizedCrop } from '../augment/random-resized-crop.js';
import { Resize } from '../augment/resize.js';
import { ImageBlock } from './image-block.js';
import { ImageDataLoaders } from './image-data-loaders.js';
import { getImageFiles, grandparentSplitter, parentLabel } from './items.js';

const TUX = datasets.path('tux_photos');
const tfms = () => ({ itemTfms: [new RandomResizedCrop(24), new FlipItem()], batchTfms: augTransforms() });

describe('DataBlock on images', () => {
  it('fromFolder and its explicit DataBlock give identical first batches under manualSeed (grandparent split)', async () => {
    manualSeed(0);
    const factory = await ImageDataLoaders.fromFolder(TUX, { bs: 8, progress: false, ...tfms() });
    const a = await firstTrainValidValues(factory);
    manualSeed(0);
    const dblock = new DataBlock({
      blocks: [new ImageBlock(), new CategoryBlock()],
      getItems: (p: string) => getImageFiles(p, { folders: ['train', 'valid'] }),
      splitter: (files: string[]) => grandparentSplitter(files),
      getY: parentLabel,
      ...tfms(),
    });
    const dls = await dblock.dataloaders(TUX, { bs: 8, progress: false });
    expect(dls).toBeInstanceOf(ImageDataLoaders);
    expect(dls.vocab).toEqual(factory.vocab);
    expect(dls.train.n).toBe(factory.train.n);
    const b = await firstTrainValidValues(dls);
    expect(b[0].length).toBe(8 * 24 * 24 * 3);
    b.forEach((v, i) => expect(v, `part ${i}`).toEqual(a[i]));
    manualSeed(1);
    expect((await firstTrainValidValues(await dblock.dataloaders(TUX, { bs: 8, progress: false })))[0]).not.toEqual(
      a[0],
    );
  });

  it('fromFolder with validPct and its DataBlock (RandomSplitter from the global RNG) agree too', async () => {
    manualSeed(3);
    const a = await firstTrainValidValues(
      await ImageDataLoaders.fromFolder(TUX, { bs: 4, validPct: 0.25, itemTfms: [new Resize(16)], progress: false }),
    );
    manualSeed(3);
    const dblock = new DataBlock({
      blocks: [new ImageBlock(), new CategoryBlock()],
      getItems: (p: string) => getImageFiles(p),
      splitter: (files: string[]) => randomSplitter(files.length, 0.25),
      getY: parentLabel,
      itemTfms: [new Resize(16)],
    });
    const b = await firstTrainValidValues(await dblock.dataloaders(TUX, { bs: 4, progress: false }));
    b.forEach((v, i) => expect(v, `part ${i}`).toEqual(a[i]));
  });

  it('fromLists and its explicit DataBlock (get_x/get_y over paired lists, the split) give identical first batches', async () => {
    const files = (await getImageFiles(TUX, { folders: ['train', 'valid'] })).sort();
    const labels = files.map((f) => parentLabel(f));
    const split = grandparentSplitter(files);
    manualSeed(4);
    const factory = await ImageDataLoaders.fromLists(files, labels, split, { bs: 4, progress: false, ...tfms() });
    const a = await firstTrainValidValues(factory);
    manualSeed(4);
    const dblock = new DataBlock({
      blocks: [new ImageBlock(), new CategoryBlock()],
      getX: (i: number) => files[i],
      getY: (i: number) => labels[i],
      splitter: () => split,
      ...tfms(),
    });
    const dls = (await dblock.dataloaders(
      files.map((_, i) => i),
      { bs: 4, progress: false },
    )) as ImageDataLoaders;
    expect(dls.vocab).toEqual(factory.vocab);
    expect(dls.valid.n).toBe(split.valid.length);
    const b = await firstTrainValidValues(dls);
    expect(b[0].length).toBe(4 * 24 * 24 * 3);
    b.forEach((v, i) => expect(v, `part ${i}`).toEqual(a[i]));
    // Without a split: fastai's RandomSplitter(valid_pct=0.2, seed), the same as the DataBlock's.
    const r = await ImageDataLoaders.fromLists(files, labels, undefined, {
      seed: 9,
      itemTfms: [new Resize(8)],
      progress: false,
    });
    expect(r.valid.n).toBe(randomSplitter(files.length, 0.2, 9).valid.length);
    expect(r.valid.ds.items).toEqual(randomSplitter(files.length, 0.2, 9).valid.map((i) => files[i]));
    await expect(ImageDataLoaders.fromLists(files, labels.slice(1), split)).rejects.toThrow(/items but/);
  });

  it('fromNameRe (through fromPathFunc) and its explicit DataBlock (RandomSplitter, get_y) give identical first batches', async () => {
    const files = (await getImageFiles(TUX)).sort();
    const pat = /([a-z]+)[^/]*$/;
    const label = (f: string) => pat.exec(f.split('/').at(-2)!)![1];
    manualSeed(2);
    const a = await firstTrainValidValues(
      await ImageDataLoaders.fromPathFunc('', files, label, {
        bs: 4,
        seed: 7,
        itemTfms: [new Resize(16)],
        progress: false,
      }),
    );
    manualSeed(2);
    const dblock = new DataBlock({
      blocks: [new ImageBlock(), new CategoryBlock()],
      splitter: (items: string[]) => randomSplitter(items.length, 0.2, 7),
      getY: label,
      itemTfms: [new Resize(16)],
    });
    const b = await firstTrainValidValues(await dblock.dataloaders(files, { bs: 4, seed: 7, progress: false }));
    b.forEach((v, i) => expect(v, `part ${i}`).toEqual(a[i]));
  });

  it('fromCsv/fromDf and its explicit DataBlock (ColReader, ColSplitter) give identical first batches', async () => {
    const opts = { fnCol: 'name', labelCol: 'label', validCol: 'is_valid', bs: 4, seed: 5, itemTfms: [new Resize(16)] };
    const a = await firstTrainValidValues(await ImageDataLoaders.fromCsv(TUX, { ...opts, progress: false }));
    const rows = csvRecords(await readCsv(join(TUX, 'labels.csv')));
    const dblock = new DataBlock({
      blocks: [new ImageBlock(), new CategoryBlock()],
      getX: (r: Record<string, string>) => join(TUX, r.name),
      getY: (r: Record<string, string>) => r.label,
      splitter: (rs: Record<string, string>[]) => colSplitter(rs.map((r) => r.is_valid)),
      itemTfms: [new Resize(16)],
    });
    const b = await firstTrainValidValues(await dblock.dataloaders(rows, { bs: 4, seed: 5, progress: false }));
    b.forEach((v, i) => expect(v, `part ${i}`).toEqual(a[i]));
  });

  it("a MultiCategoryBlock target: one-hot float targets, BCEWithLogitsLossFlat, labels shown as fastai's 'a;b'", async () => {
    // Tux Paint's stamp taxonomy, kept in each file name (animals__mammals__bovines__cow.png): every level but the name.
    const tags = (f: string) => f.split('/').at(-1)!.split('__').slice(0, 2);
    const dblock = new DataBlock({
      blocks: [new ImageBlock(), new MultiCategoryBlock()],
      getItems: (p: string) => getImageFiles(p, { folders: ['train', 'valid'] }),
      splitter: (files: string[]) => grandparentSplitter(files),
      getY: tags,
      itemTfms: [new Resize(16)],
    });
    const dls = (await dblock.dataloaders(TUX, { bs: 4, seed: 0, progress: false })) as ImageDataLoaders;
    expect(dls.vocab).toEqual([
      'animals',
      'birds',
      'fish',
      'flowers',
      'food',
      'fruit',
      'insects',
      'mammals',
      'plants',
      'vegetables',
    ]);
    expect(dls.c).toBe(10);
    expect(dls.lossFunc?.spec).toEqual({ name: 'BCEWithLogitsLossFlat', args: { threshold: 0.5 } });
    const b = await dls.valid.oneBatch();
    expect(b.y.shape).toEqual([4, 10]);
    const ys = await b.y.data();
    const first = String(dls.valid.ds.items[0]);
    expect(dls.targetText(ys, 0)).toBe([...tags(first)].sort().join(';'));
    tf.dispose([...b.x, b.y]);
  });

  it('a RegressionBlock target: float targets [n, 1] and MSELossFlat; an unknown target block is named', async () => {
    const files = (await getImageFiles(TUX, { folders: ['train', 'valid'] })).slice(0, 12);
    const dblock = new DataBlock({
      blocks: [new ImageBlock(), new RegressionBlock()],
      splitter: (f: string[]) => ({ train: f.map((_, i) => i).slice(0, 8), valid: [8, 9, 10, 11] }),
      getY: (f: string) => f.length / 100,
      itemTfms: [new Resize(8)],
    });
    const dls = (await dblock.dataloaders(files, { bs: 4, progress: false })) as ImageDataLoaders;
    expect(dls.lossFunc?.spec.name).toBe('MSELossFlat');
    const b = await dls.valid.oneBatch();
    expect(b.y.shape).toEqual([4, 1]);
    expect((await b.y.data())[0]).toBeCloseTo(files[8].length / 100, 6);
    tf.dispose([...b.x, b.y]);
    const odd = new DataBlock({ blocks: [new ImageBlock(), { name: 'OddBlock', typeTfms: [] }] });
    await expect(odd.dataloaders(files)).rejects.toThrow(/no loaders for a OddBlock target/);
  });
});
