// PIL's bilinear resize (Pillow's `Image.resize(size, BILINEAR)`, libImaging/Resample.c) in plain JS on 8-bit RGB:
// a triangle filter widened by the scale when shrinking (antialiased, as fastai's PIL pipeline), separable,
// horizontal pass then vertical, 22-bit fixed-point weights and rounding as Pillow's 8-bit path. Integer arithmetic
// only, so Node and a page give the same bytes for the same pixels.
import type { RGBImage } from './image.js';

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);

/** Per output index: the first input index and the fixed-point weights of the inputs it reads. */
interface Coeffs {
  start: Int32Array;
  count: Int32Array;
  weights: Int32Array;
  ksize: number;
}

/** Pillow's `precompute_coeffs` for the bilinear filter (support 1) and `normalize_coeffs_8bpc`. */
function coeffs(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const t = Math.abs((x + xmin - center + 0.5) * ss);
      const w = t < 1 ? 1 - t : 0;
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? k[x] / ww : 0;
      weights[xx * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    start[xx] = xmin;
    count[xx] = xmax;
  }
  return { start, count, weights, ksize };
}

const clip8 = (v: number): number => {
  const r = Math.floor(v / ONE);
  return r < 0 ? 0 : r > 255 ? 255 : r;
};

/**
 * Resizes 8-bit RGB pixels to `width × height` as Pillow's `resize(…, BILINEAR)` (what fastai's `Resize` calls).
 * @example
 * ```ts
 * const small = resizeBilinear(img, 64, 64);
 * ```
 */
export function resizeBilinear(img: RGBImage, width: number, height: number): RGBImage {
  let cur = img;
  if (width !== cur.width) {
    const c = coeffs(cur.width, width);
    const out = new Uint8Array(width * cur.height * 3);
    for (let y = 0; y < cur.height; y++) {
      const row = y * cur.width * 3;
      for (let xx = 0; xx < width; xx++) {
        let r = HALF;
        let g = HALF;
        let b = HALF;
        const base = xx * c.ksize;
        const s0 = c.start[xx];
        for (let x = 0; x < c.count[xx]; x++) {
          const w = c.weights[base + x];
          const p = row + (s0 + x) * 3;
          r += cur.data[p] * w;
          g += cur.data[p + 1] * w;
          b += cur.data[p + 2] * w;
        }
        const o = (y * width + xx) * 3;
        out[o] = clip8(r);
        out[o + 1] = clip8(g);
        out[o + 2] = clip8(b);
      }
    }
    cur = { data: out, width, height: cur.height };
  }
  if (height !== cur.height) {
    const c = coeffs(cur.height, height);
    const out = new Uint8Array(width * height * 3);
    const stride = cur.width * 3;
    for (let yy = 0; yy < height; yy++) {
      const base = yy * c.ksize;
      const s0 = c.start[yy];
      for (let i = 0; i < stride; i++) {
        let v = HALF;
        for (let y = 0; y < c.count[yy]; y++) v += cur.data[(s0 + y) * stride + i] * c.weights[base + y];
        out[yy * stride + i] = clip8(v);
      }
    }
    cur = { data: out, width: cur.width, height };
  }
  return cur === img ? { ...img, data: img.data.slice() } : cur;
}
