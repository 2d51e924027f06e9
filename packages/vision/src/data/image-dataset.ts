// Images and their class indices on the shared vision pipeline (./sample.ts): what an item is; decoding, item
// transforms, collate and batch transforms are the mid level's.
import { ImageDataError } from './errors.js';
import type { ImageSource } from './image.js';
import {
  collateSamples,
  VisionDataLoader,
  VisionDataset,
  type VisionDatasetOptions,
  type VisionSample,
  type VisionDataLoaderOptions,
} from './sample.js';
import type { ItemTransform } from '../augment/item-transform.js';

/** One item after decoding and item transforms (a {@link VisionSample} of one image). */
export type ImageSample = VisionSample;

/**
 * Images and their class indices: `get(i)` decodes item `i` with sharp and runs the item transforms (random in
 * training, deterministic in validation).
 * @example
 * ```ts
 * const ds = new ImageDataset(['a.png', 'b.png'], [0, 1], [new Resize(32)], { train: true, seed: 0 });
 * const { image, label } = await ds.get(0); // 32×32 RGB
 * ```
 */
export class ImageDataset extends VisionDataset {
  constructor(
    /** The images: file paths, encoded bytes or decoded pixels, one per item. */
    readonly items: readonly ImageSource[],
    /** Class index of each item (into the loaders' `vocab`); undefined for an unlabelled (test) set. */
    readonly labels: readonly number[] | undefined,
    itemTfms: readonly ItemTransform[],
    opts: VisionDatasetOptions = {},
  ) {
    if (labels && labels.length !== items.length)
      throw new ImageDataError(`ImageDataset: ${items.length} items but ${labels.length} labels`);
    super(itemTfms, opts);
  }

  /** The number of items. */
  get length(): number {
    return this.items.length;
  }

  item(i: number): {
    /** The item's one image source. */
    images: ImageSource[];
    /** Its class index, or -1 when the dataset has no labels. */
    label: number;
  } {
    return { images: [this.items[i]], label: this.labels?.[i] ?? -1 };
  }

  withTrainTfms(seed: number): ImageDataset {
    return new ImageDataset(this.items, this.labels, this.itemTfms, { train: true, seed });
  }
}

/**
 * Stacks samples into `{ x: [float32 [n, h, w, 3] in 0–1], y: int32 [n] }`: the shared {@link collateSamples}.
 * @example
 * ```ts
 * const { x, y } = collateImages([await ds.get(0), await ds.get(1)]);
 * ```
 */
export const collateImages = collateSamples;

/** Options of {@link ImageDataLoader}. */
export type ImageDataLoaderOptions = VisionDataLoaderOptions;

/**
 * A {@link VisionDataLoader} of an {@link ImageDataset}.
 * @example
 * ```ts
 * const dl = new ImageDataLoader(ds, { bs: 64, shuffle: true, seed: 0, batchTfms: () => augTransforms() });
 * for await (const { x, y } of dl) { … }
 * ```
 */
export class ImageDataLoader extends VisionDataLoader<ImageDataset> {}
