// fastai's `FlipItem` item transform (fastai/vision/augment.py): a random horizontal flip, written once for every
// part of a sample (each image, the mask and the points get the same draw), so it serves classification,
// segmentation, keypoints and pairs.
import type { RGBImage } from '../data/image.js';
import type { Mask } from '../data/mask.js';
import type { ItemContext, ItemPlan, ItemTfmSpec, ItemTransform } from './item-transform.js';

/** Options of {@link FlipItem}. */
export interface FlipItemOptions {
  /** Probability of a flip in training (default 0.5, as fastai). */
  p?: number;
}

/** Rows of `data` (`channels` bytes a pixel) mirrored left–right. */
function flipRows(data: Uint8Array, width: number, height: number, channels: number): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    for (let x = 0; x < width; x++) {
      const src = row + x * channels;
      const dst = row + (width - 1 - x) * channels;
      for (let c = 0; c < channels; c++) out[dst + c] = data[src + c];
    }
  }
  return out;
}

/**
 * fastai's `FlipItem(p)`: in training, flips the sample left–right with probability `p` (one draw per sample: both
 * images of a pair and the mask flip together, the mask's classes exactly moved); validation passes unchanged.
 * @example
 * ```ts
 * const dls = await ImageDataLoaders.fromFolder(path, { itemTfms: [new Resize(64), new FlipItem()] });
 * ```
 */
export class FlipItem implements ItemTransform {
  /** The transform's name, `'FlipItem'` as fastai's class. */
  readonly name = 'FlipItem';
  /** Probability of flipping a training sample left–right (0–1, default 0.5), fastai's `p`. */
  readonly p: number;
  constructor(opts: FlipItemOptions = {}) {
    this.p = opts.p ?? 0.5;
    if (!(this.p >= 0 && this.p <= 1)) throw new RangeError(`FlipItem: p must be in [0, 1], got ${this.p}`);
  }

  drawPlan(_w: number, _h: number, ctx: ItemContext): ItemPlan {
    const flip = ctx.train && ctx.rng.next() < this.p;
    return {
      image: async (img: RGBImage) =>
        flip ? { data: flipRows(img.data, img.width, img.height, 3), width: img.width, height: img.height } : img,
      mask: (m: Mask) =>
        flip ? { data: flipRows(m.data, m.width, m.height, 1), width: m.width, height: m.height } : m,
      // fastai's `flip_lr` on a TensorPoint: x → -x in [-1, 1], i.e. w - x in pixels.
      points: (pts: Float32Array, w: number) => (flip ? pts.map((v, j) => (j % 2 ? v : w - v)) : pts),
    };
  }

  apply(img: RGBImage, ctx: ItemContext): Promise<RGBImage> {
    return this.drawPlan(img.width, img.height, ctx).image(img);
  }

  /** The data-only form an export keeps (`itemTfmFromJSON` rebuilds it). */
  toJSON(): ItemTfmSpec {
    return { type: 'FlipItem', p: this.p };
  }
}
