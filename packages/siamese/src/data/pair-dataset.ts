// Pairs → batches: both images of a pair are decoded and go through the same item transforms (same random draws,
// as fastai transforms a SiameseImage tuple), are collated into two NHWC batches, and get the same batch
// transforms (again the same random draws per pair). The target is the class index of `same` (1) or not (0).
import * as tf from '@tensorflow/tfjs';
import { DataLoader, Rng } from '@tfai/core';
import type { Batch, Dataset } from '@tfai/core';
import { applyBatchTfms, collateImages, ImageReadError, loadImage, sourceName } from '@tfai/vision';
import type { BatchTransform, ImageSource, ItemTransform, RGBImage } from '@tfai/vision';
import type { ImagePair } from './pairs.js';

/** One pair after decoding and item transforms. */
export interface PairSample {
  a: RGBImage;
  b: RGBImage;
  same: boolean;
  pair: { a: ImageSource; b: ImageSource };
}

const randomSeed = () => (Math.random() * 2 ** 31) | 0;

/**
 * Decodes one image and runs the item transforms with `rng` (errors name the file).
 * @example
 * ```ts
 * const img = await loadItem('a.png', [new Resize(32)], false, new Rng(0));
 * ```
 */
export async function loadItem(src: ImageSource, itemTfms: readonly ItemTransform[], train: boolean, rng: Rng): Promise<RGBImage> {
  let image = await loadImage(src);
  try {
    for (const t of itemTfms) image = await t.apply(image, { train, rng });
  } catch (e) {
    if (e instanceof ImageReadError || e instanceof RangeError) throw e;
    throw new ImageReadError(sourceName(src), `${itemTfms.map((t) => t.name).join(', ')} failed (${(e as Error).message})`);
  }
  return image;
}

/**
 * Decodes a pair: both images get the item transforms with the same random draws.
 * @example
 * ```ts
 * const { a, b } = await loadPair({ a: 'x.png', b: 'y.png', same: false }, [new Resize(32)], false, new Rng(0));
 * ```
 */
export async function loadPair(pair: { a: ImageSource; b: ImageSource; same: boolean }, itemTfms: readonly ItemTransform[], train: boolean, rng: Rng): Promise<PairSample> {
  const seed = rng.seed();
  const [a, b] = await Promise.all([loadItem(pair.a, itemTfms, train, new Rng(seed)), loadItem(pair.b, itemTfms, train, new Rng(seed))]);
  return { a, b, same: pair.same, pair: { a: pair.a, b: pair.b } };
}

/**
 * The pairs of a split: fixed (validation) or given per epoch (training pairs re-drawn by a sampler). The loader
 * tells the dataset which epoch it is about to run ({@link PairDataset.setEpoch}).
 * @example
 * ```ts
 * const ds = new PairDataset((epoch) => sampler.pairs(epoch), [new Resize(32)], { train: true, seed: 0 });
 * ```
 */
export class PairDataset implements Dataset<PairSample> {
  readonly train: boolean;
  private readonly rng: Rng;
  private current: readonly ImagePair[];
  constructor(
    readonly pairsFor: (epoch: number) => readonly ImagePair[],
    readonly itemTfms: readonly ItemTransform[],
    opts: { train?: boolean; seed?: number } = {},
  ) {
    this.train = opts.train ?? false;
    this.rng = new Rng(opts.seed ?? randomSeed());
    this.current = pairsFor(0);
  }

  /** Switches to the pairs of `epoch`. */
  setEpoch(epoch: number): void {
    this.current = this.pairsFor(epoch);
  }

  /** The pairs in use. */
  get pairs(): readonly ImagePair[] {
    return this.current;
  }

  get length(): number {
    return this.current.length;
  }

  get(i: number): Promise<PairSample> {
    if (!(i >= 0 && i < this.current.length)) throw new RangeError(`PairDataset: index ${i} out of range (${this.current.length} pairs)`);
    return loadPair(this.current[i], this.itemTfms, this.train, new Rng(this.rng.seed()));
  }
}

/**
 * Stacks pair samples into `{ x: [imagesA, imagesB] (float32 NHWC, 0–1), y: int32 (1 = same, 0 = different) }`.
 * @example
 * ```ts
 * const { x: [a, b], y } = collatePairs([await ds.get(0), await ds.get(1)]);
 * ```
 */
export function collatePairs(samples: readonly PairSample[]): Batch {
  const side = (k: 'a' | 'b') => collateImages(samples.map((s) => ({ image: s[k], label: s.same ? 1 : 0, source: s.pair[k] })));
  const a = side('a');
  const b = side('b');
  tf.dispose(b.y);
  return { x: [a.x[0], b.x[0]], y: a.y };
}

/**
 * Runs the batch transforms on both image batches with the same random draws (image `i` of A and of B get the
 * same flip, rotation, warp and lighting). The caller keeps `x`; returns new tensors (or the same ones if no
 * transform ran).
 * @example
 * ```ts
 * const [ta, tb] = pairBatchTfms([a, b], dls.batchTfms, true, new Rng(0));
 * ```
 */
export function pairBatchTfms(x: readonly tf.Tensor[], tfms: readonly BatchTransform[], train: boolean, rng: Rng): tf.Tensor[] {
  const seed = rng.seed();
  return x.map((t) => applyBatchTfms(t as tf.Tensor4D, tfms, { train, rng: new Rng(seed) }));
}

/** Options of {@link PairDataLoader}. */
export interface PairDataLoaderOptions {
  bs?: number;
  shuffle?: boolean;
  dropLast?: boolean;
  seed?: number;
  prefetch?: number;
  /** The batch transforms, read at every batch (so a Normalize added later applies). */
  batchTfms: () => readonly BatchTransform[];
}

/**
 * A {@link DataLoader} of pairs: switches the dataset to the epoch's pairs, shuffles them (seeded), collates and runs
 * the batch transforms (augmentation only on the training set).
 * @example
 * ```ts
 * const dl = new PairDataLoader(ds, { bs: 64, shuffle: true, seed: 0, batchTfms: () => [] });
 * for await (const { x: [a, b], y } of dl) { … }
 * ```
 */
export class PairDataLoader extends DataLoader<PairSample> {
  private readonly augRng: Rng;
  constructor(
    readonly ds: PairDataset,
    private readonly pairOpts: PairDataLoaderOptions,
  ) {
    const { batchTfms: _b, ...rest } = pairOpts;
    const shuffle = rest.shuffle ?? false;
    super(ds, {
      ...rest,
      collate: collatePairs,
      order: (epoch, rng) => {
        ds.setEpoch(epoch);
        return shuffle ? rng.permutation(ds.length) : Array.from({ length: ds.length }, (_, i) => i);
      },
    });
    this.augRng = new Rng((pairOpts.seed ?? randomSeed()) + 7919);
  }

  /** The batch transforms in use. */
  get batchTfms(): readonly BatchTransform[] {
    return this.pairOpts.batchTfms();
  }

  override async makeBatch(indices: number[]): Promise<Batch> {
    const rng = new Rng(this.augRng.seed());
    const items = await Promise.all(indices.map((i) => this.ds.get(i)));
    const b = collatePairs(items);
    const x = pairBatchTfms(b.x, this.batchTfms, this.ds.train, rng);
    b.x.forEach((t, i) => {
      if (x[i] !== t) t.dispose();
    });
    return { x, y: b.y };
  }
}
