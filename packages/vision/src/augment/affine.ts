// fastai's affine and perspective batch augmentation (Flip/Dihedral, Rotate, Zoom, Warp composed into one
// AffineCoordTfm) as a single `tf.image.transform` per batch: one projective matrix per image.
//
// fastai works in normalised coordinates (-1…1, `align_corners=True`): the output pixel p samples the input at
// W(A(p)), with A = Flip·Rotate·Zoom (aspect-corrected by `_prepare_mat`) and W the perspective warp. We build
// W·A as a 3×3 matrix per image and conjugate it into pixel coordinates, which is what tf.image.transform takes.
// Keypoints go through the inverse of that pixel matrix (fastai's `TensorPoint.affine_coord`), so they move exactly
// with the pixels (fastai samples with `align_corners=True` but scales points by the pixel edges, a sub-pixel gap).
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@tfai/core';
import type { BatchContext, BatchPlan, BatchTransform } from './batch-transform.js';
import type { PadMode } from './item-transform.js';
import { uniform } from './item-transform.js';

/** A 3×3 matrix, row-major. */
export type Mat3 = number[];

const I3: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

/** `a · b` for 3×3 matrices. */
export function mul3(a: Mat3, b: Mat3): Mat3 {
  const r = new Array<number>(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) r[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
  return r;
}

/** The inverse of a 3×3 matrix (adjugate over determinant); a singular one is a RangeError. */
export function inv3(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = f * g - d * i;
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new RangeError('inv3: the matrix is singular');
  return [A, c * h - b * i, b * f - c * e, B, a * i - c * g, c * d - a * f, C, b * g - a * h, a * e - b * d].map(
    (v) => v / det,
  );
}

/**
 * The 3×3 matrix moving keypoints (fastai's `TensorPoint`, `(x, y)` in [-1, 1] with ±1 at the image's edges) as
 * `tf.image.transform` with the 8 numbers `t` moves the pixels of an `h × w` image: `t` maps output pixels to input
 * pixels, so a point goes through its inverse (fastai's `affine_coord` on points inverts the sampling matrix too).
 * Computed in pixel coordinates, so a point lands exactly on the pixel it marked.
 * @example
 * ```ts
 * pointTransform(toPixelTransform(flipMat(true), 28, 28), 28, 28); // x → -x
 * ```
 */
export function pointTransform(t: ArrayLike<number>, h: number, w: number): Mat3 {
  const toPix: Mat3 = [w / 2, 0, w / 2 - 0.5, 0, h / 2, h / 2 - 0.5, 0, 0, 1];
  const toNorm: Mat3 = [2 / w, 0, 1 / w - 1, 0, 2 / h, 1 / h - 1, 0, 0, 1];
  const m: Mat3 = [t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], 1];
  return mul3(toNorm, mul3(inv3(m), toPix));
}

/**
 * Keypoints `[n, 2k]` (`(x, y)` pairs in [-1, 1]) moved by one projective 3×3 matrix per image (`mats`, `n × 9`
 * row-major): `p' = M·(x, y, 1)`, divided by its last coordinate.
 * @example
 * ```ts
 * const moved = movePoints(y, Float32Array.from(pointTransform(t, h, w)));
 * ```
 */
export function movePoints(y: tf.Tensor2D, mats: Float32Array): tf.Tensor2D {
  const [n, c] = y.shape;
  return tf.tidy(() => {
    const p = tf.reshape(y, [n, c / 2, 2]);
    const h = tf.concat([p, tf.ones([n, c / 2, 1])], 2);
    const q = tf.matMul(h as tf.Tensor3D, tf.tensor3d(mats, [n, 3, 3]), false, true);
    const [xy, z] = tf.split(q, [2, 1], 2);
    return tf.reshape(tf.div(xy, z), [n, c]) as tf.Tensor2D;
  });
}

/** fastai's `flip_mat` for one image: a horizontal flip, or the identity. */
export function flipMat(flip: boolean): Mat3 {
  return flip ? [-1, 0, 0, 0, 1, 0, 0, 0, 1] : [...I3];
}

/** fastai's `dihedral_mat` for one image: `k` in 0…7 picks one of the 8 flips/rotations by 90° (0 is the identity). */
export function dihedralMat(k: number): Mat3 {
  const xs = [1, -1, 1, -1, -1, 1, 1, -1][k];
  const ys = [1, 1, -1, 1, -1, -1, 1, -1][k];
  const m0 = [1, 1, 1, 0, 1, 0, 0, 0][k];
  const m1 = [0, 0, 0, 1, 0, 1, 1, 1][k];
  return [xs * m0, xs * m1, 0, ys * m1, ys * m0, 0, 0, 0, 1];
}

/** fastai's `rotate_mat` for one image, angle in degrees. */
export function rotateMat(deg: number): Mat3 {
  const t = (deg * Math.PI) / 180;
  return [Math.cos(t), Math.sin(t), 0, -Math.sin(t), Math.cos(t), 0, 0, 0, 1];
}

/** fastai's `zoom_mat` for one image: zoom factor `zoom` (≥ 1 zooms in) centred at `(colPct, rowPct)` of the slack. */
export function zoomMat(zoom: number, colPct: number, rowPct: number): Mat3 {
  const s = 1 / zoom;
  return [s, 0, (1 - s) * (2 * colPct - 1), 0, s, (1 - s) * (2 * rowPct - 1), 0, 0, 1];
}

/** fastai's `_prepare_mat`: corrects the off-diagonal terms for a non-square image (`h × w`). */
export function prepareMat(m: Mat3, h: number, w: number): Mat3 {
  const r = [...m];
  r[1] *= h / w;
  r[3] *= w / h;
  return r;
}

/** Solves `A x = b` (8×8) by Gaussian elimination with partial pivoting. */
function solve8(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    const d = m[c][c];
    if (Math.abs(d) < 1e-12)
      throw new RangeError('findCoeffs: the points are degenerate (no perspective transform maps them)');
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / d;
      if (f !== 0) for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

/**
 * fastai's `find_coeffs(p1, p2)`: the perspective transform (3×3, last entry 1) taking each point of `p2` to the
 * matching point of `p1` (four `[x, y]` points each).
 * @example
 * ```ts
 * const h = findCoeffs([[-1, -1], [-1, 1], [1, -1], [1, 1]], [[-1.1, -1], [-0.9, 1], [1.1, -1], [0.9, 1]]);
 * ```
 */
export function findCoeffs(p1: number[][], p2: number[][]): Mat3 {
  const a: number[][] = [];
  const b: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [x2, y2] = p2[i];
    const [x1, y1] = p1[i];
    a.push([x2, y2, 1, 0, 0, 0, -x1 * x2, -x1 * y2]);
    b.push(x1);
    a.push([0, 0, 0, x2, y2, 1, -y1 * x2, -y1 * y2]);
    b.push(y1);
  }
  return [...solve8(a, b), 1];
}

/** The corners fastai's `_WarpCoord` moves, in normalised `[x, y]`. */
export const WARP_CORNERS = [
  [-1, -1],
  [-1, 1],
  [1, -1],
  [1, 1],
];

/** fastai's `_WarpCoord` for one image: corners moved by `xT`, `yT` (each within ±magnitude); maps target → original. */
export function warpMat(xT: number, yT: number): Mat3 {
  const targ = [
    [-1 - yT, -1 - xT],
    [-1 + yT, 1 + xT],
    [1 + yT, -1 + xT],
    [1 - yT, 1 - xT],
  ];
  return findCoeffs(WARP_CORNERS, targ);
}

/**
 * The 8 numbers `tf.image.transform` takes for a normalised sampling matrix `m` (output coords → input coords,
 * align-corners convention) on an `h × w` image: `S⁻¹ · m · S` with S from pixels to −1…1, scaled so the last
 * entry is 1.
 * @example
 * ```ts
 * toPixelTransform(flipMat(true), 28, 28); // [-1, 0, 27, 0, 1, 0, 0, 0]
 * ```
 */
export function toPixelTransform(m: Mat3, h: number, w: number): number[] {
  const hw = Math.max(w - 1, 1) / 2;
  const hh = Math.max(h - 1, 1) / 2;
  const toNorm: Mat3 = [1 / hw, 0, -1, 0, 1 / hh, -1, 0, 0, 1];
  const toPix: Mat3 = [hw, 0, hw, 0, hh, hh, 0, 0, 1];
  const r = mul3(toPix, mul3(m, toNorm));
  return r.slice(0, 8).map((v) => v / r[8]);
}

/** Options of {@link AffineCoordTfm} (fastai's `aug_transforms` names). */
export interface AffineOptions {
  /** Random horizontal flips (default true). */
  doFlip?: boolean;
  /** Also vertical flips and 90° rotations: fastai's `Dihedral` instead of `Flip` (default false). */
  flipVert?: boolean;
  /** Probability of a flip (default 0.5, fixed in fastai). */
  pFlip?: number;
  /** Largest rotation in degrees (default 10; 0 for none). */
  maxRotate?: number;
  /** Zoom range (default 1 to 1.1). */
  minZoom?: number;
  /** Largest zoom factor (default 1.1; 1 for no zoom-in), fastai's `max_zoom`. */
  maxZoom?: number;
  /** Perspective warp magnitude (default 0.2; 0 for none). */
  maxWarp?: number;
  /** Probability of each of rotate, zoom and warp per image (default 0.75). */
  pAffine?: number;
  /** Sampling (default bilinear). */
  mode?: 'bilinear' | 'nearest';
  /** What fills pixels sampled outside the image (default reflection, as fastai). */
  padMode?: PadMode;
}

const FILL = { reflection: 'reflect', zeros: 'constant', border: 'nearest' } as const;

/**
 * fastai's composed `AffineCoordTfm` (order 30): per image a random flip, rotation, zoom and perspective warp,
 * applied to the whole batch in one `tf.image.transform`. Training batches only; validation batches pass unchanged.
 * @example
 * ```ts
 * const aff = new AffineCoordTfm({ maxRotate: 15, maxWarp: 0 });
 * const y = aff.encodes(x, { train: true, rng: new Rng(0) });
 * ```
 */
export class AffineCoordTfm implements BatchTransform {
  /** The transform's name, `'AffineCoordTfm'` as fastai's class (shown by the pipeline and in errors). */
  readonly name = 'AffineCoordTfm';
  readonly order = 30;
  /** The options with every default filled in (flip p 0.5, rotate ±10°, zoom 1–1.1, warp 0.2, p 0.75, bilinear, reflection). */
  readonly opts: Required<AffineOptions>;
  constructor(opts: AffineOptions = {}) {
    this.opts = {
      doFlip: opts.doFlip ?? true,
      flipVert: opts.flipVert ?? false,
      pFlip: opts.pFlip ?? 0.5,
      maxRotate: opts.maxRotate ?? 10,
      minZoom: opts.minZoom ?? 1,
      maxZoom: opts.maxZoom ?? 1.1,
      maxWarp: opts.maxWarp ?? 0.2,
      pAffine: opts.pAffine ?? 0.75,
      mode: opts.mode ?? 'bilinear',
      padMode: opts.padMode ?? 'reflection',
    };
    if (this.opts.minZoom > this.opts.maxZoom)
      throw new RangeError(`AffineCoordTfm: minZoom ${this.opts.minZoom} > maxZoom ${this.opts.maxZoom}`);
  }

  /** The normalised sampling matrix of one image, drawn from `rng` as fastai draws it. */
  drawMatrix(h: number, w: number, rng: Rng): Mat3 {
    const o = this.opts;
    const p = (q: number) => rng.next() < q;
    let a = [...I3];
    if (o.doFlip)
      a = mul3(a, o.flipVert ? dihedralMat(p(o.pFlip) ? Math.floor(rng.next() * 8) : 0) : flipMat(p(o.pFlip)));
    if (o.maxRotate) a = mul3(a, rotateMat(p(o.pAffine) ? uniform(rng, -o.maxRotate, o.maxRotate) : 0));
    if (o.minZoom < 1 || o.maxZoom > 1) {
      const z = p(o.pAffine) ? uniform(rng, o.minZoom, o.maxZoom) : 1;
      a = mul3(a, zoomMat(z, rng.next(), rng.next()));
    }
    a = prepareMat(a, h, w);
    if (!o.maxWarp) return a;
    const xT = p(o.pAffine) ? uniform(rng, -o.maxWarp, o.maxWarp) : 0;
    const yT = p(o.pAffine) ? uniform(rng, -o.maxWarp, o.maxWarp) : 0;
    return mul3(warpMat(xT, yT), a);
  }

  /**
   * One matrix per image (training only), warping each image batch with its mode, the masks with nearest sampling,
   * and moving keypoints through the inverse matrix so they stay on their pixels.
   */
  drawPlan([n, h, w]: readonly [number, number, number], ctx: BatchContext): BatchPlan {
    if (!ctx.train) return { image: (x) => x, mask: (y) => y, points: (y) => y };
    const t = new Float32Array(n * 8);
    for (let i = 0; i < n; i++) t.set(toPixelTransform(this.drawMatrix(h, w, ctx.rng), h, w), i * 8);
    return {
      image: (x) => this.transform(x, t),
      points: (y) => {
        const mats = new Float32Array(n * 9);
        for (let i = 0; i < n; i++) mats.set(pointTransform(t.subarray(i * 8, i * 8 + 8), h, w), i * 9);
        return movePoints(y, mats);
      },
      mask: (y) =>
        tf.tidy(() => {
          const ym = tf.image.transform(
            tf.expandDims(tf.cast(y, 'float32'), -1) as tf.Tensor4D,
            tf.tensor2d(t, [n, 8]),
            'nearest',
            FILL[this.opts.padMode],
            0,
          );
          return tf.cast(tf.round(tf.squeeze(ym, [3])), 'int32');
        }),
    };
  }

  encodes(x: tf.Tensor4D, ctx: BatchContext): tf.Tensor4D {
    const [n, h, w] = x.shape;
    return this.drawPlan([n, h, w], ctx).image(x);
  }

  /** Resamples `x` with 8 pixel-transform numbers per image. */
  transform(x: tf.Tensor4D, t: Float32Array): tf.Tensor4D {
    return tf.tidy(() =>
      tf.image.transform(x, tf.tensor2d(t, [x.shape[0], 8]), this.opts.mode, FILL[this.opts.padMode], 0),
    );
  }
}
