// fastai's `Resize` item transform (fastai/vision/augment.py) on sharp: crop, pad or squish to a fixed size.
import type { RGBImage } from '../data/image.js';
import { rawSharp, runRaw } from '../data/image.js';
import { cropPadMask } from '../data/mask.js';
import {
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
  left: number;
  top: number;
  width: number;
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

const EXTEND = { reflection: 'mirror', zeros: 'background', border: 'copy' } as const;

/**
 * Cuts the region of `plan` out of `img` (padding with `padMode` where it reaches outside, as fastai's
 * `crop_pad`) and resizes it bilinearly to `plan.resizeTo`.
 * @example
 * ```ts
 * const out = await cropPad(img, resizePlan(img.width, img.height, [64, 64], 'pad', [0.5, 0.5]), 'zeros');
 * ```
 */
export async function cropPad(img: RGBImage, plan: CropPadPlan, padMode: PadMode = 'reflection'): Promise<RGBImage> {
  const { width: w, height: h } = img;
  // The part inside the image…
  const x0 = Math.max(plan.left, 0);
  const y0 = Math.max(plan.top, 0);
  const x1 = Math.min(plan.left + plan.width, w);
  const y1 = Math.min(plan.top + plan.height, h);
  // …and what must be padded around it.
  const pad = {
    left: x0 - plan.left,
    top: y0 - plan.top,
    right: plan.left + plan.width - x1,
    bottom: plan.top + plan.height - y1,
  };
  const [oh, ow] = plan.resizeTo;
  const whole = x0 === 0 && y0 === 0 && x1 === w && y1 === h;
  let out = img;
  const needsPad = pad.left > 0 || pad.top > 0 || pad.right > 0 || pad.bottom > 0;
  if (needsPad) {
    let p = rawSharp(out);
    if (!whole) p = p.extract({ left: x0, top: y0, width: x1 - x0, height: y1 - y0 });
    out = await runRaw(p.extend({ ...pad, extendWith: EXTEND[padMode], background: { r: 0, g: 0, b: 0 } }));
    if (out.width === ow && out.height === oh) return out;
    return runRaw(rawSharp(out).resize(ow, oh, { fit: 'fill', kernel: 'linear' }));
  }
  if (whole && w === ow && h === oh) return img;
  let p = rawSharp(out);
  if (!whole) p = p.extract({ left: x0, top: y0, width: x1 - x0, height: y1 - y0 });
  if (x1 - x0 !== ow || y1 - y0 !== oh) p = p.resize(ow, oh, { fit: 'fill', kernel: 'linear' });
  return runRaw(p);
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
  readonly name = 'Resize';
  readonly size: [number, number];
  readonly method: ResizeMethod;
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
