// Item transforms: run on each decoded image (with sharp) before batching, as fastai's `item_tfms`.
import type { Rng } from '@tfai/core';
import type { RGBImage } from '../data/image.js';
import type { Mask } from '../data/mask.js';

/** What an item transform knows of the call: training (random) or validation (deterministic), and its RNG. */
export interface ItemContext {
  /** True for a training sample (random crop position, flips), false for validation (deterministic, centred). */
  train: boolean;
  /** The seeded RNG every random draw comes from, so a seed reproduces the item transforms. */
  rng: Rng;
}

/** How fastai's `ResizeMethod` fits an image into the target size. */
export type ResizeMethod = 'crop' | 'pad' | 'squish';

/** How fastai's `PadMode` fills pixels outside the image: mirror image, black, or the edge pixel repeated. */
export type PadMode = 'reflection' | 'zeros' | 'border';

/** The JSON form of an item transform, as written into an export. */
export type ItemTfmSpec =
  | {
      /** The transform's class, `Resize`. */
      type: 'Resize';
      /** Output `[height, width]` in pixels. */
      size: [number, number];
      /** `'crop'`, `'pad'` or `'squish'`. */
      method: ResizeMethod;
      /** How `'pad'` fills: `'reflection'`, `'zeros'` or `'border'`. */
      padMode: PadMode;
    }
  | {
      /** The transform's class, `RandomResizedCrop`. */
      type: 'RandomResizedCrop';
      /** Output `[height, width]` in pixels. */
      size: [number, number];
      /** Smallest fraction of the image area a training crop covers (fastai's `min_scale`). */
      minScale: number;
      /** Largest fraction of the image area a training crop covers (fastai's `max_scale`). */
      maxScale: number;
      /** Range of the crop's aspect ratio width/height (fastai's `ratio`). */
      ratio: [number, number];
      /** Validation resize margin as a fraction of `size` (fastai's `val_xtra`). */
      valXtra: number;
    }
  | {
      /** The transform's class, `FlipItem`. */
      type: 'FlipItem';
      /** Probability of a left–right flip in training. */
      p: number;
    };

/**
 * One random draw of an item transform for one sample (fastai's `before_call`), applied to every part of it: each
 * image (both of a pair) and the mask. Masks are moved with nearest neighbour, never interpolated.
 */
export interface ItemPlan {
  /** The draw applied to an image of the sample (the plan adapts to the image's own size). */
  image(img: RGBImage): Promise<RGBImage>;
  /** The same draw applied to a class map: nearest neighbour, values stay the codes. */
  mask(mask: Mask): Mask;
  /**
   * The same draw applied to keypoints (fastai's `TensorPoint`): pixel coordinates `[x0, y0, x1, y1, …]` on a part of
   * `w × h` (pixel edges: 0 is the left edge, `w` the right one) → the same points on the output, so they stay on the
   * pixels they marked. Absent on a transform that cannot move points (a PointBlock refuses it).
   */
  points?(pts: Float32Array, w: number, h: number): Float32Array;
}

/**
 * Pixel points `[x0, y0, …]` moved as a crop of `region` (it may reach outside the image) resized to `resizeTo`
 * (`[height, width]`): `(x - left) · outW / width`, fastai's `crop_pad` on a `TensorPoint`.
 * @example
 * ```ts
 * cropPadPoints(Float32Array.of(30, 20), { left: 10, top: 0, width: 40, height: 40, resizeTo: [20, 20] }); // [10, 10]
 * ```
 */
export function cropPadPoints(
  pts: Float32Array,
  region: {
    /** Left edge of the region in source pixels. */
    left: number;
    /** Top edge of the region in source pixels. */
    top: number;
    /** Width of the region in source pixels. */
    width: number;
    /** Height of the region in source pixels. */
    height: number;
    /** Output `[height, width]`. */
    resizeTo: readonly [number, number];
  },
): Float32Array {
  const sx = region.resizeTo[1] / region.width;
  const sy = region.resizeTo[0] / region.height;
  return pts.map((v, j) => (j % 2 ? (v - region.top) * sy : (v - region.left) * sx));
}

/**
 * A per-sample transform: decoded RGB pixels in, RGB pixels out. `drawPlan` draws once per sample (for a first
 * image of `w × h`); the plan is then applied to every image and the mask of the sample, so any item transform works
 * for classification, segmentation and pairs alike.
 */
export interface ItemTransform {
  /** The transform's fastai class name (`'Resize'`, `'RandomResizedCrop'`, `'FlipItem'`), shown in errors and exports. */
  readonly name: string;
  /** One draw for a sample (random in training, deterministic in validation). */
  drawPlan(w: number, h: number, ctx: ItemContext): ItemPlan;
  /** `drawPlan(…).image(img)`: one image on its own. */
  apply(img: RGBImage, ctx: ItemContext): Promise<RGBImage>;
  /** The data-only form an export keeps (`itemTfmFromJSON` rebuilds it). */
  toJSON(): ItemTfmSpec;
}

/** An image size: one number for a square, or `[height, width]` as fastai's `size`. */
export type Size = number | readonly [number, number];

/** `[height, width]` of a size; checks that both are positive integers. */
export function toHW(size: Size, what: string): [number, number] {
  const hw: [number, number] = typeof size === 'number' ? [size, size] : [size[0], size[1]];
  if (!hw.every((v) => Number.isInteger(v) && v > 0))
    throw new RangeError(`${what}: size must be positive integers, got ${JSON.stringify(size)}`);
  return hw;
}

/** Python's `random.uniform(a, b)`. */
export const uniform = (rng: Rng, a: number, b: number): number => a + (b - a) * rng.next();

/** Python's `random.randint(a, b)`: an integer in [a, b], both included. */
export const randint = (rng: Rng, a: number, b: number): number =>
  a + Math.min(b - a, Math.floor(rng.next() * (b - a + 1)));
