import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@tfai/core';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';
import { AffineCoordTfm } from '../augment/affine.js';
import { LightingTfm } from '../augment/lighting.js';
import { Normalize } from '../augment/normalize.js';
import { RandomResizedCrop } from '../augment/random-resized-crop.js';
import { Resize } from '../augment/resize.js';
import { SegmentationDataError } from '../data/errors.js';
import { cropPadMask, loadMask } from '../data/mask.js';
import { SegmentationDataLoaders } from './segmentation-data-loaders.js';
import { applyItemTfms, collateSamples } from '../data/sample.js';
import { applyBatchPlans } from '../augment/batch-transform.js';

const BRAIN = join(datasets.path('brain_aal'));
const TUX = join(datasets.path('tux_seg'));
const tmp = mkdtempSync(join(tmpdir(), 'tfai-seg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * Fraction of pixels where a picture of a mask (grey = 30·class) shows the class of the mask shifted by (dx, dy):
 * highest at (0, 0) when the two are aligned.
 */
function agreement(
  pixels: ArrayLike<number>,
  scale: number,
  mask: ArrayLike<number>,
  w: number,
  h: number,
  dx: number,
  dy: number,
): number {
  let ok = 0;
  let n = 0;
  for (let y = 1; y < h - 1; y++)
    for (let x = 1; x < w - 1; x++) {
      n++;
      if (Math.round((pixels[(y * w + x) * 3] * scale) / 30) === mask[(y + dy) * w + x + dx]) ok++;
    }
  return ok / n;
}
const SHIFTS = [
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
];
const alignedBest = (f: (dx: number, dy: number) => number) =>
  f(0, 0) - Math.max(...SHIFTS.map(([dx, dy]) => f(dx, dy)));

const csvRows = (file: string) => readFileSync(file, 'utf8').trim().split('\n').slice(1);
const grey = (data: Uint8Array, w: number, h: number, file: string) =>
  sharp(Buffer.from(data), { raw: { width: w, height: h, channels: 1 } })
    .png()
    .toFile(file);

describe('SegmentationDataLoaders', () => {
  it('fromFolders (brain_aal, 7 lobes): the is_valid split, the codes, NHWC images and int32 class maps', async () => {
    const dls = await SegmentationDataLoaders.fromFolders(BRAIN, {
      labels: 'labels_lobes',
      codesFile: 'codes_lobes.txt',
      csv: 'slices.csv',
      bs: 4,
      seed: 0,
    });
    const nValid = csvRows(join(BRAIN, 'slices.csv')).filter((r) => /,true$/i.test(r.trim())).length;
    expect([dls.train.n, dls.valid.n]).toEqual([144 - nValid, nValid]);
    expect(dls.codes).toEqual(readFileSync(join(BRAIN, 'codes_lobes.txt'), 'utf8').trim().split('\n'));
    expect(dls.c).toBe(8);
    const b = await dls.valid.oneBatch();
    expect(b.x[0].shape).toEqual([4, 217, 181, 3]);
    expect([b.y.shape, b.y.dtype]).toEqual([[4, 217, 181], 'int32']);
    // Without transforms the class map is the PNG's grey levels, exactly.
    const first = dls.valid.ds.masks![0] as string;
    const { data } = await sharp(first).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    const y0 = (await b.y.data()).subarray(0, 217 * 181);
    expect(Array.from(y0)).toEqual(Array.from(data));
    expect([...new Set(y0)].sort()).toEqual([0, 7]); // the lowest validation slice: background and cerebellum
    tf.dispose([...b.x, b.y]);
  });

  it('fromLabelFunc (tux_seg): masks resized with nearest neighbour keep only their own classes', async () => {
    const files = csvRows(join(TUX, 'pairs.csv'))
      .slice(0, 12)
      .map((r) => join(TUX, 'images', r.split(',')[0]));
    const dls = await SegmentationDataLoaders.fromLabelFunc('', files, (f) => f.replace('/images/', '/labels/'), {
      codes: readFileSync(join(TUX, 'codes.txt'), 'utf8').trim().split('\n'),
      itemTfms: [new Resize(48)],
      validPct: 0.25,
      seed: 1,
      bs: 3,
    });
    expect([dls.train.n, dls.valid.n]).toEqual([9, 3]);
    const b = await dls.train.oneBatch();
    expect(b.x[0].shape).toEqual([3, 48, 48, 3]);
    const y = (await b.y.data()) as Int32Array;
    for (let i = 0; i < 3; i++) {
      const classes = new Set(y.subarray(i * 48 * 48, (i + 1) * 48 * 48));
      // A tux_seg mask holds background and the one class of its file name.
      expect(classes.size).toBeLessThanOrEqual(2);
      expect(classes.has(0)).toBe(true);
    }
    tf.dispose([...b.x, b.y]);
  });

  it('item transforms cut image and mask from one plan: a picture of its own mask stays aligned', async () => {
    const mask = await loadMask(join(BRAIN, 'labels_lobes', 'ch2_axial_z060.png'));
    const image = {
      data: Uint8Array.from(Array.from(mask.data).flatMap((v) => [v * 30, v * 30, v * 30])),
      width: mask.width,
      height: mask.height,
    };
    for (const t of [
      new Resize(64),
      new Resize([40, 70], { method: 'pad', padMode: 'zeros' }),
      new RandomResizedCrop(56, { minScale: 0.3 }),
    ]) {
      for (const train of [true, false]) {
        const r = await applyItemTfms({ images: [image], mask }, [t], { train, rng: new Rng(5) });
        const out = { image: r.images[0], mask: r.mask };
        const [w, h] = [out.image.width, out.image.height];
        expect([out.mask!.width, out.mask!.height]).toEqual([w, h]);
        const f = (dx: number, dy: number) => agreement(out.image.data, 1, out.mask!.data, w, h, dx, dy);
        // Bilinear image vs nearest mask differ only along class borders; any 1-pixel shift agrees less.
        expect(f(0, 0), `${t.name} train=${train}`).toBeGreaterThan(0.85);
        expect(alignedBest(f), `${t.name} train=${train}`).toBeGreaterThan(0.02);
      }
    }
    // cropPadMask pads reflection as a mirror and zeros with class 0.
    const m = { data: Uint8Array.from([1, 2, 3, 4]), width: 2, height: 2 };
    expect(
      Array.from(cropPadMask(m, { left: -1, top: 0, width: 4, height: 2, resizeTo: [2, 4] }, 'zeros').data),
    ).toEqual([0, 1, 2, 0, 0, 3, 4, 0]);
    expect(
      Array.from(cropPadMask(m, { left: -1, top: 0, width: 4, height: 2, resizeTo: [2, 4] }, 'reflection').data),
    ).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('batch augmentation warps image and mask with the same matrix (mask nearest), lighting and Normalize touch the image only', async () => {
    const mask = await loadMask(join(BRAIN, 'labels_lobes', 'ch2_axial_z060.png'));
    const small = cropPadMask(mask, { left: 0, top: 0, width: mask.width, height: mask.height, resizeTo: [60, 50] });
    const image = {
      data: Uint8Array.from(Array.from(small.data).flatMap((v) => [v * 30, v * 30, v * 30])),
      width: 50,
      height: 60,
    };
    const s = { images: [image], image, mask: small, label: -1, sources: ['x'], source: 'x' };
    const b = collateSamples([s, s, s, s]);
    const tfms = [
      new AffineCoordTfm({ maxRotate: 30, maxWarp: 0.3, minZoom: 1, maxZoom: 1.3, pAffine: 1 }),
      new LightingTfm({ maxLighting: 0, pLighting: 0 }),
    ];
    const o = applyBatchPlans([b.x[0] as tf.Tensor4D], b.y, tfms, { train: true, rng: new Rng(3) });
    const out = { x: o.xs[0], y: o.y! };
    const [x, y] = [await out.x.data(), await out.y.data()];
    expect(out.y.dtype).toBe('int32');
    for (let k = 0; k < 4; k++) {
      const f = (dx: number, dy: number) =>
        agreement(x.subarray(k * 3000 * 3), 255, y.subarray(k * 3000), 50, 60, dx, dy);
      expect(f(0, 0)).toBeGreaterThan(0.8);
      expect(alignedBest(f)).toBeGreaterThan(0.02);
    }
    // The four copies got different warps.
    const per = 60 * 50;
    expect(Array.from(y.subarray(0, per))).not.toEqual(Array.from(y.subarray(per, 2 * per)));
    // Validation: no augmentation; Normalize changes the image only.
    const vo = applyBatchPlans(
      [b.x[0] as tf.Tensor4D],
      b.y,
      [...tfms, new Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25])],
      { train: false, rng: new Rng(3) },
    );
    const v = { x: vo.xs[0], y: vo.y! };
    expect(v.y).toBe(b.y);
    expect(
      tf.tidy(
        () =>
          tf
            .sub(v.x, tf.div(tf.sub(b.x[0], 0.5), 0.25))
            .abs()
            .max()
            .dataSync()[0],
      ),
    ).toBeLessThan(1e-6);
    tf.dispose([...b.x, b.y, out.x, out.y, v.x]);
  });

  it('bad input: a mask of another size than its image, a value outside the codes, a colour mask — errors name the file', async () => {
    const img = join(tmp, 'img.png');
    await sharp({ create: { width: 8, height: 6, channels: 3, background: { r: 9, g: 9, b: 9 } } })
      .png()
      .toFile(img);
    const wrongSize = join(tmp, 'wrong-size.png');
    await grey(new Uint8Array(7 * 6), 7, 6, wrongSize);
    const outside = join(tmp, 'outside.png');
    const vals = new Uint8Array(8 * 6);
    vals[13] = 5;
    await grey(vals, 8, 6, outside);
    const colour = join(tmp, 'colour.png');
    await sharp({ create: { width: 8, height: 6, channels: 3, background: { r: 200, g: 0, b: 0 } } })
      .png()
      .toFile(colour);
    const load = async (mask: string) => {
      const dls = SegmentationDataLoaders.fromLists(
        [img, img],
        [mask, mask],
        { train: [0], valid: [1] },
        { codes: ['bg', 'a', 'b'] },
      );
      return dls.valid.oneBatch();
    };
    await expect(load(wrongSize)).rejects.toThrow(SegmentationDataError);
    await expect(load(wrongSize)).rejects.toThrow(`${wrongSize}: mask is 7×6 but its image ${img} is 8×6`);
    await expect(load(outside)).rejects.toThrow(`${outside}: pixel 5,1 has value 5, outside the 3 codes (0…2)`);
    await expect(load(colour)).rejects.toThrow(`${colour}: is a colour image`);
    await expect(load(join(tmp, 'missing.png'))).rejects.toThrow(/missing\.png/);
    expect(() => SegmentationDataLoaders.fromLists([img], [img], { train: [0], valid: [] }, {})).toThrow(/codes/);
  });
});
