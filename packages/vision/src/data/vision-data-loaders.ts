// The one base of every image task's DataLoaders (classification, segmentation, siamese pairs): the item and
// batch transforms shared by both loaders, normalisation, test loaders, encoding for inference, decoding and
// show_batch. The task classes keep only their factories, what an item is, and how a batch is pictured.
import * as tf from '@tensorflow/tfjs-core';
import { DataLoaders } from '@tfai/core';
import type { Batch, DataLoadersInfo } from '@tfai/core';
import { decodeBatchTfms, type BatchTfmSpec, type BatchTransform } from '../augment/batch-transform.js';
import type { ItemTfmSpec, ItemTransform } from '../augment/item-transform.js';
import { Normalize } from '../augment/normalize.js';
import type { Stats } from '../models/model-meta.js';
import { batchToImages, writeImageGrid, type GridTile, type ImageGridOptions } from './image-grid.js';
import { ImageDataError } from './errors.js';
import { isImageSource, type ImageSource, type RGBImage } from './image.js';
import type { VisionDataLoader, VisionDataLoaderOptions, VisionDataset } from './sample.js';

/** The transforms an export keeps: item transforms and the batch transforms inference needs (Normalize). */
export interface VisionTfmSpecs {
  /** The item transforms' JSON, rebuilt and run in validation mode at inference. */
  itemTfms: ItemTfmSpec[];
  /** The batch transforms inference needs (Normalize); augmentations are dropped. */
  batchTfms: BatchTfmSpec[];
}

/** Options of `showBatch` on every vision DataLoaders. */
export interface VisionShowOptions extends ImageGridOptions {
  /** Output PNG (default `show_batch.png`). */
  file?: string;
  /** Samples shown (default 9; 6 for segmentation). */
  maxN?: number;
  /** Show the validation set instead of an (augmented) training batch. */
  valid?: boolean;
}

/**
 * Raw items checked as single images (paths or encoded bytes) for `testDl` / `encodeItems`; anything else is an
 * {@link ImageDataError} naming the item.
 * @example
 * ```ts
 * const sources = imageSources(['a.png', buf], 'testDl');
 * ```
 */
export function imageSources(items: readonly unknown[], where: 'testDl' | 'encodeItems'): ImageSource[] {
  items.forEach((it, i) => {
    if (!isImageSource(it))
      throw new ImageDataError(
        where === 'testDl'
          ? `testDl: item ${i} is not an image path or buffer`
          : `item ${i} is not an image: pass a file path or the bytes of an image (got ${typeof it})`,
      );
  });
  return items as ImageSource[];
}

/** Loader options shared by the two loaders of a {@link VisionDataLoaders}. */
export interface VisionLoaderSettings {
  /** Training batch size (default 64, as fastai). */
  bs?: number;
  /** Validation batch size (default `bs`). */
  valBs?: number;
  /** Batches prepared ahead by each loader (default 2). */
  prefetch?: number;
  /** Seeds of the training and validation loaders (shuffling, batch augmentation). */
  seeds: [number | undefined, number | undefined];
  /** The targets are keypoints that batch transforms move (a PointBlock's); default false. */
  points?: boolean;
}

/**
 * The options of the training and validation loaders, both reading one shared `batchTfms` array (so a Normalize
 * added later by a learner applies to both).
 * @example
 * ```ts
 * const { train, valid } = visionLoaderOptions(batchTfms, { bs: 64, seeds: [seed, seed + 1] });
 * ```
 */
export function visionLoaderOptions(
  batchTfms: BatchTransform[],
  s: VisionLoaderSettings,
): { train: VisionDataLoaderOptions; valid: VisionDataLoaderOptions } {
  const common = { prefetch: s.prefetch, batchTfms: () => batchTfms, ...(s.points ? { points: true } : {}) };
  return {
    train: { ...common, bs: s.bs ?? 64, shuffle: true, seed: s.seeds[0] },
    valid: { ...common, bs: s.valBs ?? s.bs ?? 64, shuffle: false, seed: s.seeds[1] },
  };
}

/**
 * fastai's `DataLoaders` for images, written once: `itemTfms`, `batchTfms` (shared by both loaders),
 * `addBatchTfms`, `addNormalize`, `testDl`, `encodeItems`, `decodeBatch` and `showBatch`. Subclasses
 * (`ImageDataLoaders`, `SegmentationDataLoaders`, siamese's `SiameseDataLoaders`) say how raw items become a
 * dataset ({@link VisionDataLoaders.testDataset}) and how a batch is pictured ({@link VisionDataLoaders.showTiles}).
 * @example
 * ```ts
 * dls.addBatchTfms(Normalize.fromStats(imagenetStats));
 * const [x] = await dls.encodeItems(['cat.png']);
 * ```
 */
export abstract class VisionDataLoaders<L extends VisionDataLoader = VisionDataLoader> extends DataLoaders {
  /** The batch transforms, in use by both loaders (a learner may append a Normalize). */
  readonly batchTfms: BatchTransform[];
  /** The item transforms of both splits (random in training, deterministic in validation), fastai's `item_tfms`. */
  readonly itemTfms: readonly ItemTransform[];
  /** The training loader: shuffled, drops the last partial batch, random augmentation. */
  declare readonly train: L;
  /** The validation loader: in order, every item, no augmentation. */
  declare readonly valid: L;
  /** Samples `showBatch` shows by default. */
  protected readonly showMaxN: number = 9;

  constructor(
    train: L,
    valid: L,
    itemTfms: readonly ItemTransform[],
    batchTfms: BatchTransform[],
    info: DataLoadersInfo,
  ) {
    super(train, valid, info);
    this.itemTfms = itemTfms;
    this.batchTfms = batchTfms;
  }

  /** The dataset of raw items to predict, through the validation pipeline (checks each item; `where` names the caller in errors). */
  protected abstract testDataset(items: readonly unknown[], where: 'testDl' | 'encodeItems'): VisionDataset;

  /** The tiles `showBatch` draws for the first `n` samples of `b`. */
  protected abstract showTiles(b: Batch, n: number): Promise<GridTile[]>;

  /** Grid options `showBatch` starts from. */
  protected showGrid(): ImageGridOptions {
    return {};
  }

  /** The item transforms and the batch transforms inference needs, as JSON (augmentations are dropped). */
  protected transformSpecs(): VisionTfmSpecs {
    return {
      itemTfms: this.itemTfms.map((t) => t.toJSON()),
      batchTfms: this.batchTfms.flatMap((t) => (t.toJSON ? [t.toJSON()] : [])),
    };
  }

  /**
   * Adds batch transforms to both loaders (as fastai's `dls.add_tfms(…, 'after_batch')`).
   * @example
   * ```ts
   * dls.addBatchTfms(Normalize.fromStats(imagenetStats));
   * ```
   */
  addBatchTfms(...tfms: BatchTransform[]): void {
    this.batchTfms.push(...tfms);
  }

  /** True if a `Normalize` is among the batch transforms. */
  get normalized(): boolean {
    return this.batchTfms.some((t) => t instanceof Normalize);
  }

  /**
   * Adds `Normalize` with `stats` unless one is there (fastai's `_add_norm` for pretrained weights).
   * @example
   * ```ts
   * dls.addNormalize(imagenetStats);
   * ```
   */
  addNormalize(stats: Stats): void {
    if (!this.normalized) this.batchTfms.push(Normalize.fromStats(stats));
  }

  /**
   * A loader over new items through the validation pipeline, unlabelled (fastai's `test_dl`).
   * @example
   * ```ts
   * const { preds } = await learn.getPreds(learn.dls.testDl(['a.png', 'b.png']));
   * ```
   */
  testDl(items: readonly unknown[], opts: { bs?: number } = {}): L {
    return this.loaderOf(this.testDataset(items, 'testDl'), opts.bs ?? this.valid.bs);
  }

  private loaderOf(ds: VisionDataset, bs: number): L {
    const Ctor = this.valid.constructor as new (ds: VisionDataset, opts: VisionDataLoaderOptions) => L;
    return new Ctor(ds, { bs, shuffle: false, batchTfms: () => this.batchTfms });
  }

  /**
   * Encodes raw items as the validation set is encoded: decode, item transforms, batch transforms (normalisation;
   * no augmentation). Returns one NHWC float32 batch per image slot.
   * @example
   * ```ts
   * const [x] = await dls.encodeItems(['cat.png']); // [1, 64, 64, 3]
   * ```
   */
  override async encodeItems(items: unknown[]): Promise<tf.Tensor[]> {
    const dl = this.loaderOf(this.testDataset(items, 'encodeItems'), Math.max(items.length, 1));
    const b = await dl.makeBatch(items.map((_, i) => i));
    b.y.dispose();
    return b.x;
  }

  /**
   * Pixels of an image batch for display: the decodable batch transforms undone (Normalize), clamped to 0–1.
   * @example
   * ```ts
   * const images = await dls.decodeBatch(x);
   * ```
   */
  async decodeBatch(x: tf.Tensor): Promise<RGBImage[]> {
    const d = decodeBatchTfms(x as tf.Tensor4D, this.batchTfms);
    try {
      return await batchToImages(d);
    } finally {
      d.dispose();
    }
  }

  /**
   * fastai's `show_batch`: a PNG grid of a training batch (augmented, as the model sees it) or of the validation
   * set. Returns the file written.
   * @example
   * ```ts
   * await dls.showBatch({ file: 'batch.png', maxN: 16 });
   * ```
   */
  async showBatch(opts: VisionShowOptions = {}): Promise<string> {
    const dl = opts.valid ? this.valid : this.train;
    const want = opts.maxN ?? this.showMaxN;
    const b = await dl.showcase(want);
    try {
      const n = Math.min(want, b.y.shape[0] ?? 0);
      const tiles = await this.showTiles(b, n);
      const { file, maxN: _m, valid: _v, ...grid } = opts;
      return await writeImageGrid(file ?? 'show_batch.png', tiles, { ...this.showGrid(), ...grid });
    } finally {
      tf.dispose([...b.x, b.y]);
    }
  }
}
