// Items → batches: an image dataset (decode + item transforms with sharp) and its loader (collate to NHWC float32,
// then the batch transforms as tf ops).
import * as tf from '@tensorflow/tfjs';
import { DataLoader, Rng } from '@tfai/core';
import type { Batch, Dataset } from '@tfai/core';
import { applyBatchTfms, type BatchTransform } from '../augment/batch-transform.js';
import type { ItemTransform } from '../augment/item-transform.js';
import { ImageDataError, ImageReadError } from './errors.js';
import { loadImage, sourceName, type ImageSource, type RGBImage } from './image.js';

/** One item after decoding and item transforms. */
export interface ImageSample {
  image: RGBImage;
  /** Class index (-1 for unlabelled items). */
  label: number;
  source: ImageSource;
}

const randomSeed = () => (Math.random() * 2 ** 31) | 0;

/**
 * Images and their class indices: `get(i)` decodes item `i` with sharp and runs the item transforms (random in
 * training, deterministic in validation).
 * @example
 * ```ts
 * const ds = new ImageDataset(['a.png', 'b.png'], [0, 1], [new Resize(32)], { train: true, seed: 0 });
 * const { image, label } = await ds.get(0); // 32×32 RGB
 * ```
 */
export class ImageDataset implements Dataset<ImageSample> {
  readonly train: boolean;
  private readonly rng: Rng;
  constructor(
    readonly items: readonly ImageSource[],
    readonly labels: readonly number[] | undefined,
    readonly itemTfms: readonly ItemTransform[],
    opts: { train?: boolean; seed?: number } = {},
  ) {
    if (labels && labels.length !== items.length) throw new ImageDataError(`ImageDataset: ${items.length} items but ${labels.length} labels`);
    this.train = opts.train ?? false;
    this.rng = new Rng(opts.seed ?? randomSeed());
  }

  get length(): number {
    return this.items.length;
  }

  /** Item `i`. The item's random draws come from a generator seeded now, so concurrent loads stay reproducible. */
  get(i: number): Promise<ImageSample> {
    if (!(i >= 0 && i < this.items.length)) throw new RangeError(`ImageDataset: index ${i} out of range (${this.items.length} items)`);
    return this.load(this.items[i], this.labels?.[i] ?? -1, new Rng(this.rng.seed()));
  }

  private async load(source: ImageSource, label: number, rng: Rng): Promise<ImageSample> {
    let image = await loadImage(source);
    try {
      for (const t of this.itemTfms) image = await t.apply(image, { train: this.train, rng });
    } catch (e) {
      if (e instanceof ImageReadError || e instanceof RangeError) throw e;
      throw new ImageReadError(sourceName(source), `${this.itemTfms.map((t) => t.name).join(', ')} failed (${(e as Error).message})`);
    }
    return { image, label, source };
  }
}

/**
 * Stacks samples into `{ x: [float32 [n, h, w, 3] in 0–1], y: int32 [n] }` (fastai's `IntToFloatTensor`). Items of
 * different sizes are an error naming two of them: add an item transform such as `Resize`.
 * @example
 * ```ts
 * const { x, y } = collateImages([await ds.get(0), await ds.get(1)]);
 * ```
 */
export function collateImages(samples: readonly ImageSample[]): Batch {
  if (!samples.length) throw new ImageDataError('cannot make a batch of 0 images');
  const { width: w, height: h } = samples[0].image;
  const per = w * h * 3;
  const x = new Float32Array(samples.length * per);
  samples.forEach((s, i) => {
    const im = s.image;
    if (im.width !== w || im.height !== h)
      throw new ImageDataError(
        `images of different sizes in one batch: ${sourceName(samples[0].source)} is ${w}×${h}, ${sourceName(s.source)} is ${im.width}×${im.height}; add an item transform such as new Resize(${Math.max(w, h)})`,
      );
    const d = im.data;
    const off = i * per;
    for (let j = 0; j < per; j++) x[off + j] = d[j] / 255;
  });
  return { x: [tf.tensor4d(x, [samples.length, h, w, 3])], y: tf.tensor1d(samples.map((s) => s.label), 'int32') };
}

/** Options of {@link ImageDataLoader}. */
export interface ImageDataLoaderOptions {
  bs?: number;
  shuffle?: boolean;
  dropLast?: boolean;
  seed?: number;
  prefetch?: number;
  /** The batch transforms, read at every batch (so transforms added later, as visionLearner's Normalize, apply). */
  batchTfms: () => readonly BatchTransform[];
}

/**
 * A {@link DataLoader} of images: batches of decoded items, collated to NHWC float32, then the batch transforms
 * (augmentation only when the dataset is the training set). Each batch draws its augmentation seed when it is
 * requested, so prefetching in parallel does not change the result.
 * @example
 * ```ts
 * const dl = new ImageDataLoader(ds, { bs: 64, shuffle: true, seed: 0, batchTfms: () => augTransforms() });
 * for await (const { x, y } of dl) { … }
 * ```
 */
export class ImageDataLoader extends DataLoader<ImageSample> {
  private readonly augRng: Rng;
  constructor(
    readonly ds: ImageDataset,
    private readonly imageOpts: ImageDataLoaderOptions,
  ) {
    const { batchTfms: _b, ...rest } = imageOpts;
    super(ds, { ...rest, collate: collateImages });
    this.augRng = new Rng((imageOpts.seed ?? randomSeed()) + 7919);
  }

  /** The batch transforms in use. */
  get batchTfms(): readonly BatchTransform[] {
    return this.imageOpts.batchTfms();
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
   * The same images in order, decoded with random item transforms and augmented per batch as the training set is
   * (fastai's `set_split_idx(0)`), for `learn.tta()`. Each call, and each pass over it, draws new augmentations.
   * @example
   * ```ts
   * const { preds } = await learn.getPreds(learn.dls.valid.withTrainAugmentation());
   * ```
   */
  override withTrainAugmentation(): ImageDataLoader {
    const seed = this.augRng.seed();
    const ds = new ImageDataset(this.ds.items, this.ds.labels, this.ds.itemTfms, { train: true, seed });
    return new ImageDataLoader(ds, { ...this.imageOpts, shuffle: false, dropLast: false, seed: seed + 1 });
  }

  override async makeBatch(indices: number[]): Promise<Batch> {
    const rng = new Rng(this.augRng.seed());
    const items = await Promise.all(indices.map((i) => this.ds.get(i)));
    const b = collateImages(items);
    const x = b.x[0] as tf.Tensor4D;
    const y = applyBatchTfms(x, this.batchTfms, { train: this.ds.train, rng });
    if (y !== x) x.dispose();
    return { x: [y], y: b.y };
  }
}
