// fastai's `RandomResizedCrop` item transform (fastai/vision/augment.py), on resize.ts's plain-JS crop and resize.
import type { Rng } from '@tfai/core';
import type { RGBImage } from '../data/image.js';
import { cropPadMask } from '../data/mask.js';
import { cropPad, type CropPadPlan } from './resize.js';
import {
  cropPadPoints,
  randint,
  toHW,
  uniform,
  type ItemContext,
  type ItemPlan,
  type ItemTfmSpec,
  type ItemTransform,
  type Size,
} from './item-transform.js';

/** Options of {@link RandomResizedCrop}, as fastai's. */
export interface RandomResizedCropOptions {
  /** Smallest fraction of the image's area to crop (default 0.08). */
  minScale?: number;
  /** Largest fraction (default 1). */
  maxScale?: number;
  /** Range of the crop's aspect ratio `width / height` (default `[3/4, 4/3]`). */
  ratio?: [number, number];
  /** Validation: resize to `size + xtra` (xtra = `ceil(max(size) · valXtra / 8) · 8`), then centre-crop `size`. Default 0.14. */
  valXtra?: number;
}

/** The region of a training crop: fastai's ten attempts at a random area and ratio, else a centred crop. */
export function randomResizedCropPlan(
  w: number,
  h: number,
  size: [number, number],
  opts: Required<Pick<RandomResizedCropOptions, 'minScale' | 'maxScale' | 'ratio'>>,
  rng: Rng,
): CropPadPlan {
  const [r0, r1] = opts.ratio;
  for (let attempt = 0; attempt < 10; attempt++) {
    const area = uniform(rng, opts.minScale, opts.maxScale) * w * h;
    const ratio = Math.exp(uniform(rng, Math.log(r0), Math.log(r1)));
    const nw = Math.round(Math.sqrt(area * ratio));
    const nh = Math.round(Math.sqrt(area / ratio));
    if (nw <= w && nh <= h) {
      const left = randint(rng, 0, w - nw);
      const top = randint(rng, 0, h - nh);
      return { left, top, width: nw, height: nh, resizeTo: size };
    }
  }
  let cw = w;
  let ch = h;
  if (w / h < r0) ch = Math.trunc(w / r0);
  else if (w / h > r1) cw = Math.trunc(h * r1);
  return { left: Math.floor((w - cw) / 2), top: Math.floor((h - ch) / 2), width: cw, height: ch, resizeTo: size };
}

/**
 * fastai's `RandomResizedCrop(size, min_scale, ratio, val_xtra)`: in training, a random crop of `minScale…maxScale`
 * of the area with an aspect ratio in `ratio`, resized to `size`; in validation, the whole image resized to
 * `size` plus a margin, then centre-cropped to `size`.
 * @example
 * ```ts
 * const dls = await ImageDataLoaders.fromFolder(path, { itemTfms: [new RandomResizedCrop(64, { minScale: 0.35 })] });
 * ```
 */
export class RandomResizedCrop implements ItemTransform {
  /** The transform's name, `'RandomResizedCrop'` as fastai's class. */
  readonly name = 'RandomResizedCrop';
  /** Output `[height, width]` in pixels, fastai's `size`. */
  readonly size: [number, number];
  /** Smallest fraction of the image area a training crop covers (default 0.08), fastai's `min_scale`. */
  readonly minScale: number;
  /** Largest fraction of the image area a training crop covers (default 1), fastai's `max_scale`. */
  readonly maxScale: number;
  /** Range of the crop's aspect ratio width/height (default `[3/4, 4/3]`), fastai's `ratio`. */
  readonly ratio: [number, number];
  /** Validation margin: the image is resized to `size` plus this fraction (default 0.14, rounded up to 8 px), then centre-cropped; fastai's `val_xtra`. */
  readonly valXtra: number;
  constructor(size: Size, opts: RandomResizedCropOptions = {}) {
    this.size = toHW(size, 'RandomResizedCrop');
    this.minScale = opts.minScale ?? 0.08;
    this.maxScale = opts.maxScale ?? 1;
    this.ratio = opts.ratio ?? [3 / 4, 4 / 3];
    this.valXtra = opts.valXtra ?? 0.14;
    if (!(this.minScale > 0 && this.minScale <= this.maxScale && this.maxScale <= 1))
      throw new RangeError(
        `RandomResizedCrop: need 0 < minScale ≤ maxScale ≤ 1, got ${this.minScale}, ${this.maxScale}`,
      );
  }

  /**
   * One draw for a sample whose first image is `w × h`: the crop region (in training), or the validation resize and
   * centre crop; parts of another size get the same region in proportion.
   */
  drawPlan(w: number, h: number, ctx: ItemContext): ItemPlan {
    let plansAt: (pw: number, ph: number) => CropPadPlan[];
    if (ctx.train) {
      const p = randomResizedCropPlan(w, h, this.size, this, ctx.rng);
      plansAt = (pw, ph) => [pw === w && ph === h ? p : scalePlan(p, pw / w, ph / h)];
    } else {
      const [sh, sw] = this.size;
      const xtra = Math.ceil((Math.max(sh, sw) * this.valXtra) / 8) * 8;
      // fastai's final `crop_pad(self.size)`: centred, `(orig - size) // 2`.
      plansAt = (pw, ph) => [
        { left: 0, top: 0, width: pw, height: ph, resizeTo: [sh + xtra, sw + xtra] },
        { left: Math.floor(xtra / 2), top: Math.floor(xtra / 2), width: sw, height: sh, resizeTo: this.size },
      ];
    }
    return {
      image: async (img) => {
        let out = img;
        for (const p of plansAt(img.width, img.height)) out = await cropPad(out, p);
        return out;
      },
      mask: (m) => plansAt(m.width, m.height).reduce((out, p) => cropPadMask(out, p), m),
      points: (pts, w, h) => plansAt(w, h).reduce((out, p) => cropPadPoints(out, p), pts),
    };
  }

  apply(img: RGBImage, ctx: ItemContext): Promise<RGBImage> {
    return this.drawPlan(img.width, img.height, ctx).image(img);
  }

  /** The data-only form an export keeps (`itemTfmFromJSON` rebuilds it). */
  toJSON(): ItemTfmSpec {
    return {
      type: 'RandomResizedCrop',
      size: this.size,
      minScale: this.minScale,
      maxScale: this.maxScale,
      ratio: this.ratio,
      valXtra: this.valXtra,
    };
  }
}

/** A crop region scaled by `sx`, `sy` (the same region of a part of another size). */
function scalePlan(p: CropPadPlan, sx: number, sy: number): CropPadPlan {
  return {
    left: Math.round(p.left * sx),
    top: Math.round(p.top * sy),
    width: Math.max(1, Math.round(p.width * sx)),
    height: Math.max(1, Math.round(p.height * sy)),
    resizeTo: p.resizeTo,
  };
}
