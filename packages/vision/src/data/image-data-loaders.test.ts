import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';
import { augTransforms } from '../augment/aug-transforms.js';
import { Normalize } from '../augment/normalize.js';
import { Resize } from '../augment/resize.js';
import { imagenetStats } from '../models/model-meta.js';
import { ImageDataError, ImageReadError } from './errors.js';
import { ImageDataLoaders } from './image-data-loaders.js';
import { readCsvRecords } from './csv.js';

const FM = `${datasets.path('fashion_mnist')}`;
const TUX = `${datasets.path('tux_photos')}`;
const FM_CLASSES = [
  'ankle_boot',
  'bag',
  'coat',
  'dress',
  'pullover',
  'sandal',
  'shirt',
  'sneaker',
  'trouser',
  'tshirt_top',
];
const TUX_CLASSES = ['bird', 'fish', 'flower', 'fruit', 'insect', 'mammal', 'vegetable'];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfai-dls-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const labelsOf = async (dls: ImageDataLoaders, valid = false) =>
  (valid ? dls.valid : dls.train).ds.labels!.map((c) => dls.vocab[c]);

describe('ImageDataLoaders.fromFolder on fashion_mnist (28×28 greyscale, 10 classes)', () => {
  it('class per parent folder, split by grandparent: 3,000 / 1,000, vocab sorted as fastai’s CategoryMap', async () => {
    const dls = await ImageDataLoaders.fromFolder(FM, { bs: 64, seed: 0 });
    expect(dls.vocab).toEqual(FM_CLASSES);
    expect(dls.c).toBe(10);
    expect([dls.train.n, dls.valid.n]).toEqual([3000, 1000]);
    // fastai's training loader drops the last partial batch: floor(3000/64) = 46; validation keeps it: ceil(1000/64) = 16.
    expect([dls.train.length, dls.valid.length]).toEqual([46, 16]);
    const labels = await labelsOf(dls, true);
    dls.valid.ds.items.forEach((f, i) => expect(String(f).split('/').at(-2)).toBe(labels[i]));
  });

  it('batches are NHWC float32 in [0, 1] with greyscale promoted to 3 equal channels; labels int32', async () => {
    const dls = await ImageDataLoaders.fromFolder(FM, { bs: 32, seed: 0 });
    const { x, y } = await dls.valid.oneBatch();
    expect(x[0].shape).toEqual([32, 28, 28, 3]);
    expect(x[0].dtype).toBe('float32');
    expect(y.dtype).toBe('int32');
    const [r, g, b] = tf.split(x[0], 3, 3);
    const diff = tf.tidy(() => tf.add(tf.max(tf.abs(tf.sub(r, g))), tf.max(tf.abs(tf.sub(r, b)))).dataSync()[0]);
    expect(diff).toBe(0);
    const [lo, hi] = tf.tidy(() => [tf.min(x[0]).dataSync()[0], tf.max(x[0]).dataSync()[0]]);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    // The first validation image, byte for byte from sharp, divided by 255.
    const grey = await sharp(String(dls.valid.ds.items[0])).toColourspace('b-w').raw().toBuffer();
    const first = r.slice([0, 0, 0, 0], [1, 28, 28, 1]).dataSync();
    first.forEach((v, i) => expect(v).toBeCloseTo(grey[i] / 255, 6));
    tf.dispose([...x, y, r, g, b]);
  });

  it('validation batches are identical on every pass; training batches are shuffled and augmented, reproducibly with a seed', async () => {
    const make = () => ImageDataLoaders.fromFolder(FM, { bs: 16, seed: 1, batchTfms: augTransforms() });
    const [a, b] = [await make(), await make()];
    const v1 = await a.valid.makeBatch([0, 1, 2]);
    const v2 = await a.valid.makeBatch([0, 1, 2]);
    expect(Array.from(v1.x[0].dataSync())).toEqual(Array.from(v2.x[0].dataSync()));
    const firstOf = async (d: ImageDataLoaders) => {
      for await (const batch of d.train) return batch;
      throw new Error('empty');
    };
    const [ta, tb] = [await firstOf(a), await firstOf(b)];
    expect(Array.from(ta.y.dataSync())).toEqual(Array.from(tb.y.dataSync()));
    expect(Array.from(ta.x[0].dataSync())).toEqual(Array.from(tb.x[0].dataSync()));
    // Augmented: not the plain decoded images of the same items.
    const plain = await a.valid.ds.get(0);
    expect(plain.image.width).toBe(28);
    const second = await firstOf(a);
    expect(Array.from(second.y.dataSync())).not.toEqual(Array.from(ta.y.dataSync()));
    tf.dispose([...v1.x, v1.y, ...v2.x, v2.y, ...ta.x, ta.y, ...tb.x, tb.y, ...second.x, second.y]);
  });

  it('a whole epoch through the loaders leaks no tensor', async () => {
    const dls = await ImageDataLoaders.fromFolder(TUX, {
      bs: 16,
      seed: 0,
      itemTfms: [new Resize(32)],
      batchTfms: [...augTransforms(), Normalize.fromStats(imagenetStats)],
    });
    const n0 = tf.memory().numTensors;
    let seen = 0;
    for await (const b of dls.train) {
      seen += b.y.shape[0]!;
      tf.dispose([...b.x, b.y]);
    }
    for await (const b of dls.valid) tf.dispose([...b.x, b.y]);
    expect(seen).toBe(Math.floor(153 / 16) * 16);
    expect(tf.memory().numTensors).toBe(n0);
  });
});

describe('the other factories, on the same files', () => {
  it('fromCsv (labels.csv with an is_valid column) gives fromFolder’s items, labels and split', async () => {
    const a = await ImageDataLoaders.fromCsv(FM, { fnCol: 'name', labelCol: 'label', validCol: 'is_valid', seed: 0 });
    const b = await ImageDataLoaders.fromFolder(FM, { seed: 0 });
    expect(a.vocab).toEqual(b.vocab);
    const pairs = async (d: ImageDataLoaders, valid: boolean) => {
      const labels = await labelsOf(d, valid);
      return (valid ? d.valid : d.train).ds.items
        .map((f, i) => `${String(f).replace(/\/+/g, '/')}=${labels[i]}`)
        .sort();
    };
    expect(await pairs(a, true)).toEqual(await pairs(b, true));
    expect(await pairs(a, false)).toEqual(await pairs(b, false));
  });

  it('fromDf by column index with a random validPct split; fromNameRe and fromNameFunc label from the file name', async () => {
    const rows = await readCsvRecords(`${TUX}/labels.csv`);
    const df = await ImageDataLoaders.fromDf(rows, { path: TUX, validPct: 0.2, seed: 42, itemTfms: [new Resize(32)] });
    expect(df.vocab).toEqual(TUX_CLASSES);
    expect(df.valid.n).toBe(Math.floor(0.2 * 189));
    const files = rows.map((r) => r.name);
    // Tux stamp names start with their theme: animals__…, food__…, plants__…
    const re = await ImageDataLoaders.fromNameRe(TUX, files, /^([a-z]+)__/, { seed: 0, itemTfms: [new Resize(32)] });
    expect(re.vocab).toEqual(['animals', 'food', 'plants']);
    const fn = await ImageDataLoaders.fromNameFunc(TUX, files, (name) => (name.includes('fish') ? 'fishy' : 'other'), {
      seed: 0,
      itemTfms: [new Resize(32)],
    });
    expect(fn.vocab).toEqual(['fishy', 'other']);
    expect(re.train.ds.items.every((f) => String(f).startsWith(TUX))).toBe(true);
    await expect(ImageDataLoaders.fromNameRe(TUX, files, /^(\d+)_/)).rejects.toThrow(/does not match/);
    await expect(ImageDataLoaders.fromDf(rows, { path: TUX, labelCol: 'species' })).rejects.toThrow(
      /no label column "species"/,
    );
  });

  it('tux photos of different sizes need an item transform: the error names two files and suggests Resize', async () => {
    const dls = await ImageDataLoaders.fromFolder(TUX, { bs: 8, seed: 0 });
    const err = await dls.valid.oneBatch().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageDataError);
    expect((err as Error).message).toMatch(/different sizes.*\.png is \d+×\d+.*\.png is \d+×\d+.*Resize/);
  });

  it('encodeItems: a path and the same file’s bytes encode identically, through the validation pipeline', async () => {
    const dls = await ImageDataLoaders.fromFolder(TUX, {
      seed: 0,
      itemTfms: [new Resize(48)],
      batchTfms: [...augTransforms(), Normalize.fromStats(imagenetStats)],
    });
    const f = String(dls.valid.ds.items[3]);
    const [a] = await dls.encodeItems([f]);
    const [b] = await dls.encodeItems([await readFile(f)]);
    const v = await dls.valid.makeBatch([3]);
    expect(a.shape).toEqual([1, 48, 48, 3]);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(Array.from(v.x[0].dataSync())).toEqual(Array.from(a.dataSync()));
    await expect(dls.encodeItems([42])).rejects.toThrow(ImageDataError);
    tf.dispose([a, b, ...v.x, v.y]);
  });

  it('showBatch writes a PNG grid of captioned images', async () => {
    const dls = await ImageDataLoaders.fromFolder(TUX, {
      seed: 0,
      itemTfms: [new Resize(48)],
      batchTfms: [...augTransforms(), Normalize.fromStats(imagenetStats)],
    });
    const file = await dls.showBatch({ file: join(dir, 'batch.png'), maxN: 6 });
    const meta = await sharp(file).metadata();
    expect(meta.format).toBe('png');
    // 6 images → fastai's get_grid: 3 rows × 2 columns of 128-px tiles with a caption line.
    expect([meta.width, meta.height]).toEqual([2 * 144, 3 * (144 + 16)]);
  });
});

describe('bad input: typed errors naming the file, or logged skips', () => {
  let root: string;
  const good = (cls: string, i: number) => `${FM}/train/${cls}/${['train_00035.png', 'train_00023.png'][i % 2]}`;
  beforeAll(async () => {
    root = join(dir, 'bad');
    for (const split of ['train', 'valid'])
      for (const cls of ['bag', 'coat']) {
        await mkdir(join(root, split, cls), { recursive: true });
        for (let i = 0; i < 3; i++)
          await copyFile(`${FM}/train/bag/train_00035.png`, join(root, split, cls, `${i}.png`));
      }
    const png = await readFile(good('bag', 0));
    await writeFile(join(root, 'train', 'bag', 'truncated.png'), png.subarray(0, Math.floor(png.length / 2)));
    await writeFile(
      join(root, 'train', 'coat', 'corrupt.png'),
      Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256)),
    );
    await writeFile(join(root, 'train', 'coat', 'notes.txt'), 'not an image, and not named like one\n');
    await mkdir(join(root, 'train', 'empty_class'));
  });

  it('an empty class folder is an ImageDataError naming the folder', async () => {
    const err = await ImageDataLoaders.fromFolder(root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageDataError);
    expect((err as Error).message).toContain(join(root, 'train', 'empty_class'));
  });

  it('corrupt and truncated images fail the batch holding them with an ImageReadError naming the file; notes.txt is not an item', async () => {
    await rm(join(root, 'train', 'empty_class'), { recursive: true });
    const dls = await ImageDataLoaders.fromFolder(root, { bs: 4, seed: 0 });
    expect(dls.train.ds.items.some((f) => String(f).endsWith('.txt'))).toBe(false);
    const idx = (name: string) => dls.train.ds.items.findIndex((f) => String(f).endsWith(name));
    for (const [name, reason] of [
      ['truncated.png', /corrupt or truncated/],
      ['corrupt.png', /not an image/],
    ] as const) {
      const err = await dls.train.makeBatch([0, idx(name)]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImageReadError);
      expect((err as ImageReadError).file).toBe(join(root, 'train', name === 'corrupt.png' ? 'coat' : 'bag', name));
      expect((err as Error).message).toMatch(reason);
    }
    await mkdir(join(root, 'train', 'empty_class'));
  });

  it("onBadImage: 'skip' logs each bad image and empty folder and trains on the rest", async () => {
    const log: string[] = [];
    const dls = await ImageDataLoaders.fromFolder(root, {
      bs: 2,
      seed: 0,
      onBadImage: 'skip',
      logger: (l) => log.push(l),
    });
    expect(log.some((l) => l.includes('empty_class') && l.includes('no images'))).toBe(true);
    expect(log.some((l) => l.includes('truncated.png'))).toBe(true);
    expect(log.some((l) => l.includes('corrupt.png'))).toBe(true);
    expect(dls.train.n).toBe(6);
    for await (const b of dls.train) tf.dispose([...b.x, b.y]);
  });

  it('a listed image that does not exist is an ImageReadError at construction; predict-style encoding of a missing path too', async () => {
    const rows = [
      { name: 'train/bag/0.png', label: 'bag', is_valid: 'False' },
      { name: 'train/bag/does_not_exist.png', label: 'bag', is_valid: 'False' },
      { name: 'valid/bag/0.png', label: 'bag', is_valid: 'True' },
    ];
    const err = await ImageDataLoaders.fromDf(rows, { path: root, validCol: 'is_valid' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageReadError);
    expect((err as ImageReadError).file).toBe(join(root, 'train/bag/does_not_exist.png'));
    expect((err as Error).message).toMatch(/file not found/);
    const log: string[] = [];
    const ok = await ImageDataLoaders.fromDf(rows, {
      path: root,
      validCol: 'is_valid',
      onBadImage: 'skip',
      logger: (l) => log.push(l),
    });
    expect(ok.train.n).toBe(1);
    expect(log).toHaveLength(1);
    const missing = await ok.encodeItems([join(root, 'nope.png')]).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ImageReadError);
    expect((missing as Error).message).toBe(`${join(root, 'nope.png')}: file not found`);
  });

  it('a validation label outside the training vocab, and no training images, are ImageDataErrors', async () => {
    const rows = [
      { name: 'train/bag/0.png', label: 'bag', is_valid: 'False' },
      { name: 'valid/coat/0.png', label: 'coat', is_valid: 'True' },
    ];
    await expect(ImageDataLoaders.fromDf(rows, { path: root, validCol: 'is_valid' })).rejects.toThrow(
      /label 'coat' is not in the vocab/,
    );
    await expect(ImageDataLoaders.fromFolder(join(root, 'nothing'))).rejects.toThrow(ImageDataError);
  });
});
