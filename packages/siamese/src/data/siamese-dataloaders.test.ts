import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { augTransforms, Normalize, RandomResizedCrop } from '@tfai/vision/augment';
import { datasets } from '@tfai/datasets';
import { SiameseDataError, SiameseInputError } from '../errors.js';
import { readPairsCsv } from './pairs-csv.js';
import { SiameseDataLoaders } from './siamese-dataloaders.js';

const FASHION_CSV = `${datasets.path('fashion_mnist')}/siamese_pairs.csv`;
const TUX_CSV = `${datasets.path('tux_photos')}/siamese_pairs.csv`;
const classOf = (f: string) => f.split('/').at(-2)!;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfai-siamese-dls-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The first batch of a new epoch (the loader's prefetched batches are freed). */
async function firstBatch(dl: SiameseDataLoaders['train']): Promise<tf.Tensor[]> {
  for await (const b of dl) return [...b.x, b.y];
  throw new Error('empty loader');
}

describe('SiameseDataLoaders.fromCsv on fashion_mnist’s pairs', () => {
  it('batches two 28×28 RGB image sets and a 0/1 target; validation pairs are the CSV’s, in order', async () => {
    const dls = await SiameseDataLoaders.fromCsv(FASHION_CSV, { size: 28, bs: 50, seed: 0 });
    expect(dls.vocab).toEqual(['different', 'same']);
    expect(dls.c).toBe(2);
    expect([dls.train.length, dls.valid.length]).toEqual([40, 10]);
    const rows = (await readPairsCsv(FASHION_CSV)).filter((r) => r.isValid);
    expect(dls.valid.ds.pairs.map((p) => [p.a, p.b, p.same])).toEqual(rows.map((r) => [r.a, r.b, r.same]));
    const [xa, xb, y] = await firstBatch(dls.valid);
    expect([xa.shape, xb.shape]).toEqual([
      [50, 28, 28, 3],
      [50, 28, 28, 3],
    ]);
    expect(y.dtype).toBe('int32');
    expect(Array.from(y.dataSync())).toEqual(rows.slice(0, 50).map((r) => (r.same ? 1 : 0)));
    // Pixels in 0–1, no normalisation by default.
    expect(tf.max(xa).dataSync()[0]).toBeLessThanOrEqual(1);
    tf.dispose([xa, xb, y]);
  });

  it('re-draws training pairs every epoch: half same, classes agree with the target, reproducible with the seed', async () => {
    const dls = await SiameseDataLoaders.fromCsv(FASHION_CSV, { size: 28, bs: 50, seed: 1, prefetch: 0 });
    const csvTrain = (await readPairsCsv(FASHION_CSV)).filter((r) => !r.isValid);
    const seen: string[][] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      // Starting an epoch switches the pairs; one batch is enough to see them.
      tf.dispose(await firstBatch(dls.train));
      const pairs = dls.train.ds.pairs;
      expect(pairs.length).toBe(2000);
      expect(pairs.filter((p) => p.same).length).toBe(1000);
      for (const p of pairs) expect(classOf(p.a) === classOf(p.b)).toBe(p.same);
      // The anchors are the CSV’s img_a; their partners are new.
      expect(pairs.map((p) => p.a)).toEqual(csvTrain.map((r) => r.a));
      seen.push(pairs.map((p) => p.b));
    }
    expect(seen[1]).not.toEqual(seen[0]);
    expect(seen[0]).not.toEqual(csvTrain.map((r) => r.b));
    const again = await SiameseDataLoaders.fromCsv(FASHION_CSV, { size: 28, bs: 50, seed: 1, prefetch: 0 });
    tf.dispose(await firstBatch(again.train));
    expect(again.train.ds.pairs.map((p) => p.b)).toEqual(seen[0]);
  });

  it('redraw: false keeps the CSV’s training pairs (shuffled)', async () => {
    const dls = await SiameseDataLoaders.fromCsv(FASHION_CSV, { size: 28, redraw: false, seed: 0 });
    const csvTrain = (await readPairsCsv(FASHION_CSV)).filter((r) => !r.isValid);
    expect(dls.train.ds.pairs.map((p) => p.b)).toEqual(csvTrain.map((r) => r.b));
  });
});

describe('both images get the same item and batch transforms', () => {
  it('a pair of one image with itself stays identical through random crops, flips, warps and lighting', async () => {
    const img = `${datasets.path('tux_photos')}/train/bird/${(await readFile(TUX_CSV, 'utf8')).match(/train\/bird\/([^,]+\.png)/)![1]}`;
    const csv = join(dir, 'self.csv');
    await writeFile(csv, `img_a,img_b,same,is_valid\n${img},${img},True,False\n${img},${img},True,True\n`);
    const dls = await SiameseDataLoaders.fromCsv(csv, {
      redraw: false,
      bs: 1,
      seed: 3,
      itemTfms: [new RandomResizedCrop(32, { minScale: 0.35 })],
      batchTfms: [...augTransforms({ maxRotate: 30 }), Normalize.fromStats([0.5, 0.5, 0.5], [0.25, 0.25, 0.25])],
    });
    const outs: tf.Tensor[] = [];
    for (let e = 0; e < 3; e++) {
      const [xa, xb, y] = await firstBatch(dls.train);
      expect(xa.shape).toEqual([1, 32, 32, 3]);
      expect(tf.max(tf.abs(tf.sub(xa, xb))).dataSync()[0]).toBe(0);
      outs.push(xa);
      tf.dispose([xb, y]);
    }
    // …and the augmentation is random from batch to batch.
    expect(tf.max(tf.abs(tf.sub(outs[0], outs[1]))).dataSync()[0]).toBeGreaterThan(0.1);
    tf.dispose(outs);
  });
});

describe('SiameseDataLoaders.fromFolder on tux_photos (images of different sizes)', () => {
  it('resizes every image to the size; validation pairs are drawn once and stay fixed', async () => {
    const dls = await SiameseDataLoaders.fromFolder(`${datasets.path('tux_photos')}`, { size: 32, bs: 16, seed: 0 });
    expect(dls.train.n).toBe(153);
    expect(dls.valid.n).toBe(36);
    const v0 = dls.valid.ds.pairs;
    expect(v0.filter((p) => p.same).length).toBe(18);
    for (const p of v0) expect(classOf(p.a) === classOf(p.b)).toBe(p.same);
    for await (const b of dls.valid) {
      expect(b.x[0].shape.slice(1)).toEqual([32, 32, 3]);
      expect(b.x[1].shape.slice(1)).toEqual([32, 32, 3]);
      tf.dispose([...b.x, b.y]);
    }
    expect(dls.valid.ds.pairs).toEqual(v0);
    const t0 = dls.train.ds.pairs.map((p) => p.b);
    for await (const b of dls.train) tf.dispose([...b.x, b.y]);
    for await (const b of dls.train) tf.dispose([...b.x, b.y]);
    expect(dls.train.ds.pairs.map((p) => p.b)).not.toEqual(t0);
  });

  it('showBatch writes a PNG of pairs with their targets', async () => {
    const dls = await SiameseDataLoaders.fromFolder(`${datasets.path('tux_photos')}`, { size: 48, bs: 8, seed: 0 });
    const file = await dls.showBatch({ file: join(dir, 'batch.png'), maxN: 6 });
    const png = await readFile(file);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});

describe('bad input', () => {
  it('a pairs CSV naming a missing image: SiameseDataError with the line, column and file', async () => {
    const csv = join(dir, 'missing.csv');
    await writeFile(
      csv,
      'img_a,img_b,same,is_valid\ntrain/pullover/train_02624.png,train/pullover/train_02783.png,True,False\ntrain/bag/nope.png,train/coat/train_00022.png,False,True\n',
    );
    const err = await SiameseDataLoaders.fromCsv(csv, { root: `${datasets.path('fashion_mnist')}` }).then(
      () => new Error('no error'),
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(SiameseDataError);
    expect(err.message).toMatch(
      /missing\.csv: line 3, column 'img_a': image not found: .*fashion_mnist\/train\/bag\/nope\.png$/,
    );
  });

  it('re-drawing refuses classes that disagree with the CSV’s `same`, and a CSV with no validation rows', async () => {
    const csv = join(dir, 'disagree.csv');
    const a = `${datasets.path('fashion_mnist')}/train/bag/train_01955.png`;
    const b = `${datasets.path('fashion_mnist')}/train/coat/train_00022.png`;
    await writeFile(csv, `img_a,img_b,same,is_valid\n${a},${b},True,False\n${a},${b},False,True\n`);
    await expect(SiameseDataLoaders.fromCsv(csv)).rejects.toThrow(
      /disagree\.csv: line 2: same is True but the images' classes are 'bag' and 'coat'/,
    );
    await writeFile(csv, `img_a,img_b,same,is_valid\n${a},${b},False,False\n`);
    await expect(SiameseDataLoaders.fromCsv(csv)).rejects.toThrow(/no validation rows/);
  });

  it('encodeItems wants pairs: one image is a SiameseInputError; a pair of different sizes is resized', async () => {
    const dls = await SiameseDataLoaders.fromFolder(`${datasets.path('tux_photos')}`, { size: 32, seed: 0 });
    const [p] = dls.valid.ds.pairs;
    await expect(dls.encodeItems([p.a])).rejects.toThrow(SiameseInputError);
    await expect(dls.encodeItems([[p.a]])).rejects.toThrow(/pass \[imageA, imageB\], got 1 image$/);
    await expect(dls.encodeItems([[p.a, 3]])).rejects.toThrow(/image B must be a file path or the bytes of an image/);
    const small = `${datasets.path('fashion_mnist')}/train/bag/train_01955.png`;
    const x = await dls.encodeItems([[p.a, small]]);
    expect(x.map((t) => t.shape)).toEqual([
      [1, 32, 32, 3],
      [1, 32, 32, 3],
    ]);
    tf.dispose(x);
  });
});
