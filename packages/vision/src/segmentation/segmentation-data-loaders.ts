// fastai's `SegmentationDataLoaders`: images with integer masks (`from_label_func`), plus a folder-pair
// convenience for `images/` + `labels/` datasets with a codes file and an `is_valid` column.
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '@tfai/core/backend';
import type { Batch } from '@tfai/core';
import { batchTfmFromJSON, itemTfmFromJSON } from '../augment/from-json.js';
import type { BatchTfmSpec, BatchTransform } from '../augment/batch-transform.js';
import type { ItemTfmSpec, ItemTransform } from '../augment/item-transform.js';
import { readCsvRecords } from '../data/csv.js';
import { ImageDataError } from '../data/errors.js';
import type { GridTile, ImageGridOptions } from '../data/image-grid.js';
import { isImageSource, type ImageSource, type RGBImage } from '../data/image.js';
import { parseFlag } from '@tfai/core';
import { getImageFiles, randomSplitter, type Split } from '../data/items.js';
import { maskToRGB } from '../data/mask.js';
import { readCodes } from './codes.js';
import { SegmentationDataLoader, SegmentationDataset } from './segmentation-dataset.js';
import {
  imageSources,
  VisionDataLoaders,
  visionLoaderOptions,
  type VisionShowOptions,
} from '../data/vision-data-loaders.js';
import { basename, join } from '@tfai/core/internal';

/** Options shared by the {@link SegmentationDataLoaders} factories. */
export interface SegmentationDataLoadersOptions {
  /** Class names, index = mask value (fastai's `codes`). Mask values must be below `codes.length`. */
  codes?: string[];
  /** Per-item transforms applied to image and mask alike: `Resize` or `RandomResizedCrop`. */
  itemTfms?: ItemTransform[];
  /** Per-batch transforms: `augTransforms()` (geometric ones warp the mask too, lighting does not), `Normalize`. */
  batchTfms?: BatchTransform[];
  /** Batch size (default 64). */
  bs?: number;
  /** Validation batch size (default `bs`). */
  valBs?: number;
  /** Seed of the shuffling, of the random transforms and of a `validPct` split. */
  seed?: number;
  /** Batches prepared ahead (default 2). */
  prefetch?: number;
}

/** What inference-only loaders need: the codes and the deterministic transforms. */
export interface SegmentationInferenceSpec {
  /** Class names, index = mask value (fastai's `codes`). */
  codes: string[];
  /** The item transforms' JSON, rebuilt and run in validation mode at inference. */
  itemTfms: ItemTfmSpec[];
  /** The batch transforms inference needs (Normalize); augmentations are dropped. */
  batchTfms: BatchTfmSpec[];
}

/** Options of {@link SegmentationDataLoaders.showBatch} (every vision DataLoaders' {@link VisionShowOptions}; 6 items by default). */
export type SegmentationShowOptions = VisionShowOptions;

/**
 * fastai's `SegmentationDataLoaders`: images (NHWC float32, 0–1) and their class maps (int32 `[n, h, w]`), the
 * mask resized with nearest neighbour and warped with its image. `vocab` is the codes.
 * @example
 * ```ts
 * const dls = await SegmentationDataLoaders.fromFolders(datasets.path('brain_aal'), {
 *   labels: 'labels_lobes', codesFile: 'codes_lobes.txt', csv: 'slices.csv', itemTfms: [new Resize(64)], bs: 16,
 * });
 * ```
 */
export class SegmentationDataLoaders extends VisionDataLoaders<SegmentationDataLoader> {
  /** Class names, index = mask value (fastai's `codes`). */
  readonly codes: string[];
  /** The codes again, as every DataLoaders' `vocab`. */
  declare readonly vocab: string[];
  protected override readonly showMaxN = 6;

  constructor(
    trainDs: SegmentationDataset,
    validDs: SegmentationDataset,
    codes: string[],
    opts: SegmentationDataLoadersOptions = {},
  ) {
    const batchTfms = [...(opts.batchTfms ?? [])];
    const seed = opts.seed;
    const o = visionLoaderOptions(batchTfms, { ...opts, seeds: [seed, seed === undefined ? undefined : seed + 1] });
    super(
      new SegmentationDataLoader(trainDs, o.train),
      new SegmentationDataLoader(validDs, o.valid),
      trainDs.itemTfms,
      batchTfms,
      { vocab: codes, c: codes.length },
    );
    this.codes = codes;
  }

  /**
   * From image and mask lists and a split (the other factories end here). `codes` is required.
   * @example
   * ```ts
   * const dls = SegmentationDataLoaders.fromLists(images, masks, { train: [0, 1], valid: [2] }, { codes: ['bg', 'fg'] });
   * ```
   */
  static fromLists(
    images: ImageSource[],
    masks: ImageSource[],
    split: Split,
    opts: SegmentationDataLoadersOptions = {},
  ): SegmentationDataLoaders {
    if (images.length !== masks.length) throw new ImageDataError(`${images.length} images but ${masks.length} masks`);
    const codes = opts.codes;
    if (!codes?.length)
      throw new ImageDataError(
        'segmentation data needs its codes (the class names, index = mask value): pass codes or a codes file',
      );
    if (!split.train.length) throw new ImageDataError('no training images');
    if (!split.valid.length)
      throw new ImageDataError('no validation images: give a validation column, validFunc or validPct');
    images.forEach((it, i) => {
      if (!isImageSource(it)) throw new ImageDataError(`item ${i} is not an image path or buffer`);
    });
    const itemTfms = opts.itemTfms ?? [];
    const seed = opts.seed;
    const pick = <T>(xs: T[], idx: number[]) => idx.map((i) => xs[i]);
    const trainDs = new SegmentationDataset(pick(images, split.train), pick(masks, split.train), itemTfms, {
      train: true,
      seed,
      nCodes: codes.length,
    });
    const validDs = new SegmentationDataset(pick(images, split.valid), pick(masks, split.valid), itemTfms, {
      train: false,
      seed: seed === undefined ? undefined : seed + 3,
      nCodes: codes.length,
    });
    return new SegmentationDataLoaders(trainDs, validDs, codes, opts);
  }

  /**
   * fastai's `SegmentationDataLoaders.from_label_func(path, fnames, label_func, codes=…)`: the mask of each image is
   * `labelFunc(file)`; a random `validPct` split (default 0.2), or `validFunc(file)` true for validation items.
   * @example
   * ```ts
   * const files = await getImageFiles('data/images');
   * const dls = await SegmentationDataLoaders.fromLabelFunc('data', files, (f) => f.replace('/images/', '/labels/'), { codes, itemTfms: [new Resize(64)] });
   * ```
   */
  static async fromLabelFunc(
    path: string,
    fnames: string[],
    labelFunc: (file: string) => string,
    opts: SegmentationDataLoadersOptions & { validPct?: number; validFunc?: (file: string) => boolean } = {},
  ): Promise<SegmentationDataLoaders> {
    await ready(); // the best backend before any tensor (not tfjs's pure-JS default)
    const files = fnames.map((f) =>
      path && path !== '.' && !f.startsWith('/') && !f.startsWith(path) ? join(path, f) : f,
    );
    if (!files.length) throw new ImageDataError(`${path}: no images given`);
    let split: Split;
    if (opts.validFunc) {
      split = { train: [], valid: [] };
      files.forEach((f, i) => (opts.validFunc!(f) ? split.valid : split.train).push(i));
    } else split = randomSplitter(files.length, opts.validPct ?? 0.2, opts.seed);
    return SegmentationDataLoaders.fromLists(files, files.map(labelFunc), split, opts);
  }

  /**
   * The folder-pair layout: images in `<path>/<images>/`, masks of the same file name in `<path>/<labels>/`, codes
   * in `<path>/<codesFile>` (unless `codes` is given), the split from a CSV (`name` and `is_valid` columns) or a
   * random `validPct`.
   * @example
   * ```ts
   * const dls = await SegmentationDataLoaders.fromFolders(datasets.path('tux_seg'), { csv: 'pairs.csv', itemTfms: [new Resize(64)], bs: 16 });
   * dls.codes; // ['background', 'mammal', 'bird', …]
   * ```
   */
  static async fromFolders(
    path: string,
    opts: SegmentationDataLoadersOptions & {
      images?: string;
      labels?: string;
      codesFile?: string;
      csv?: string;
      nameCol?: string;
      validCol?: string;
      validPct?: number;
    } = {},
  ): Promise<SegmentationDataLoaders> {
    await ready(); // the best backend before any tensor (not tfjs's pure-JS default)
    const imgDir = join(path, opts.images ?? 'images');
    const lblDir = join(path, opts.labels ?? 'labels');
    const codes = opts.codes ?? (await readCodes(join(path, opts.codesFile ?? 'codes.txt')));
    const files = await getImageFiles(imgDir, { recurse: false });
    if (!files.length) throw new ImageDataError(`${imgDir}: no image files found`);
    let validFunc: ((f: string) => boolean) | undefined;
    if (opts.csv) {
      const csvFile = join(path, opts.csv);
      const rows = await readCsvRecords(csvFile);
      const nameCol = opts.nameCol ?? 'name';
      const validCol = opts.validCol ?? 'is_valid';
      if (rows.length && (!(nameCol in rows[0]) || !(validCol in rows[0])))
        throw new ImageDataError(
          `${csvFile}: needs columns '${nameCol}' and '${validCol}' (has ${Object.keys(rows[0]).join(', ')})`,
        );
      const valid = new Map(
        rows.map((r, i) => {
          const f = parseFlag(r[validCol]);
          if (f === undefined)
            throw new ImageDataError(
              `${csvFile}: column '${validCol}', row ${i + 1}: not a boolean (True/False, 1/0), got ${JSON.stringify(r[validCol])}`,
            );
          return [r[nameCol], f];
        }),
      );
      for (const f of files)
        if (!valid.has(basename(f))) throw new ImageDataError(`${csvFile}: no row for image ${basename(f)}`);
      validFunc = (f) => valid.get(basename(f)) ?? false;
    }
    return SegmentationDataLoaders.fromLabelFunc('', files, (f) => join(lblDir, basename(f)), {
      ...opts,
      codes,
      validFunc,
    });
  }

  /**
   * Loaders with no data, for inference after `loadLearner`: `encodeItems` decodes, resizes and normalises images
   * as the exported learner's validation set did.
   * @example
   * ```ts
   * const dls = SegmentationDataLoaders.forInference({ codes: ['bg', 'fg'], itemTfms: [new Resize(64).toJSON()], batchTfms: [] });
   * ```
   */
  static forInference(spec: SegmentationInferenceSpec): SegmentationDataLoaders {
    const itemTfms = spec.itemTfms.map(itemTfmFromJSON);
    const ds = () => new SegmentationDataset([], [], itemTfms, { train: false, seed: 0 });
    return new SegmentationDataLoaders(ds(), ds(), [...spec.codes], {
      batchTfms: spec.batchTfms.map(batchTfmFromJSON),
      seed: 0,
    });
  }

  /** What {@link SegmentationDataLoaders.forInference} needs to rebuild the validation pipeline. */
  inferenceSpec(): SegmentationInferenceSpec {
    return { codes: [...this.codes], ...this.transformSpecs() };
  }

  /** New images (paths or bytes) as a validation dataset without masks. */
  protected testDataset(items: readonly unknown[], where: 'testDl' | 'encodeItems'): SegmentationDataset {
    return new SegmentationDataset(imageSources(items, where), undefined, this.itemTfms, { train: false, seed: 0 });
  }

  /** Class maps `[n, h, w]` as coloured pictures (the codes' colour map). */
  async masksToImages(y: tf.Tensor): Promise<RGBImage[]> {
    const [n, h, w] = y.shape as [number, number, number];
    const data = await y.data();
    return Array.from({ length: n }, (_, i) =>
      maskToRGB({ data: data.subarray(i * h * w, (i + 1) * h * w), width: w, height: h }, this.codes.length),
    );
  }

  /** Each image beside its mask (coloured by class). */
  protected async showTiles(b: Batch, n: number): Promise<GridTile[]> {
    const [x, y] = tf.tidy(() => [tf.slice(b.x[0], 0, n), tf.slice(b.y, 0, n)]);
    try {
      const [images, masks] = await Promise.all([this.decodeBatch(x), this.masksToImages(y)]);
      return images.flatMap((image, i) => [
        { image, lines: [{ text: 'image' }] },
        { image: masks[i], lines: [{ text: 'mask' }] },
      ]);
    } finally {
      tf.dispose([x, y]);
    }
  }

  protected override showGrid(): ImageGridOptions {
    return { ncols: 2 };
  }
}
