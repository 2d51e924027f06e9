// Images and their masks on the shared vision pipeline (../data/sample.ts): every item and batch transform draws
// one plan per sample / batch and moves the mask with the image (nearest neighbour), lighting and Normalize touch
// the image only, so no task-specific dispatch is needed here.
import type { ItemTransform } from '../augment/item-transform.js';
import { ImageDataError } from '../data/errors.js';
import type { ImageSource } from '../data/image.js';
import {
  collateSamples,
  VisionDataLoader,
  VisionDataset,
  type VisionDataLoaderOptions,
  type VisionDatasetOptions,
  type VisionSample,
} from '../data/sample.js';

/** One item after decoding and item transforms: the image and (unless unlabelled) its mask, same size. */
export type SegmentationSample = VisionSample;

/**
 * Images and their masks: `get(i)` decodes both, checks the mask (same size as the image, values below the number
 * of codes: errors name the file) and runs the item transforms on both with one draw.
 * @example
 * ```ts
 * const ds = new SegmentationDataset(['images/a.png'], ['labels/a.png'], [new Resize(64)], { nCodes: 8 });
 * const { image, mask } = await ds.get(0);
 * ```
 */
export class SegmentationDataset extends VisionDataset {
  constructor(
    /** The images: file paths, encoded bytes or decoded pixels, one per item. */
    readonly items: readonly ImageSource[],
    /** Each image's class map (greyscale, values = code indices), same size as its image; undefined for a test set. */
    readonly masks: readonly ImageSource[] | undefined,
    itemTfms: readonly ItemTransform[],
    opts: VisionDatasetOptions = {},
  ) {
    if (masks && masks.length !== items.length)
      throw new ImageDataError(`SegmentationDataset: ${items.length} images but ${masks.length} masks`);
    super(itemTfms, opts);
  }

  /** The number of items. */
  get length(): number {
    return this.items.length;
  }

  item(i: number): {
    /** The item's one image source. */
    images: ImageSource[];
    /** Its class map's source, or undefined for a test set. */
    mask: ImageSource | undefined;
    /** Always -1: a segmentation item's target is its mask. */
    label: number;
  } {
    return { images: [this.items[i]], mask: this.masks?.[i], label: -1 };
  }

  withTrainTfms(seed: number): SegmentationDataset {
    return new SegmentationDataset(this.items, this.masks, this.itemTfms, { train: true, seed, nCodes: this.nCodes });
  }
}

/**
 * Stacks samples into `{ x: [float32 [n, h, w, 3] in 0–1], y: int32 [n, h, w] }` (`[n]` of -1 when unlabelled):
 * the shared {@link collateSamples}.
 * @example
 * ```ts
 * const { x, y } = collateSegmentation([await ds.get(0), await ds.get(1)]);
 * ```
 */
export const collateSegmentation = collateSamples;

/** Options of {@link SegmentationDataLoader}. */
export type SegmentationDataLoaderOptions = VisionDataLoaderOptions;

/**
 * A {@link VisionDataLoader} of a {@link SegmentationDataset}: the same warp for an image and its mask.
 * @example
 * ```ts
 * const dl = new SegmentationDataLoader(ds, { bs: 16, shuffle: true, seed: 0, batchTfms: () => augTransforms() });
 * ```
 */
export class SegmentationDataLoader extends VisionDataLoader<SegmentationDataset> {}
