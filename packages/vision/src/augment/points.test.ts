// Keypoints move with the pixels (fastai's TensorPoint): coloured dots are drawn at known points, every geometric
// item and batch transform runs with a fixed seed, and each moved point must sit on the centroid of its dot in the
// transformed image (within a pixel); lighting and Normalize leave points alone.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@tfai/core';
import { describe, expect, it } from 'vitest';
import { applyItemTfms, scalePoints } from '../data/sample.js';
import {
  AffineCoordTfm,
  flipMat,
  inv3,
  mul3,
  pointTransform,
  rotateMat,
  toPixelTransform,
  type AffineOptions,
} from './affine.js';
import { augTransforms } from './aug-transforms.js';
import { applyBatchPlans, type BatchTransform } from './batch-transform.js';
import { FlipItem } from './flip.js';
import type { ItemTransform } from './item-transform.js';
import { LightingTfm } from './lighting.js';
import { Normalize } from './normalize.js';
import { RandomResizedCrop } from './random-resized-crop.js';
import { Resize } from './resize.js';
import { dotOffsets, dotPoints as pointsOf, dots } from '../test-utils/dots.js';

/** Checks each point lies on its dot's centroid within a pixel; returns the number of points checked. */
function expectOnDots(img: ArrayLike<number>, w: number, h: number, pts: ArrayLike<number>, full = 255): number {
  const offs = dotOffsets(img, w, h, pts, full);
  for (const o of offs) {
    const where = `dot ${o.dot} at (${o.at[0].toFixed(1)}, ${o.at[1].toFixed(1)})`;
    expect(o.dx, `${where}: x off by`).toBeLessThan(1);
    expect(o.dy, `${where}: y off by`).toBeLessThan(1);
  }
  return offs.length;
}

describe('the point matrix', () => {
  it("is the sampling matrix's inverse in pixels: a flip is x → -x exactly (fastai's flip_lr on TensorPoint)", () => {
    const m = pointTransform(toPixelTransform(flipMat(true), 28, 40), 28, 40);
    [-1, 0, 0, 0, 1, 0, 0, 0, 1].forEach((v, i) => expect(m[i]).toBeCloseTo(v, 6));
    const r = rotateMat(17);
    mul3(r, inv3(r)).forEach((v, i) => expect(v).toBeCloseTo(i % 4 === 0 ? 1 : 0, 12));
    expect(() => inv3([1, 2, 0, 2, 4, 0, 0, 0, 1])).toThrow(RangeError);
  });
});

describe('item transforms move points with the pixels', () => {
  const red: [number, number] = [30, 20];
  const green: [number, number] = [52, 30];
  const img = dots(80, 48, red, green);
  const cases: [string, ItemTransform[], boolean][] = [
    ['FlipItem(p=1)', [new FlipItem({ p: 1 })], true],
    ['Resize crop (train, random position)', [new Resize(32)], true],
    ['Resize crop (valid, centred)', [new Resize(32)], false],
    ['Resize pad zeros (train)', [new Resize(32, { method: 'pad', padMode: 'zeros' })], true],
    ['Resize pad reflection (valid)', [new Resize([36, 40], { method: 'pad' })], false],
    ['Resize squish', [new Resize([24, 40], { method: 'squish' })], true],
    ['RandomResizedCrop (train)', [new RandomResizedCrop(32, { minScale: 0.5 })], true],
    ['RandomResizedCrop (valid: resize + centre crop)', [new RandomResizedCrop(32)], false],
    ['Resize crop then FlipItem', [new Resize(40), new FlipItem({ p: 1 })], true],
  ];
  it.each(cases)('%s', async (_name, tfms, train) => {
    let checked = 0;
    for (let seed = 0; seed < 6; seed++) {
      const out = await applyItemTfms({ images: [img], points: pointsOf(red, green) }, tfms, {
        train,
        rng: new Rng(seed),
      });
      const [o] = out.images;
      checked += expectOnDots(o.data, o.width, o.height, out.points!);
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  it('points cropped out keep coordinates beyond the image (fastai keeps TensorPoint values outside ±1)', async () => {
    // A centred crop of a wide image cuts a dot near the left edge off: its point lands left of the image.
    const wide = dots(96, 32, [4, 16], [48, 16]);
    const out = await applyItemTfms({ images: [wide], points: pointsOf([4, 16], [48, 16]) }, [new Resize(32)], {
      train: false,
      rng: new Rng(0),
    });
    const scaled = scalePoints(out.points!, 32, 32);
    expect(scaled[0]).toBeLessThan(-1);
    expect(scaled[2]).toBeCloseTo(((48.5 - 32) * 2) / 32 - 1, 5);
  });

  it('an item transform whose plan cannot move points is an error naming it', async () => {
    const odd: ItemTransform = {
      name: 'OddItem',
      drawPlan: () => ({ image: async (x) => x, mask: (m) => m }),
      apply: async (x) => x,
      toJSON: () => ({ type: 'FlipItem', p: 0 }),
    };
    await expect(
      applyItemTfms({ images: [img], points: pointsOf(red, green) }, [odd], { train: true, rng: new Rng(0) }),
    ).rejects.toThrow(/item transform OddItem cannot move points/);
  });
});

describe('batch transforms move points with the pixels', () => {
  const [n, h, w] = [8, 48, 64];
  /** A batch of dot images, the dots at different places in the central part, and their points in [-1, 1]. */
  function batch(): { x: tf.Tensor4D; y: tf.Tensor2D } {
    const rng = new Rng(42);
    const xs = new Float32Array(n * h * w * 3);
    const ys = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) {
      const at = (): [number, number] => [
        Math.round(w * (0.3 + 0.4 * rng.next())),
        Math.round(h * (0.3 + 0.4 * rng.next())),
      ];
      const [r, g] = [at(), at()];
      xs.set(
        Float32Array.from(dots(w, h, r, g).data, (v) => v / 255),
        i * h * w * 3,
      );
      ys.set(scalePoints(pointsOf(r, g), w, h), i * 4);
    }
    return { x: tf.tensor4d(xs, [n, h, w, 3]), y: tf.tensor2d(ys, [n, 4]) };
  }

  async function check(tfms: BatchTransform[], seed: number): Promise<number> {
    const { x, y } = batch();
    const out = applyBatchPlans([x], y, tfms, { train: true, rng: new Rng(seed) }, { points: true });
    const [img, pts] = await Promise.all([out.xs[0].data(), out.y!.data()]);
    tf.dispose([x, y, out.xs[0], out.y!]);
    let checked = 0;
    for (let i = 0; i < n; i++) {
      const px = Array.from(pts.slice(i * 4, i * 4 + 4), (v, j) => ((v + 1) * (j % 2 ? h : w)) / 2);
      checked += expectOnDots(img.subarray(i * h * w * 3, (i + 1) * h * w * 3), w, h, px, 1);
    }
    return checked;
  }

  const only: AffineOptions = { doFlip: false, maxRotate: 0, minZoom: 1, maxZoom: 1, maxWarp: 0, pAffine: 1 };
  const cases: [string, BatchTransform[]][] = [
    ['Flip (pFlip 1)', [new AffineCoordTfm({ ...only, doFlip: true, pFlip: 1 })]],
    ['Dihedral (flipVert, pFlip 1)', [new AffineCoordTfm({ ...only, doFlip: true, flipVert: true, pFlip: 1 })]],
    ['Rotate ±30°', [new AffineCoordTfm({ ...only, maxRotate: 30 })]],
    ['Zoom in 1.2–1.6×', [new AffineCoordTfm({ ...only, minZoom: 1.2, maxZoom: 1.6 })]],
    [
      'Zoom out 0.6–0.9× (zeros padding)',
      [new AffineCoordTfm({ ...only, minZoom: 0.6, maxZoom: 0.9, padMode: 'zeros' })],
    ],
    ['Warp 0.4', [new AffineCoordTfm({ ...only, maxWarp: 0.4 })]],
    ['augTransforms() (flip, rotate, zoom, warp, lighting)', augTransforms()],
    [
      // zeros: a 45° turn samples far outside the image, where reflection would mirror copies of the dots in.
      'augTransforms({ flipVert, maxRotate 45, zeros }) + Normalize',
      [...augTransforms({ flipVert: true, maxRotate: 45, padMode: 'zeros' }), new Normalize([0, 0, 0], [1, 1, 1])],
    ],
  ];
  it.each(cases)('%s', async (_name, tfms) => {
    const before = tf.memory().numTensors;
    let checked = 0;
    for (const seed of [0, 1, 2]) checked += await check(tfms, seed);
    expect(checked).toBeGreaterThanOrEqual(n * 2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the moved points differ from the originals (the check above is not vacuous)', async () => {
    const { x, y } = batch();
    const out = applyBatchPlans(
      [x],
      y,
      [new AffineCoordTfm({ ...only, maxRotate: 30 })],
      {
        train: true,
        rng: new Rng(0),
      },
      { points: true },
    );
    const [a, b] = await Promise.all([y.data(), out.y!.data()]);
    const moved = Array.from(a).filter((v, i) => Math.abs(v - b[i]) * 24 > 1).length; // over a pixel
    expect(moved).toBeGreaterThan(n);
    tf.dispose([x, y, out.xs[0], out.y!]);
  });

  it('lighting and Normalize leave points alone; validation leaves them too', async () => {
    const { x, y } = batch();
    const tfms = [new LightingTfm({ pLighting: 1 }), new Normalize([0.5, 0.5, 0.5], [0.2, 0.2, 0.2])];
    const out = applyBatchPlans([x], y, tfms, { train: true, rng: new Rng(0) }, { points: true });
    expect(await out.y!.data()).toEqual(await y.data());
    const val = applyBatchPlans([x], y, augTransforms(), { train: false, rng: new Rng(0) }, { points: true });
    expect(await val.y!.data()).toEqual(await y.data());
    tf.dispose([x, y, ...out.xs, out.y!, ...val.xs, val.y!]);
  });

  it('a batch transform whose plan cannot move points is an error naming it', () => {
    const { x, y } = batch();
    const odd: BatchTransform = {
      name: 'OddBatch',
      order: 50,
      drawPlan: () => ({ image: (t) => t, mask: (m) => m }),
      encodes: (t) => t.clone(),
    };
    expect(() => applyBatchPlans([x], y, [odd], { train: true, rng: new Rng(0) }, { points: true })).toThrow(
      /batch transform OddBatch cannot move points/,
    );
    tf.dispose([x, y]);
  });
});
