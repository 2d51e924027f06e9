// The vision mid level (fastai's `data/core.py` + `vision/augment.py` type dispatch), written once for every image
// task: an item (one or more image sources, an optional mask source, a target) is decoded into a sample; each item
// transform draws ONE plan per sample and applies it to every part (each image, the mask); samples are collated
// into one NHWC batch per image slot plus the target; each batch transform draws one plan per batch and applies it
// to every part again (masks with nearest sampling; lighting and Normalize leave them alone).
import * as tf from '@tensorflow/tfjs-core';
import { DataLoader, Rng } from '@tfai/core';
import { globalRng } from '@tfai/core/internal';
import type { Batch, Dataset } from '@tfai/core';
import { applyBatchPlans, type BatchTransform } from '../augment/batch-transform.js';
import type { ItemContext, ItemTransform } from '../augment/item-transform.js';
import { checkMask, loadMask, type Mask } from './mask.js';
import { ImageDataError, ImageReadError } from './errors.js';
import { declaredPixels, loadImage, sourceName, withDecodeBudget, type ImageSource, type RGBImage } from './image.js';

/**
 * Keypoints of a sample (a PointBlock target): pixel coordinates `[x0, y0, x1, y1, …]` on the decoded first image
 * (pixel edges: 0 is the left edge, the width the right one). Every item transform moves them with the pixels; they
 * are then scaled to [-1, 1] by the transformed image's size (fastai's `PointScaler`), and batch transforms move them
 * again.
 */
export interface PixelPoints {
  /** The points in pixels of the decoded image, `[x0, y0, x1, y1, …]`. */
  points: Float32Array;
}

/**
 * A float target (a DataBlock's multi-label one-hot vector, regression values), a function of the first image's
 * decoded size giving it, or keypoints in pixels ({@link PixelPoints}) that the transforms move.
 */
export type VisionTarget = Float32Array | ((width: number, height: number) => Float32Array) | PixelPoints;

/** True if a target is keypoints in pixels. */
export const isPixelPoints = (t: VisionTarget | undefined): t is PixelPoints =>
  typeof t === 'object' && !(t instanceof Float32Array) && t.points instanceof Float32Array;

/** Pixel points on a `w × h` image scaled to [-1, 1] (fastai's `PointScaler`: `p · 2 / size - 1`). */
export const scalePoints = (pts: Float32Array, w: number, h: number): Float32Array =>
  pts.map((v, j) => (v * 2) / (j % 2 ? h : w) - 1);

/** What a sample is made of before decoding: its image sources (two for a pair), a mask source, a class index. */
export interface VisionItem {
  /** The sample's image sources: one, or two for a siamese pair. */
  images: readonly ImageSource[];
  /** The class-map source of a segmentation sample (a greyscale image of class indices); absent otherwise. */
  mask?: ImageSource;
  /** Class index (-1 for unlabelled items). */
  label: number;
  /** A float target instead of a class index (multi-label, regression, points); collated as float32 `[n, k]`. */
  target?: VisionTarget;
}

/** One sample after decoding and item transforms: every part went through the same draws. */
export interface VisionSample {
  /** The sample's images, same size within a slot across the batch (two for a pair). */
  images: RGBImage[];
  /** The first image (`images[0]`). */
  image: RGBImage;
  /** The class map, same size as the images (segmentation), else undefined. */
  mask: Mask | undefined;
  /** Class index (-1 for unlabelled items). */
  label: number;
  /** The float target (multi-label, regression, points), when the item has one. */
  target?: Float32Array;
  /** Where each image came from. */
  sources: readonly ImageSource[];
  /** The first image's source. */
  source: ImageSource;
}

/** A seed from core's global RNG, so `manualSeed(n)` makes a run without an explicit seed reproducible. */
export const drawSeed = (): number => globalRng.seed();

/**
 * Runs item transforms on the parts of a sample: each transform draws one plan (from the first image's size) and
 * applies it to every image, to the mask and to the points (pixels of the first image), in order. A transform whose
 * plan cannot move points is an {@link ImageDataError} naming it when points are given.
 * @example
 * ```ts
 * const { images: [a, b], mask } = await applyItemTfms({ images: [imgA, imgB], mask: m }, [new Resize(64), new FlipItem()], { train: true, rng: new Rng(0) });
 * ```
 */
export async function applyItemTfms(
  parts: {
    /** The decoded images of the sample (two for a pair); the first one's size drives each draw. */
    images: readonly RGBImage[];
    /** The sample's class map, moved with the same draws (nearest neighbour). */
    mask?: Mask;
    /** Keypoints in pixels of the first image, `[x0, y0, …]`, moved with the same draws. */
    points?: Float32Array;
  },
  tfms: readonly ItemTransform[],
  ctx: ItemContext,
): Promise<{
  /** The transformed images, in the order given. */
  images: RGBImage[];
  /** The transformed class map, or undefined when none was given. */
  mask: Mask | undefined;
  /** The moved points in pixels of the transformed first image, or undefined when none were given. */
  points: Float32Array | undefined;
}> {
  let images = [...parts.images];
  let mask = parts.mask;
  let points = parts.points;
  for (const t of tfms) {
    const { width: w, height: h } = images[0];
    const plan = t.drawPlan(w, h, ctx);
    if (points) {
      if (!plan.points)
        throw new ImageDataError(`item transform ${t.name} cannot move points (its plan has no points())`);
      points = plan.points(points, w, h);
    }
    images = await Promise.all(images.map((im) => plan.image(im)));
    mask = mask && plan.mask(mask);
  }
  return { images, mask, points };
}

/**
 * Decodes an item (its images, its mask checked against the first image and the codes) and runs the item
 * transforms with one draw per sample. Errors name the file.
 * @example
 * ```ts
 * const s = await loadSample({ images: ['a.png'], label: 0 }, [new Resize(32)], { train: false, rng: new Rng(0) });
 * ```
 */
export async function loadSample(
  item: VisionItem,
  tfms: readonly ItemTransform[],
  ctx: ItemContext,
  nCodes?: number,
): Promise<VisionSample> {
  const { images: sources, mask: maskSource } = item;
  if (!sources.length) throw new ImageDataError('a sample needs at least one image');
  // Decoded and transformed under the process's pixel budget: a batch of large images is decoded a few at a time.
  const all = maskSource === undefined ? sources : [...sources, maskSource];
  const pixels = (await Promise.all(all.map(declaredPixels))).reduce((a, b) => a + b, 0);
  return withDecodeBudget(pixels, () => decodeSample(item, tfms, ctx, nCodes));
}

async function decodeSample(
  item: VisionItem,
  tfms: readonly ItemTransform[],
  ctx: ItemContext,
  nCodes?: number,
): Promise<VisionSample> {
  const { images: sources, mask: maskSource } = item;
  const [decoded, m] = await Promise.all([
    Promise.all(sources.map(loadImage)),
    maskSource === undefined ? undefined : loadMask(maskSource),
  ]);
  if (m && maskSource !== undefined) checkMask(m, sourceName(maskSource), decoded[0], sourceName(sources[0]), nCodes);
  const t = item.target;
  const pts = isPixelPoints(t) ? t.points : undefined;
  let out: Awaited<ReturnType<typeof applyItemTfms>>;
  try {
    out = await applyItemTfms({ images: decoded, mask: m, points: pts }, tfms, ctx);
  } catch (e) {
    if (e instanceof ImageReadError || e instanceof ImageDataError || e instanceof RangeError) throw e;
    throw new ImageReadError(
      sources.map(sourceName).join(' + '),
      `${tfms.map((t) => t.name).join(', ')} failed (${(e as Error).message})`,
    );
  }
  const target = out.points
    ? scalePoints(out.points, out.images[0].width, out.images[0].height)
    : typeof t === 'function'
      ? t(decoded[0].width, decoded[0].height)
      : (t as Float32Array | undefined);
  return {
    images: out.images,
    image: out.images[0],
    mask: out.mask,
    label: item.label,
    ...(target ? { target } : {}),
    sources,
    source: sources[0],
  };
}

/**
 * Stacks samples into `{ x: [float32 [n, h, w, 3] in 0–1 per image slot], y }` (fastai's `IntToFloatTensor`): `y`
 * is the masks (int32 `[n, h, w]`) when every sample has one, the float targets (float32 `[n, k]`) when every sample
 * has one (multi-label, regression, points), else the class indices (int32 `[n]`, -1 unlabelled).
 * Images of different sizes are an error naming two of them: add an item transform such as `Resize`.
 * @example
 * ```ts
 * const { x: [images], y } = collateSamples([await ds.get(0), await ds.get(1)]);
 * ```
 */
export function collateSamples(samples: readonly VisionSample[]): Batch {
  if (!samples.length) throw new ImageDataError('cannot make a batch of 0 images');
  const slots = samples[0].images.length;
  const { width: w, height: h } = samples[0].images[0];
  const per = w * h;
  const xs = Array.from({ length: slots }, () => new Float32Array(samples.length * per * 3));
  const labelled = samples.every((s) => s.mask);
  const y = labelled ? new Int32Array(samples.length * per) : undefined;
  const k = samples[0].target?.length ?? 0;
  const floats = !labelled && samples.every((s) => s.target) ? new Float32Array(samples.length * k) : undefined;
  samples.forEach((s, i) => {
    if (s.images.length !== slots)
      throw new ImageDataError(
        `samples with ${slots} and ${s.images.length} images in one batch (${sourceName(s.source)})`,
      );
    s.images.forEach((im, k) => {
      if (im.width !== w || im.height !== h)
        throw new ImageDataError(
          `images of different sizes in one batch: ${sourceName(samples[0].sources[k] ?? samples[0].source)} is ${w}×${h}, ${sourceName(s.sources[k] ?? s.source)} is ${im.width}×${im.height}; add an item transform such as new Resize(${Math.max(w, h)})`,
        );
      const d = im.data;
      const x = xs[k];
      const off = i * per * 3;
      for (let j = 0; j < per * 3; j++) x[off + j] = d[j] / 255;
    });
    if (y) y.set(s.mask!.data, i * per);
    if (floats) {
      if (s.target!.length !== k)
        throw new ImageDataError(
          `targets of ${k} and ${s.target!.length} values in one batch (${sourceName(s.source)})`,
        );
      floats.set(s.target!, i * k);
    }
  });
  return {
    x: xs.map((x) => tf.tensor4d(x, [samples.length, h, w, 3])),
    y: y
      ? tf.tensor3d(y, [samples.length, h, w], 'int32')
      : floats
        ? tf.tensor2d(floats, [samples.length, k])
        : tf.tensor1d(
            samples.map((s) => s.label),
            'int32',
          ),
  };
}

/** Options of a {@link VisionDataset}. */
export interface VisionDatasetOptions {
  /** Training (random item transforms) or validation (deterministic). */
  train?: boolean;
  /** Seed of the item transforms' draws (default: from core's global RNG). */
  seed?: number;
  /** Number of codes; mask values must be below it. */
  nCodes?: number;
}

/**
 * The items of a split, decoded on `get(i)` with the item transforms (random in training, deterministic in
 * validation). Subclasses say what item `i` is ({@link ImageDataset}, {@link SegmentationDataset}, siamese's
 * `PairDataset`); decoding, the one-draw-per-sample item pipeline and seeding are here.
 * @example
 * ```ts
 * class Files extends VisionDataset { … item(i) { return { images: [files[i]], label: -1 }; } }
 * ```
 */
export abstract class VisionDataset implements Dataset<VisionSample> {
  /** True if this split is decoded with random item transforms (training); false: deterministic (validation). */
  readonly train: boolean;
  /** Number of segmentation codes (mask values must be below it); undefined when not checked. */
  readonly nCodes: number | undefined;
  private readonly rng: Rng;
  constructor(
    /** The item transforms run on every sample, in order (fastai's `item_tfms`). */
    readonly itemTfms: readonly ItemTransform[],
    opts: VisionDatasetOptions = {},
  ) {
    this.train = opts.train ?? false;
    this.nCodes = opts.nCodes;
    this.rng = new Rng(opts.seed ?? drawSeed());
  }

  /** The number of items. */
  abstract get length(): number;

  /** Item `i`: its sources and target. */
  abstract item(i: number): VisionItem;

  /** The same items, decoded with random item transforms seeded `seed` (for `withTrainAugmentation`). */
  abstract withTrainTfms(seed: number): VisionDataset;

  /** Switches to the items of `epoch` (datasets whose items are re-drawn per epoch, as siamese pairs). */
  setEpoch(_epoch: number): void {}

  /** Sample `i`. Its random draws come from a generator seeded now, so concurrent loads stay reproducible. */
  get(i: number): Promise<VisionSample> {
    if (!(Number.isInteger(i) && i >= 0 && i < this.length))
      throw new RangeError(`${this.constructor.name}: index ${i} out of range (${this.length} items)`);
    return loadSample(this.item(i), this.itemTfms, { train: this.train, rng: new Rng(this.rng.seed()) }, this.nCodes);
  }
}

/** Options of a {@link VisionDataLoader}. */
export interface VisionDataLoaderOptions {
  /** Batch size (default 64, as fastai). */
  bs?: number;
  /** Shuffle each epoch (default false; the training loader of a DataLoaders shuffles). */
  shuffle?: boolean;
  /** Drop the last incomplete batch (default: same as `shuffle`, as fastai). */
  dropLast?: boolean;
  /** Seed of the shuffling and of the batch augmentations (default: from core's global RNG). */
  seed?: number;
  /** Batches prepared ahead of the one being consumed (default 2). */
  prefetch?: number;
  /** The batch transforms, read at every batch (so transforms added later, as visionLearner's Normalize, apply). */
  batchTfms: () => readonly BatchTransform[];
  /** The targets are keypoints `[n, 2k]` in [-1, 1] (a PointBlock's): batch transforms move them (default false). */
  points?: boolean;
}

/**
 * A {@link DataLoader} of vision samples: decoded items, collated, then the batch transforms (augmentation only on
 * a training set; one draw per batch applied to every image slot and to the masks). Each batch draws its
 * augmentation seed when it is requested, so prefetching in parallel does not change the result.
 * @example
 * ```ts
 * const dl = new VisionDataLoader(ds, { bs: 64, shuffle: true, seed: 0, batchTfms: () => augTransforms() });
 * for await (const { x, y } of dl) { console.log(x.length, y.shape); }
 * ```
 */
export class VisionDataLoader<D extends VisionDataset = VisionDataset> extends DataLoader<VisionSample> {
  private readonly augRng: Rng;
  constructor(
    /** The dataset the batches are decoded from (its `train` flag decides random augmentation). */
    readonly ds: D,
    private readonly visionOpts: VisionDataLoaderOptions,
  ) {
    const { batchTfms: _b, points: _p, ...rest } = visionOpts;
    const shuffle = rest.shuffle ?? false;
    super(ds, {
      ...rest,
      collate: collateSamples,
      order: (epoch, rng) => {
        ds.setEpoch(epoch);
        return shuffle ? rng.permutation(ds.length) : Array.from({ length: ds.length }, (_, i) => i);
      },
    });
    this.augRng = new Rng((visionOpts.seed ?? drawSeed()) + 7919);
  }

  /** The batch transforms in use. */
  get batchTfms(): readonly BatchTransform[] {
    return this.visionOpts.batchTfms();
  }

  /**
   * A batch to look at: the first (shuffled) batch of a training loader, or `n` items spread evenly over an
   * unshuffled one (so a validation set sorted by class shows several classes).
   * @example
   * ```ts
   * const { x, y } = await dls.valid.showcase(9);
   * ```
   */
  async showcase(n: number): Promise<Batch> {
    if (this.shuffle) return this.oneBatch();
    const len = this.ds.length;
    if (!len) throw new ImageDataError('the loader is empty: no images to show');
    const k = Math.min(n, len);
    return this.makeBatch(Array.from({ length: k }, (_, i) => Math.floor((i * len) / k)));
  }

  /**
   * The same items in order, decoded with random item transforms and augmented per batch as the training set is
   * (fastai's `set_split_idx(0)`), for `learn.tta()`. Each call, and each pass over it, draws new augmentations.
   * @example
   * ```ts
   * const { preds } = await learn.getPreds(learn.dls.valid.withTrainAugmentation());
   * ```
   */
  override withTrainAugmentation(): this {
    const seed = this.augRng.seed();
    const Ctor = this.constructor as new (ds: VisionDataset, opts: VisionDataLoaderOptions) => this;
    return new Ctor(this.ds.withTrainTfms(seed), {
      ...this.visionOpts,
      shuffle: false,
      dropLast: false,
      seed: seed + 1,
    });
  }

  override async makeBatch(indices: number[]): Promise<Batch> {
    const rng = new Rng(this.augRng.seed());
    const items = await Promise.all(indices.map((i) => this.ds.get(i)));
    const b = collateSamples(items);
    const xs = b.x as tf.Tensor4D[];
    const out = applyBatchPlans(
      xs,
      b.y,
      this.batchTfms,
      { train: this.ds.train, rng },
      { points: this.visionOpts.points },
    );
    xs.forEach((x, i) => {
      if (out.xs[i] !== x) x.dispose();
    });
    if (out.y !== b.y) b.y.dispose();
    return { x: out.xs, y: out.y ?? b.y };
  }
}
