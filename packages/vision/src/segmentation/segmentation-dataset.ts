// Items → batches for segmentation: each image decoded with its mask; item transforms (Resize, RandomResizedCrop)
// cut and resize both from one plan (the mask with nearest neighbour); batch augmentation warps both with the
// same random matrix (the mask with nearest sampling), while lighting and Normalize touch the image only.
import * as tf from '@tensorflow/tfjs';
import { DataLoader, Rng } from '@tfai/core';
import type { Batch, Dataset } from '@tfai/core';
import { AffineCoordTfm, toPixelTransform } from '../augment/affine.js';
import type { BatchContext, BatchTransform } from '../augment/batch-transform.js';
import type { ItemContext, ItemTransform } from '../augment/item-transform.js';
import { RandomResizedCrop, randomResizedCropPlan } from '../augment/random-resized-crop.js';
import { Resize, cropPad } from '../augment/resize.js';
import { ImageDataError } from '../data/errors.js';
import { loadImage, sourceName, type ImageSource, type RGBImage } from '../data/image.js';
import { checkMask, cropPadMask, loadMask, type Mask } from './mask.js';

/** One item after decoding and item transforms: the image and (unless unlabelled) its mask, same size. */
export interface SegmentationSample {
  image: RGBImage;
  mask: Mask | undefined;
  source: ImageSource;
}

const randomSeed = () => (Math.random() * 2 ** 31) | 0;

/**
 * Runs the item transforms on an image and its mask with the same random draws: `Resize` and
 * `RandomResizedCrop` (their crop/pad plan applied to both, the mask resized with nearest neighbour). Other item
 * transforms cannot keep a mask aligned and are refused.
 * @example
 * ```ts
 * const { image, mask } = await segItemTfms(img, m, [new Resize(64)], { train: true, rng: new Rng(0) });
 * ```
 */
export async function segItemTfms(image: RGBImage, mask: Mask | undefined, tfms: readonly ItemTransform[], ctx: ItemContext): Promise<{ image: RGBImage; mask: Mask | undefined }> {
  for (const t of tfms) {
    const { width: w, height: h } = image;
    if (t instanceof Resize) {
      const plan = t.plan(w, h, ctx);
      image = await cropPad(image, plan, t.padMode);
      mask = mask && cropPadMask(mask, plan, t.padMode);
    } else if (t instanceof RandomResizedCrop) {
      if (ctx.train) {
        const plan = randomResizedCropPlan(w, h, t.size, t, ctx.rng);
        image = await cropPad(image, plan);
        mask = mask && cropPadMask(mask, plan);
      } else {
        // As RandomResizedCrop's validation path: resize to size + xtra, then centre-crop.
        const [sh, sw] = t.size;
        const xtra = Math.ceil((Math.max(sh, sw) * t.valXtra) / 8) * 8;
        const plans = [
          { left: 0, top: 0, width: w, height: h, resizeTo: [sh + xtra, sw + xtra] as [number, number] },
          { left: Math.floor(xtra / 2), top: Math.floor(xtra / 2), width: sw, height: sh, resizeTo: t.size },
        ];
        for (const p of plans) {
          image = await cropPad(image, p);
          mask = mask && cropPadMask(mask, p);
        }
      }
    } else throw new ImageDataError(`item transform ${t.name} cannot be applied to segmentation masks: use Resize or RandomResizedCrop`);
  }
  return { image, mask };
}

/**
 * Images and their masks: `get(i)` decodes both, checks the mask (same size as the image, values below the number
 * of codes: errors name the file) and runs the item transforms on both.
 * @example
 * ```ts
 * const ds = new SegmentationDataset(['images/a.png'], ['labels/a.png'], [new Resize(64)], { nCodes: 8 });
 * const { image, mask } = await ds.get(0);
 * ```
 */
export class SegmentationDataset implements Dataset<SegmentationSample> {
  readonly train: boolean;
  readonly nCodes: number | undefined;
  private readonly rng: Rng;
  constructor(
    readonly items: readonly ImageSource[],
    readonly masks: readonly ImageSource[] | undefined,
    readonly itemTfms: readonly ItemTransform[],
    opts: { train?: boolean; seed?: number; nCodes?: number } = {},
  ) {
    if (masks && masks.length !== items.length) throw new ImageDataError(`SegmentationDataset: ${items.length} images but ${masks.length} masks`);
    this.train = opts.train ?? false;
    this.nCodes = opts.nCodes;
    this.rng = new Rng(opts.seed ?? randomSeed());
  }

  get length(): number {
    return this.items.length;
  }

  get(i: number): Promise<SegmentationSample> {
    if (!(i >= 0 && i < this.items.length)) throw new RangeError(`SegmentationDataset: index ${i} out of range (${this.items.length} items)`);
    return this.load(i, new Rng(this.rng.seed()));
  }

  private async load(i: number, rng: Rng): Promise<SegmentationSample> {
    const source = this.items[i];
    const maskSource = this.masks?.[i];
    const [img, m] = await Promise.all([loadImage(source), maskSource === undefined ? undefined : loadMask(maskSource)]);
    if (m && maskSource !== undefined) checkMask(m, sourceName(maskSource), img, sourceName(source), this.nCodes);
    const { image, mask } = await segItemTfms(img, m, this.itemTfms, { train: this.train, rng });
    return { image, mask, source };
  }
}

/**
 * Stacks samples into `{ x: [float32 [n, h, w, 3] in 0–1], y: int32 [n, h, w] }` (class maps; `[n]` of -1 when
 * unlabelled). Items of different sizes are an error naming two of them.
 * @example
 * ```ts
 * const { x, y } = collateSegmentation([await ds.get(0), await ds.get(1)]);
 * ```
 */
export function collateSegmentation(samples: readonly SegmentationSample[]): Batch {
  if (!samples.length) throw new ImageDataError('cannot make a batch of 0 images');
  const { width: w, height: h } = samples[0].image;
  const per = w * h;
  const x = new Float32Array(samples.length * per * 3);
  const labelled = samples.every((s) => s.mask);
  const y = labelled ? new Int32Array(samples.length * per) : undefined;
  samples.forEach((s, i) => {
    const im = s.image;
    if (im.width !== w || im.height !== h)
      throw new ImageDataError(
        `images of different sizes in one batch: ${sourceName(samples[0].source)} is ${w}×${h}, ${sourceName(s.source)} is ${im.width}×${im.height}; add an item transform such as new Resize(${Math.max(w, h)})`,
      );
    const d = im.data;
    const off = i * per * 3;
    for (let j = 0; j < per * 3; j++) x[off + j] = d[j] / 255;
    if (y) y.set(s.mask!.data, i * per);
  });
  return {
    x: [tf.tensor4d(x, [samples.length, h, w, 3])],
    y: y ? tf.tensor3d(y, [samples.length, h, w], 'int32') : tf.fill([samples.length], -1, 'int32'),
  };
}

const FILL = { reflection: 'reflect', zeros: 'constant', border: 'nearest' } as const;

/**
 * Runs batch transforms on images `x` and masks `y` (`[n, h, w]` int32) inside one `tf.tidy`: each
 * {@link AffineCoordTfm} draws one matrix per image and warps the image (its sampling mode) and the mask (nearest,
 * so classes stay integers) with it; every other transform (lighting, Normalize) changes the image only.
 * @example
 * ```ts
 * const out = applySegBatchTfms(x, y, augTransforms(), { train: true, rng: new Rng(0) });
 * ```
 */
export function applySegBatchTfms(x: tf.Tensor4D, y: tf.Tensor, tfms: readonly BatchTransform[], ctx: BatchContext): { x: tf.Tensor4D; y: tf.Tensor } {
  if (!tfms.length) return { x, y };
  const sorted = [...tfms].sort((a, b) => a.order - b.order);
  return tf.tidy(() => {
    let xi = x;
    let yi = y;
    for (const t of sorted) {
      if (t instanceof AffineCoordTfm && ctx.train && yi.rank === 3) {
        const [n, h, w] = xi.shape;
        const m = new Float32Array(n * 8);
        for (let i = 0; i < n; i++) m.set(toPixelTransform(t.drawMatrix(h, w, ctx.rng), h, w), i * 8);
        xi = t.transform(xi, m);
        const ym = tf.image.transform(yi.toFloat().expandDims(-1) as tf.Tensor4D, tf.tensor2d(m, [n, 8]), 'nearest', FILL[t.opts.padMode], 0);
        yi = ym.squeeze([3]).round().toInt();
      } else xi = t.encodes(xi, ctx);
    }
    return { x: xi, y: yi };
  });
}

/** Options of {@link SegmentationDataLoader}. */
export interface SegmentationDataLoaderOptions {
  bs?: number;
  shuffle?: boolean;
  dropLast?: boolean;
  seed?: number;
  prefetch?: number;
  /** The batch transforms, read at every batch (so transforms added later, as unetLearner's Normalize, apply). */
  batchTfms: () => readonly BatchTransform[];
}

/**
 * A {@link DataLoader} of images and masks: decoded items, collated, then the batch transforms (augmentation only
 * on the training set, the same warp for an image and its mask).
 * @example
 * ```ts
 * const dl = new SegmentationDataLoader(ds, { bs: 16, shuffle: true, seed: 0, batchTfms: () => augTransforms() });
 * ```
 */
export class SegmentationDataLoader extends DataLoader<SegmentationSample> {
  private readonly augRng: Rng;
  constructor(
    readonly ds: SegmentationDataset,
    private readonly segOpts: SegmentationDataLoaderOptions,
  ) {
    const { batchTfms: _b, ...rest } = segOpts;
    super(ds, { ...rest, collate: collateSegmentation });
    this.augRng = new Rng((segOpts.seed ?? randomSeed()) + 7919);
  }

  /** The batch transforms in use. */
  get batchTfms(): readonly BatchTransform[] {
    return this.segOpts.batchTfms();
  }

  override async makeBatch(indices: number[]): Promise<Batch> {
    const rng = new Rng(this.augRng.seed());
    const items = await Promise.all(indices.map((i) => this.ds.get(i)));
    const b = collateSegmentation(items);
    const x = b.x[0] as tf.Tensor4D;
    const out = applySegBatchTfms(x, b.y, this.batchTfms, { train: this.ds.train, rng });
    if (out.x !== x) x.dispose();
    if (out.y !== b.y) b.y.dispose();
    return { x: [out.x], y: out.y };
  }
}
