// fastai's `Resize` item transform (fastai/vision/augment.py): crop, pad or squish to a fixed size, in plain JS
// (PIL's bilinear resize), so Node and a page give the model the same input for the same decoded pixels.
import type { RGBImage } from '../data/image.js';
import { cropPadMask, padIndex } from '../data/mask.js';
import { resizeBilinear } from '../data/resample.js';
import {
  cropPadPoints,
  toHW,
  type ItemContext,
  type ItemPlan,
  type ItemTfmSpec,
  type ItemTransform,
  type PadMode,
  type ResizeMethod,
  type Size,
} from './item-transform.js';

/** A region of the source image (it may reach outside the image, which is then padded) and the output size. */
export interface CropPadPlan {
  /** Left edge of the region in source pixels (negative when padding reaches outside the image). */
  left: number;
  /** Top edge of the region in source pixels (negative when padding reaches outside the image). */
  top: number;
  /** Width of the region in source pixels. */
  width: number;
  /** Height of the region in source pixels. */
  height: number;
  /** Output `[height, width]`. */
  resizeTo: [number, number];
}

/**
 * fastai's `Resize.encodes` arithmetic: the source region for an image of `w × h` resized to `size` (`[h, w]`) by
 * `method`, at position `pcts` (fractions of the slack; `[0.5, 0.5]` is the centre, as in validation).
 * @example
 * ```ts
 * resizePlan(100, 50, [32, 32], 'crop', [0.5, 0.5]); // { left: 25, top: 0, width: 50, height: 50, resizeTo: [32, 32] }
 * ```
 */
export function resizePlan(
  w: number,
  h: number,
  size: [number, number],
  method: ResizeMethod,
  pcts: [number, number],
): CropPadPlan {
  const [sh, sw] = size;
  if (method === 'squish') return { left: 0, top: 0, width: w, height: h, resizeTo: size };
  // Crop: the scale at which the image covers the target; pad: at which it fits inside.
  const rw = w / sw;
  const rh = h / sh;
  const m = method === 'pad' ? (rw > rh ? rw : rh) : rw < rh ? rw : rh;
  const cw = Math.trunc(m * sw);
  const ch = Math.trunc(m * sh);
  return {
    left: Math.trunc(pcts[0] * (w - cw)),
    top: Math.trunc(pcts[1] * (h - ch)),
    width: cw,
    height: ch,
    resizeTo: size,
  };
}

/**
 * Cuts the region of `plan` out of `img` (padding with `padMode` where it reaches outside, as fastai's
 * `crop_pad`: `reflection` mirrors symmetrically, `border` repeats the edge, `zeros` is black) and resizes it to
 * `plan.resizeTo` as PIL's bilinear ({@link resizeBilinear}). Plain JS: Node and a page give the same bytes.
 * @example
 * ```ts
 * const out = await cropPad(img, resizePlan(img.width, img.height, [64, 64], 'pad', [0.5, 0.5]), 'zeros');
 * ```
 */
export async function cropPad(img: RGBImage, plan: CropPadPlan, padMode: PadMode = 'reflection'): Promise<RGBImage> {
  return cropPadSync(img, plan, padMode);
}

/** {@link cropPad}, synchronously. */
export function cropPadSync(img: RGBImage, plan: CropPadPlan, padMode: PadMode = 'reflection'): RGBImage {
  const { width: w, height: h } = img;
  const [oh, ow] = plan.resizeTo;
  const whole = plan.left === 0 && plan.top === 0 && plan.width === w && plan.height === h;
  let region = img;
  if (!whole) {
    const cw = plan.width;
    const ch = plan.height;
    const out = new Uint8Array(cw * ch * 3);
    const cols = Int32Array.from({ length: cw }, (_, x) => padIndex(plan.left + x, w, padMode));
    for (let y = 0; y < ch; y++) {
      const r = padIndex(plan.top + y, h, padMode);
      if (r < 0) continue;
      for (let x = 0; x < cw; x++) {
        const c = cols[x];
        if (c < 0) continue;
        const s = (r * w + c) * 3;
        const o = (y * cw + x) * 3;
        out[o] = img.data[s];
        out[o + 1] = img.data[s + 1];
        out[o + 2] = img.data[s + 2];
      }
    }
    region = { data: out, width: cw, height: ch };
  }
  if (region.width === ow && region.height === oh) return region;
  return resizeBilinear(region, ow, oh);
}

/** Options of {@link Resize}. */
export interface ResizeOptions {
  /** `'crop'` (default: cover the target, then a random crop in training, the centre in validation), `'pad'` or `'squish'`. */
  method?: ResizeMethod;
  /** How `'pad'` fills (default `'reflection'`, as fastai). */
  padMode?: PadMode;
}

/**
 * fastai's `Resize(size, method, pad_mode)`: every image to `size` (`[height, width]` or a square side). With
 * `'crop'` the image is scaled to cover the size and cropped — at a random position in training, centred in
 * validation; `'pad'` scales it to fit and pads; `'squish'` ignores the aspect ratio.
 * @example
 * ```ts
 * const dls = await ImageDataLoaders.fromFolder(path, { itemTfms: [new Resize(64, { method: 'pad', padMode: 'zeros' })] });
 * ```
 */
export class Resize implements ItemTransform {
  /** The transform's name, `'Resize'` as fastai's class. */
  readonly name = 'Resize';
  /** Output `[height, width]` in pixels, fastai's `size`. */
  readonly size: [number, number];
  /** How the image fits the size: `'crop'` (default), `'pad'` or `'squish'`; fastai's `method`. */
  readonly method: ResizeMethod;
  /** How `'pad'` fills outside the image: `'reflection'` (default), `'zeros'` or `'border'`; fastai's `pad_mode`. */
  readonly padMode: PadMode;
  constructor(size: Size, opts: ResizeOptions = {}) {
    this.size = toHW(size, 'Resize');
    this.method = opts.method ?? 'crop';
    this.padMode = opts.padMode ?? 'reflection';
    if (!['crop', 'pad', 'squish'].includes(this.method))
      throw new RangeError(`Resize: unknown method '${String(this.method)}' (crop, pad or squish)`);
    if (!['reflection', 'zeros', 'border'].includes(this.padMode))
      throw new RangeError(`Resize: unknown padMode '${String(this.padMode)}' (reflection, zeros or border)`);
  }

  /** The region and output size for an image of `w × h` (random position when `ctx.train`). */
  plan(w: number, h: number, ctx: ItemContext): CropPadPlan {
    const pcts: [number, number] =
      ctx.train && this.method !== 'squish' ? [ctx.rng.next(), ctx.rng.next()] : [0.5, 0.5];
    return resizePlan(w, h, this.size, this.method, pcts);
  }

  /** One draw (the crop position) for a sample: each part is cut at that position of its own size. */
  drawPlan(_w: number, _h: number, ctx: ItemContext): ItemPlan {
    const pcts: [number, number] =
      ctx.train && this.method !== 'squish' ? [ctx.rng.next(), ctx.rng.next()] : [0.5, 0.5];
    const at = (w: number, h: number) => resizePlan(w, h, this.size, this.method, pcts);
    return {
      image: (img) => cropPad(img, at(img.width, img.height), this.padMode),
      mask: (m) => cropPadMask(m, at(m.width, m.height), this.padMode),
      points: (pts, w, h) => cropPadPoints(pts, at(w, h)),
    };
  }

  apply(img: RGBImage, ctx: ItemContext): Promise<RGBImage> {
    return this.drawPlan(img.width, img.height, ctx).image(img);
  }

  /** The data-only form an export keeps (`itemTfmFromJSON` rebuilds it). */
  toJSON(): ItemTfmSpec {
    return { type: 'Resize', size: this.size, method: this.method, padMode: this.padMode };
  }
}
