// SiameseDataLoaders: pairs of images from a folder of classes or from a pairs CSV. Training pairs are re-drawn
// every epoch (half same-class, seeded); validation pairs are fixed.
import * as tf from '@tensorflow/tfjs-core';
import { Rng, asTable, grandparentSplitter, parentLabel, type TableLike } from '@tfai/core';
import { ready } from '@tfai/core/backend';
import type { TfmdLists } from '@tfai/core/data';
import type { Batch } from '@tfai/core';
import { batchToImages, getImageFiles, isImageSource, VisionDataLoaders } from '@tfai/vision';
import { batchTfmFromJSON, decodeBatchTfms, itemTfmFromJSON, Resize } from '@tfai/vision/augment';
import { drawSeed, visionLoaderOptions } from '@tfai/vision/internal';
import type { GridTile, ImageGridOptions, ImageSource, RGBImage } from '@tfai/vision';
import type { BatchTfmSpec, BatchTransform, ItemTfmSpec, ItemTransform, Size } from '@tfai/vision/augment';
import { SiameseDataError, SiameseInputError } from '../errors.js';
import { PairDataLoader, PairDataset, type SourcePair } from './pair-dataset.js';
import { pairRowsFromTable, readPairsCsv, type PairRow, type ReadPairsCsvOptions } from './pairs-csv.js';
import { PairSampler, drawPairs, type ImagePair, type LabelledImage } from './pairs.js';

/** The classes of the target: index 0 is "different", 1 is "same" (the book's boolean as a class index). */
export const SIAMESE_VOCAB: readonly string[] = ['different', 'same'];

/** Options shared by every way of making {@link SiameseDataLoaders}. */
export interface SiameseDataLoadersOptions {
  /** Batch size (default 64). */
  bs?: number;
  /** Seed of the pair draws, shuffling and augmentation (default: random). */
  seed?: number;
  /** Size every image is resized to, as the book's `Resize(224)` (default 224). Ignored if `itemTfms` is given. */
  size?: Size;
  /** Item transforms of both images (default `[new Resize(size)]`). Give one that makes every image the same size. */
  itemTfms?: ItemTransform[];
  /** Batch transforms of both images: augmentation (training only) and `Normalize`. Default none. */
  batchTfms?: BatchTransform[];
  /** Batches prepared ahead (default 2). */
  prefetch?: number;
}

/** Options of {@link SiameseDataLoaders.fromFolder}. */
export interface FromFolderOptions extends SiameseDataLoadersOptions {
  /** Training and validation folder names under `path` (defaults `train` and `valid`). */
  train?: string;
  /** Validation folder name under `path` (default `valid`). */
  valid?: string;
  /** The class of a file (default: its parent folder, fastai's `parent_label`). */
  labelFunc?: (file: string) => string;
}

/** Options of {@link SiameseDataLoaders.fromCsv}. */
export interface FromCsvOptions extends SiameseDataLoadersOptions, ReadPairsCsvOptions {
  /**
   * Re-draw the training pairs every epoch (default true): each training row's `img_a` is paired anew with an image
   * of the training rows, of its class or another, using `labelFunc`. False uses the CSV's training pairs as they
   * are (shuffled each epoch). Validation pairs are always the CSV's.
   */
  redraw?: boolean;
  /** The class of an image file, for re-drawing (default: its parent folder). Must agree with the CSV's `same`. */
  labelFunc?: (file: string) => string;
}

/** Where the training pairs of {@link SiameseDataLoaders.fromPairs} come from. */
export type TrainPairs =
  | readonly ImagePair[]
  | {
      /** The images paired anew each epoch, one pair per anchor (see {@link PairSampler}). */
      anchors: readonly LabelledImage[];
      /** The images partners are drawn from, by class. */
      pool: readonly LabelledImage[];
    }
  | {
      /** The training pairs of an epoch (called once per epoch). */
      pairsFor: (epoch: number) => readonly ImagePair[];
    };

/** What an export keeps of the data: the item and batch transforms inference needs. */
export interface SiameseDataJSON {
  /** The item transforms' JSON, rebuilt and run in validation mode at inference. */
  itemTfms: ItemTfmSpec[];
  /** The batch transforms inference needs (Normalize); augmentations are dropped. */
  batchTfms: BatchTfmSpec[];
}

/** The two images of an item to predict; anything else is a clear error. */
function asPair(item: unknown, i: number): [ImageSource, ImageSource] {
  const where = i ? ` (item ${i})` : '';
  if (!Array.isArray(item))
    throw new SiameseInputError(
      `a Siamese model compares two images: pass [imageA, imageB]${where}, got ${isImageSource(item) ? 'one image' : typeof item}`,
    );
  if (item.length !== 2)
    throw new SiameseInputError(
      `a Siamese model compares two images: pass [imageA, imageB]${where}, got ${item.length} image${item.length === 1 ? '' : 's'}`,
    );
  item.forEach((x, k) => {
    if (!isImageSource(x))
      throw new SiameseInputError(
        `image ${k === 0 ? 'A' : 'B'}${where} must be a file path or the bytes of an image, got ${typeof x}`,
      );
  });
  return [item[0] as ImageSource, item[1] as ImageSource];
}

/**
 * Training and validation loaders of image pairs for a Siamese model. Each batch is `x: [imagesA, imagesB]` (NHWC
 * float32) and `y`: 1 if the two images show the same class, 0 otherwise (vocab `['different', 'same']`), for
 * cross-entropy as the book does.
 * @example
 * ```ts
 * const dls = await SiameseDataLoaders.fromFolder('data/fashion_mnist', { size: 28, bs: 64, seed: 42 });
 * const dls2 = await SiameseDataLoaders.fromCsv('data/fashion_mnist/siamese_pairs.csv', { size: 28 });
 * ```
 */
export class SiameseDataLoaders extends VisionDataLoaders<PairDataLoader> {
  /** Both pictures of a pair side by side per tile. */
  constructor(
    train: PairDataLoader,
    valid: PairDataLoader,
    itemTfms: readonly ItemTransform[],
    batchTfms: BatchTransform[],
  ) {
    super(train, valid, itemTfms, batchTfms, { vocab: [...SIAMESE_VOCAB], c: 2 });
  }

  /**
   * From training pairs (fixed, or anchors and a pool to re-draw pairs from every epoch) and fixed validation pairs.
   * @example
   * ```ts
   * const dls = SiameseDataLoaders.fromPairs({ anchors: imgs, pool: imgs }, validPairs, { size: 32, seed: 0 });
   * ```
   */
  static fromPairs(
    train: TrainPairs,
    valid: readonly ImagePair[],
    opts: SiameseDataLoadersOptions = {},
    source = 'pairs',
  ): SiameseDataLoaders {
    const seed = opts.seed ?? drawSeed();
    const itemTfms = opts.itemTfms ?? [new Resize(opts.size ?? 224)];
    const bs = opts.bs ?? 64;
    let pairsFor: (epoch: number) => readonly ImagePair[];
    if ('anchors' in train) {
      const sampler = new PairSampler(train.anchors, train.pool, seed, source);
      pairsFor = (epoch) => sampler.pairs(epoch);
    } else if ('pairsFor' in train) {
      pairsFor = train.pairsFor;
    } else {
      const fixed = [...train];
      pairsFor = () => fixed;
    }
    if (!pairsFor(0).length) throw new SiameseDataError(source, 'no training pairs');
    if (!valid.length) throw new SiameseDataError(source, 'no validation pairs');
    // One array shared by the loaders and the SiameseDataLoaders, so a Normalize added later applies.
    const batchTfms = [...(opts.batchTfms ?? [])];
    const o = visionLoaderOptions(batchTfms, { bs, prefetch: opts.prefetch, seeds: [seed + 2, seed + 4] });
    const trainDl = new PairDataLoader(new PairDataset(pairsFor, itemTfms, { train: true, seed: seed + 1 }), o.train);
    const validDl = new PairDataLoader(
      new PairDataset(() => valid, itemTfms, { train: false, seed: seed + 3 }),
      o.valid,
    );
    return new SiameseDataLoaders(trainDl, validDl, itemTfms, batchTfms);
  }

  /**
   * The book's mid-level route: a `TfmdLists` (`@tfai/core/data`) whose pipeline makes each item an
   * {@link ImagePair} (the chapter's `SiameseTransform`), split as the list was. Training pairs are read from the list
   * again every epoch (a transform that draws a new partner on each call re-draws them, as in fastai); validation
   * pairs are read once.
   * @example
   * ```ts
   * const tls = new TfmdLists(files, [new SiameseTransform(files, labelOf, splits)], { splits });
   * const dls = SiameseDataLoaders.fromTfmdLists(tls, { size: 64, bs: 16 });
   * ```
   */
  static fromTfmdLists(tls: TfmdLists, opts: SiameseDataLoadersOptions = {}): SiameseDataLoaders {
    const read = (tl: TfmdLists): ImagePair[] =>
      Array.from({ length: tl.length }, (_, i) => {
        const p = tl.get(i) as Partial<ImagePair> | null;
        if (!p || !isImageSource(p.a) || !isImageSource(p.b) || typeof p.same !== 'boolean')
          throw new SiameseInputError(
            `fromTfmdLists: item ${i}: the pipeline must make { a, b, same } (two images and a boolean), got ${JSON.stringify(p)}`,
          );
        return p as ImagePair;
      });
    const [train, valid] = [tls.train, tls.valid];
    let epoch = -1;
    let pairs: ImagePair[] = [];
    const pairsFor = (e: number) => {
      if (e !== epoch) [epoch, pairs] = [e, read(train)];
      return pairs;
    };
    return SiameseDataLoaders.fromPairs({ pairsFor }, read(valid), opts, 'TfmdLists');
  }

  /**
   * From a folder of classes, `<path>/<train|valid>/<class>/<image>` (as the image sets of @tfai/datasets): every training
   * image is an anchor whose partner is re-drawn each epoch; validation pairs are drawn once from the validation
   * images, one per image, half of them "same".
   * @example
   * ```ts
   * const dls = await SiameseDataLoaders.fromFolder('data/tux_photos', { size: 64, bs: 16, seed: 0 });
   * ```
   */
  static async fromFolder(path: string, opts: FromFolderOptions = {}): Promise<SiameseDataLoaders> {
    await ready(); // the best backend before any tensor (not tfjs's pure-JS default)
    const trainName = opts.train ?? 'train';
    const validName = opts.valid ?? 'valid';
    const labelFunc = opts.labelFunc ?? parentLabel;
    const files = await getImageFiles(path, { folders: [trainName, validName] });
    const split = grandparentSplitter(files, trainName, validName);
    const images = (idx: number[]) => idx.map((i) => ({ file: files[i], label: labelFunc(files[i]) }));
    const train = images(split.train);
    const valid = images(split.valid);
    if (!train.length) throw new SiameseDataError(path, `no images in ${trainName}/<class>/`);
    if (!valid.length) throw new SiameseDataError(path, `no images in ${validName}/<class>/`);
    const seed = opts.seed ?? drawSeed();
    const validPairs = drawPairs(valid, valid, new Rng(seed + 5), `${path}/${validName}`);
    return SiameseDataLoaders.fromPairs(
      { anchors: train, pool: train },
      validPairs,
      { ...opts, seed },
      `${path}/${trainName}`,
    );
  }

  /**
   * From a pairs CSV with columns `img_a,img_b,same,is_valid` (paths relative to the CSV's folder, or `root`).
   * Validation pairs are the CSV's; training pairs are re-drawn every epoch from the training rows' images (see
   * `redraw`). A missing image is an error naming the CSV line and the file.
   * @example
   * ```ts
   * const dls = await SiameseDataLoaders.fromCsv('data/fashion_mnist/siamese_pairs.csv', { size: 28, seed: 0 });
   * ```
   */
  static async fromCsv(csv: string, opts: FromCsvOptions = {}): Promise<SiameseDataLoaders> {
    await ready(); // the best backend before any tensor (not tfjs's pure-JS default)
    return SiameseDataLoaders.fromPairRows(await readPairsCsv(csv, opts), opts, csv);
  }

  /**
   * {@link fromCsv} from a table already read: any core `Table` (core's `readCsv` result, tabular's `DataFrame`,
   * records) with the pairs CSV's columns; image paths are relative to `opts.root` (default the working folder).
   * @example
   * ```ts
   * const t = await readCsv('data/fashion_mnist/siamese_pairs.csv');
   * const dls = await SiameseDataLoaders.fromDf(t, { root: 'data/fashion_mnist', size: 28 });
   * ```
   */
  static async fromDf(df: TableLike, opts: FromCsvOptions = {}): Promise<SiameseDataLoaders> {
    await ready(); // the best backend before any tensor (not tfjs's pure-JS default)
    const table = asTable(df);
    return SiameseDataLoaders.fromPairRows(await pairRowsFromTable(table, opts), opts, table.source);
  }

  private static fromPairRows(rows: PairRow[], opts: FromCsvOptions, csv: string): SiameseDataLoaders {
    const trainRows = rows.filter((r) => !r.isValid);
    const valid = rows.filter((r) => r.isValid).map(({ a, b, same }) => ({ a, b, same }));
    if (!trainRows.length) throw new SiameseDataError(csv, 'no training rows (every is_valid is true)');
    if (!valid.length) throw new SiameseDataError(csv, 'no validation rows (every is_valid is false)');
    if (!(opts.redraw ?? true))
      return SiameseDataLoaders.fromPairs(
        trainRows.map(({ a, b, same }) => ({ a, b, same })),
        valid,
        opts,
        csv,
      );
    const labelFunc = opts.labelFunc ?? parentLabel;
    for (const r of trainRows) {
      const [la, lb] = [labelFunc(r.a), labelFunc(r.b)];
      if ((la === lb) !== r.same)
        throw new SiameseDataError(
          csv,
          `line ${r.line}: same is ${r.same ? 'True' : 'False'} but the images' classes are '${la}' and '${lb}'; to re-draw pairs the classes must agree with the CSV (pass labelFunc), or pass redraw: false`,
        );
    }
    const pool = new Map<string, LabelledImage>();
    for (const r of trainRows)
      for (const f of [r.a, r.b]) if (!pool.has(f)) pool.set(f, { file: f, label: labelFunc(f) });
    const anchors = trainRows.map((r) => pool.get(r.a)!);
    return SiameseDataLoaders.fromPairs({ anchors, pool: [...pool.values()] }, valid, opts, csv);
  }

  /**
   * Loaders with no data, only the item and batch transforms: what `loadLearner` needs to predict.
   * @example
   * ```ts
   * const dls = SiameseDataLoaders.forInference(desc); // dls.encodeItems([[a, b]])
   * ```
   */
  static forInference(json: SiameseDataJSON): SiameseDataLoaders {
    const itemTfms = json.itemTfms.map(itemTfmFromJSON);
    const batchTfms = json.batchTfms.map(batchTfmFromJSON);
    const empty = () =>
      new PairDataLoader(new PairDataset(() => [], itemTfms, { seed: 0 }), {
        bs: 1,
        seed: 0,
        batchTfms: () => batchTfms,
      });
    return new SiameseDataLoaders(empty(), empty(), itemTfms, batchTfms);
  }

  /** The transforms an export keeps (augmentations are dropped: inference does not use them). */
  toJSON(): SiameseDataJSON {
    return this.transformSpecs();
  }

  /** Pairs `[imageA, imageB]` to predict as a validation dataset; one image instead of two is an error. */
  protected testDataset(items: readonly unknown[]): PairDataset<SourcePair> {
    const pairs = items.map((it, i) => asPair(it, i));
    if (!pairs.length) throw new SiameseInputError('no pairs to encode');
    const list = pairs.map(([a, b]) => ({ a, b, same: false }));
    return new PairDataset(() => list, this.itemTfms, { train: false, seed: 0 });
  }

  /**
   * Encodes pairs `[imageA, imageB]` (paths or image bytes) as the validation set is encoded: `[imagesA, imagesB]`.
   * Images of different sizes are resized by the item transforms; one image instead of two is an error.
   * @example
   * ```ts
   * const [a, b] = await dls.encodeItems([['x.png', 'y.png']]);
   * ```
   */
  override encodeItems(items: unknown[]): Promise<tf.Tensor[]> {
    return super.encodeItems(items);
  }

  /**
   * The displayable pixels of a batch: both images of each pair (batch transforms undone), side by side.
   * @example
   * ```ts
   * const images = await dls.pairImages(batch.x);
   * ```
   */
  async pairImages(x: readonly tf.Tensor[]): Promise<RGBImage[]> {
    const [a, b] = x.map((t) => decodeBatchTfms(t as tf.Tensor4D, this.batchTfms));
    const side = tf.tidy(() => {
      const gap = tf.ones([a.shape[0], a.shape[1], Math.max(2, Math.round(a.shape[2] / 16)), 3]);
      return tf.concat([a, gap, b], 2) as tf.Tensor4D;
    });
    tf.dispose([a, b]);
    try {
      return await batchToImages(side);
    } finally {
      side.dispose();
    }
  }

  /** Each pair side by side, captioned with its target. */
  protected async showTiles(b: Batch, n: number): Promise<GridTile[]> {
    const images = (await this.pairImages(b.x)).slice(0, n);
    const ys = Array.from(await b.y.data()).slice(0, n);
    return images.map((image, i) => ({ image, lines: [{ text: SIAMESE_VOCAB[ys[i]] }] }));
  }

  protected override showGrid(): ImageGridOptions {
    return { tileSize: 160 };
  }
}
