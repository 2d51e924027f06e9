// Pairs on vision's shared sample pipeline: a pair is one sample of two images, so every item and batch transform
// draws once per pair and applies that draw to both images (as fastai transforms a SiameseImage tuple). The target
// is the class index of `same` (1) or not (0).
import { collateSamples, VisionDataLoader, VisionDataset } from '@tfai/vision';
import type { ImageSource, VisionDataLoaderOptions, VisionDatasetOptions, VisionSample } from '@tfai/vision';
import type { ItemTransform } from '@tfai/vision/augment';
import type { ImagePair } from './pairs.js';

/** Two images and whether they show the same class (an `ImagePair` of paths, or of image bytes to predict). */
export interface SourcePair {
  /** The first image: a path, encoded bytes or decoded pixels. */
  a: ImageSource;
  /** The second image, compared with `a`. */
  b: ImageSource;
  /** True if both show the same class (target 1), false otherwise (target 0). */
  same: boolean;
}

/** One pair after decoding and item transforms: a {@link VisionSample} of two images, label 1 if the same class. */
export type PairSample = VisionSample;

/**
 * The pairs of a split: fixed (validation) or given per epoch (training pairs re-drawn by a sampler). The loader
 * tells the dataset which epoch it is about to run ({@link PairDataset.setEpoch}).
 * @example
 * ```ts
 * const ds = new PairDataset((epoch) => sampler.pairs(epoch), [new Resize(32)], { train: true, seed: 0 });
 * ```
 */
export class PairDataset<P extends SourcePair = ImagePair> extends VisionDataset {
  private current: readonly P[];
  constructor(
    /** The pairs of each epoch (re-drawn per epoch for training, fixed for validation). */
    readonly pairsFor: (epoch: number) => readonly P[],
    itemTfms: readonly ItemTransform[],
    opts: VisionDatasetOptions = {},
  ) {
    super(itemTfms, opts);
    this.current = pairsFor(0);
  }

  /** Switches to the pairs of `epoch`. */
  override setEpoch(epoch: number): void {
    this.current = this.pairsFor(epoch);
  }

  /** The pairs in use. */
  get pairs(): readonly P[] {
    return this.current;
  }

  /** The number of items. */
  get length(): number {
    return this.current.length;
  }

  item(i: number): {
    /** The pair's two image sources, `[a, b]`. */
    images: ImageSource[];
    /** 1 if they show the same class, 0 otherwise. */
    label: number;
  } {
    const p = this.current[i];
    return { images: [p.a, p.b], label: p.same ? 1 : 0 };
  }

  withTrainTfms(seed: number): PairDataset<P> {
    return new PairDataset<P>(this.pairsFor, this.itemTfms, { train: true, seed });
  }
}

/**
 * Stacks pair samples into `{ x: [imagesA, imagesB] (float32 NHWC, 0–1), y: int32 (1 = same, 0 = different) }`:
 * vision's shared `collateSamples`.
 * @example
 * ```ts
 * const { x: [a, b], y } = collatePairs([await ds.get(0), await ds.get(1)]);
 * ```
 */
export const collatePairs = collateSamples;

/** Options of {@link PairDataLoader}. */
export type PairDataLoaderOptions = VisionDataLoaderOptions;

/**
 * A vision loader of pairs: switches the dataset to the epoch's pairs, shuffles them (seeded), collates and runs
 * the batch transforms (augmentation only on the training set; one draw for both images of a pair).
 * @example
 * ```ts
 * const dl = new PairDataLoader(ds, { bs: 64, shuffle: true, seed: 0, batchTfms: () => [] });
 * for await (const { x: [a, b], y } of dl) { console.log(a.shape, b.shape, y.shape); }
 * ```
 */
export class PairDataLoader extends VisionDataLoader<PairDataset> {}
