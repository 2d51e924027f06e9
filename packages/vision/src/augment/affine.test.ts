import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@tfai/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AffineCoordTfm,
  WARP_CORNERS,
  dihedralMat,
  flipMat,
  mul3,
  prepareMat,
  rotateMat,
  toPixelTransform,
  warpMat,
  zoomMat,
  type Mat3,
} from './affine.js';
import { augTransforms } from './aug-transforms.js';
import type { LightingTfm } from './lighting.js';

/** Applies a normalised sampling matrix to one image as AffineCoordTfm does. */
const warpOne = (x: tf.Tensor4D, m: Mat3, padMode: 'zeros' | 'reflection' = 'zeros') => {
  const [, h, w] = x.shape;
  return new AffineCoordTfm({ padMode }).transform(x, Float32Array.from(toPixelTransform(m, h, w)));
};
/** Maps normalised (x, y) through a projective matrix. */
const apply = (m: Mat3, [x, y]: number[]) => {
  const k = m[6] * x + m[7] * y + m[8];
  return [(m[0] * x + m[1] * y + m[2]) / k, (m[3] * x + m[4] * y + m[5]) / k];
};

let x: tf.Tensor4D;
let n0: number;
beforeEach(() => {
  n0 = tf.memory().numTensors;
  x = tf.randomUniform([1, 6, 6, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
});
afterEach(() => {
  x.dispose();
  expect(tf.memory().numTensors).toBe(n0);
});

describe('affine batch augmentation: fastai’s matrices through one tf.image.transform', () => {
  it('toPixelTransform turns normalised (align_corners) matrices into pixel ones: a flip is x → W−1−x', () => {
    expect(toPixelTransform(flipMat(true), 28, 28)).toEqual([-1, 0, 27, 0, 1, 0, 0, 0]);
    expect(toPixelTransform([1, 0, 0, 0, 1, 0, 0, 0, 1], 5, 9)).toEqual([1, 0, 0, 0, 1, 0, 0, 0]);
  });

  it('the identity and a flip reproduce the image and its mirror exactly', () => {
    const id = warpOne(x, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const flip = warpOne(x, flipMat(true));
    const mirror = tf.reverse(x, 2);
    expect(Array.from(id.dataSync())).toEqual(Array.from(x.dataSync()));
    expect(Array.from(flip.dataSync())).toEqual(Array.from(mirror.dataSync()));
    tf.dispose([id, flip, mirror]);
  });

  it('rotate_mat(90°) samples out[i][j] = in[W−1−j][i]; the 8 dihedral matrices are the 8 symmetries of the square', () => {
    const rot = warpOne(x, rotateMat(90));
    const [xa, ra] = [x.arraySync()[0], rot.arraySync()[0]];
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 6; j++) for (let c = 0; c < 3; c++) expect(ra[i][j][c]).toBeCloseTo(xa[5 - j][i][c], 5);
    const outs = new Set<string>();
    for (let k = 0; k < 8; k++) {
      const y = warpOne(x, dihedralMat(k));
      outs.add(Array.from(y.dataSync(), (v) => v.toFixed(5)).join());
      // Each is a permutation of the pixels: same sorted values as the input.
      expect(Array.from(y.dataSync()).sort()).toEqual(Array.from(x.dataSync()).sort());
      y.dispose();
    }
    expect(outs.size).toBe(8);
    rot.dispose();
  });

  it('zoom_mat(2) at the centre samples the middle half; prepare_mat corrects for the aspect ratio', () => {
    expect(apply(zoomMat(2, 0.5, 0.5), [-1, -1])).toEqual([-0.5, -0.5]);
    expect(apply(zoomMat(2, 1, 0), [-1, -1])).toEqual([0, -1]);
    // A rotation on a 2:1 (h:w = 1:2) image: the y→x term scales by h/w, the x→y term by w/h.
    const r = prepareMat(rotateMat(30), 10, 20);
    expect(r[1]).toBeCloseTo(Math.sin(Math.PI / 6) * 0.5, 12);
    expect(r[3]).toBeCloseTo(-Math.sin(Math.PI / 6) * 2, 12);
  });

  it('find_coeffs/warp: the perspective matrix takes each moved corner back to its original corner', () => {
    const m = warpMat(0.15, -0.1);
    const targ = [
      [-1 + 0.1, -1 - 0.15],
      [-1 - 0.1, 1 + 0.15],
      [1 - 0.1, -1 + 0.15],
      [1 + 0.1, 1 - 0.15],
    ];
    targ.forEach((t, i) => apply(m, t).forEach((v, k) => expect(v).toBeCloseTo(WARP_CORNERS[i][k], 10)));
    expect(warpMat(0, 0).map((v) => +v.toFixed(12) + 0)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(mul3(warpMat(0, 0), flipMat(true)).map((v) => +v.toFixed(12) + 0)).toEqual(flipMat(true));
  });

  it('training batches get one random matrix per image; validation batches pass unchanged (the same tensor)', () => {
    const batch = tf.tile(x, [8, 1, 1, 1]) as tf.Tensor4D;
    const aff = new AffineCoordTfm();
    expect(aff.encodes(batch, { train: false, rng: new Rng(0) })).toBe(batch);
    const y = aff.encodes(batch, { train: true, rng: new Rng(0) });
    const rows = tf.unstack(y).map((t) => {
      const d = Array.from(t.dataSync());
      t.dispose();
      return d.join();
    });
    expect(new Set(rows).size).toBeGreaterThan(4);
    const again = aff.encodes(batch, { train: true, rng: new Rng(0) });
    expect(Array.from(again.dataSync())).toEqual(Array.from(y.dataSync()));
    tf.dispose([batch, y, again]);
  });

  it('with every probability 0 (pFlip, pAffine) the training transform is the identity', () => {
    const aff = new AffineCoordTfm({ pFlip: 0, pAffine: 0 });
    const m = aff.drawMatrix(6, 6, new Rng(0));
    expect(m.map((v) => +v.toFixed(12) + 0)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('draws stay within fastai’s ranges: rotation ≤ maxRotate, zoom within [minZoom, maxZoom]', () => {
    const rng = new Rng(5);
    const aff = new AffineCoordTfm({ doFlip: false, maxWarp: 0, minZoom: 1, maxZoom: 1, maxRotate: 10, pAffine: 1 });
    for (let i = 0; i < 100; i++) {
      const m = aff.drawMatrix(8, 8, rng);
      const deg = (Math.atan2(m[1], m[0]) * 180) / Math.PI;
      expect(Math.abs(deg)).toBeLessThanOrEqual(10);
      expect(Math.abs(deg)).toBeGreaterThan(0);
    }
    const zoom = new AffineCoordTfm({ doFlip: false, maxWarp: 0, maxRotate: 0, minZoom: 1, maxZoom: 1.5, pAffine: 1 });
    for (let i = 0; i < 100; i++) {
      const s = zoom.drawMatrix(8, 8, rng)[0];
      expect(1 / s).toBeGreaterThanOrEqual(1);
      expect(1 / s).toBeLessThanOrEqual(1.5);
    }
  });

  it('augTransforms composes as fastai’s setup_aug_tfms: one affine (order 30) and one lighting (order 40) transform', () => {
    const t = augTransforms();
    expect(t.map((a) => [a.name, a.order])).toEqual([
      ['AffineCoordTfm', 30],
      ['LightingTfm', 40],
    ]);
    const a = t[0] as AffineCoordTfm;
    expect([a.opts.maxRotate, a.opts.maxWarp, a.opts.minZoom, a.opts.maxZoom, a.opts.pAffine]).toEqual([
      10, 0.2, 1, 1.1, 0.75,
    ]);
    expect((t[1] as LightingTfm).opts.maxLighting).toBe(0.2);
    const m = augTransforms({ mult: 2, maxLighting: 0.1 });
    expect([(m[0] as AffineCoordTfm).opts.maxRotate, (m[1] as LightingTfm).opts.maxLighting]).toEqual([20, 0.2]);
    expect(augTransforms({ doFlip: false, maxRotate: 0, maxWarp: 0, maxZoom: 1, maxLighting: 0 })).toEqual([]);
  });
});
