// fastai's `ImageDataLoaders` factories: images + class labels from folders, file names, or a labels table.
import * as tf from '@tensorflow/tfjs-core';
import { bceWithLogitsLossFlat, progressBar, colSplitter, mseLossFlat, asTable, type TableLike } from '@tfai/core';
import type { Loss } from '@tfai/core';
import { ready } from '@tfai/core/backend';
import type { Batch } from '@tfai/core';
import type { BatchTfmSpec, BatchTransform } from '../augment/batch-transform.js';
import { batchTfmFromJSON, itemTfmFromJSON } from '../augment/from-json.js';
import type { ItemTfmSpec, ItemTransform } from '../augment/item-transform.js';
import { readCsvRecords } from './csv.js';
import { ImageDataError, ImageReadError } from './errors.js';
import {
  declaredPixels,
  isImageSource,
  loadImage,
  mapWithPixelBudget,
  SCAN_PIXEL_BUDGET,
  sourceName,
  type ImageSource,
} from './image.js';
import { ImageDataLoader, ImageDataset } from './image-dataset.js';
import { ImageBlock } from './image-block.js';
import { CategoryBlock, DataBlock } from '@tfai/core/data';
import type { VisionTarget } from './sample.js';
import { drawPoints } from './draw-points.js';
import type { GridTile } from './image-grid.js';
import { getImageFiles, grandparentSplitter, parentLabel, randomSplitter, regexLabel, type Split } from './items.js';
import { imageSources, VisionDataLoaders, visionLoaderOptions, type VisionShowOptions } from './vision-data-loaders.js';
import { basename, join, readdir, stat } from '@tfai/core/internal';

/** Options shared by every {@link ImageDataLoaders} factory. */
export interface ImageDataLoadersOptions {
  /** Per-image transforms (sharp), e.g. `[new Resize(64)]`. Needed unless all images have one size. */
  itemTfms?: ItemTransform[];
  /** Per-batch transforms (tf ops), e.g. `augTransforms()` and `Normalize.fromStats(…)`. */
  batchTfms?: BatchTransform[];
  /** Batch size (default 64). */
  bs?: number;
  /** Validation batch size (default `bs`). */
  valBs?: number;
  /** Seed of the shuffling and of the random transforms (and of `validPct` splits). */
  seed?: number;
  /** Class names in index order; default the sorted labels of the training set. */
  vocab?: string[];
  /**
   * What to do with an image that is missing or cannot be decoded, and with an empty class folder: `'error'`
   * (default: an {@link ImageReadError} / {@link ImageDataError} naming it) or `'skip'` (checked up front by
   * decoding every image once; each skip is logged).
   */
  onBadImage?: 'error' | 'skip';
  /** Where skips are logged (default console.warn). */
  logger?: (line: string) => void;
  /** Batches prepared ahead (default 2). */
  prefetch?: number;
  /** Show a progress bar while images are checked or decoded up front (default true). */
  progress?: boolean;
}

/**
 * What an {@link ImageDataLoaders}' targets are when they are not class indices (a DataBlock's `MultiCategoryBlock`,
 * `RegressionBlock` or `PointBlock`): float32 `[n, c]` targets.
 */
export interface ImageTargetSpec {
  /** `'multiLabel'` (one-hot over the vocab), `'regression'` (`c` numbers) or `'points'` (`c / 2` (x, y) in [-1, 1]). */
  kind: 'multiLabel' | 'regression' | 'points';
  /** Values per item (the model's outputs). */
  c: number;
  /** Multi-label: the probability above which a label is predicted (default 0.5). */
  threshold?: number;
}

/** What an inference-only {@link ImageDataLoaders} needs: the class names and the deterministic transforms. */
export interface ImageInferenceSpec {
  /** Class names in index order: `vocab[i]` is the label of output `i`. */
  vocab: string[];
  /** The item transforms' JSON (Resize, RandomResizedCrop…), rebuilt and run in validation mode. */
  itemTfms: ItemTfmSpec[];
  /** The batch transforms inference needs (Normalize's mean and std); augmentations are not kept. */
  batchTfms: BatchTfmSpec[];
  /** The targets when they are not class indices (multi-label, regression, points). */
  target?: ImageTargetSpec;
}

/** The loss a target kind implies: BCEWithLogitsLossFlat for multi-label, MSELossFlat for numbers and points. */
function targetLoss(t: ImageTargetSpec): Loss {
  return t.kind === 'multiLabel' ? bceWithLogitsLossFlat({ threshold: t.threshold ?? 0.5 }) : mseLossFlat();
}

/** An exported target spec checked (export files are untrusted). */
function checkTargetSpec(t: unknown): ImageTargetSpec | undefined {
  if (t === undefined) return undefined;
  const o = t as Partial<ImageTargetSpec> | null;
  const ok =
    typeof o === 'object' &&
    o !== null &&
    ['multiLabel', 'regression', 'points'].includes(String(o.kind)) &&
    Number.isInteger(o.c) &&
    (o.c ?? 0) > 0 &&
    (o.threshold === undefined || (typeof o.threshold === 'number' && Number.isFinite(o.threshold)));
  if (!ok) throw new ImageDataError(`the export's data target ${JSON.stringify(t)} is not a target spec`);
  return { kind: o.kind!, c: o.c!, ...(o.threshold === undefined ? {} : { threshold: o.threshold }) };
}

/** Options of {@link ImageDataLoaders.showBatch} (every vision DataLoaders' {@link VisionShowOptions}). */
export type ShowBatchOptions = VisionShowOptions;

/** Options of {@link ImageDataLoaders.fromDf} and {@link ImageDataLoaders.fromCsv}: where files are, which columns. */
export interface ImageFromDfOptions extends ImageDataLoadersOptions {
  /** Subfolder of `path` the file names are relative to (fastai's `folder`; default none). */
  folder?: string;
  /** Suffix appended to every file name, e.g. `'.png'` (fastai's `suff`; default `''`). */
  suff?: string;
  /** File-name column, by index or name (fastai's `fn_col`; default 0). */
  fnCol?: number | string;
  /** Label column, by index or name (fastai's `label_col`; default 1). */
  labelCol?: number | string;
  /** Boolean column (`True`/`False`, `1`/`0`) marking validation rows, e.g. `'is_valid'` (fastai's `valid_col`); default none: a random split. */
  validCol?: number | string;
  /** Fraction of rows drawn at random for validation when there is no `validCol` (default 0.2, seeded by `seed`). */
  validPct?: number;
}

/**
 * fastai's `ImageDataLoaders`: training and validation loaders of labelled images, decoded and resized per item
 * with sharp, batched as NHWC float32 tensors (0–1), then transformed per batch with tf ops (augmentation on the
 * training set only). Build one with {@link ImageDataLoaders.fromFolder}, `fromNameRe`, `fromNameFunc`,
 * `fromPathFunc`, `fromDf` or `fromCsv`.
 * @example
 * ```ts
 * const dls = await ImageDataLoaders.fromFolder('fashion_mnist', { itemTfms: [new Resize(32)], batchTfms: augTransforms(), bs: 64 });
 * await dls.showBatch({ file: 'batch.png' });
 * ```
 */
export class ImageDataLoaders extends VisionDataLoaders<ImageDataLoader> {
  /** Class names in index order (the sorted training labels unless given): `vocab[i]` is output `i`. */
  declare readonly vocab: string[];
  /** The targets when they are not class indices (a DataBlock's multi-label, regression or point targets). */
  readonly target: ImageTargetSpec | undefined;

  constructor(
    trainDs: ImageDataset,
    validDs: ImageDataset,
    vocab: string[],
    opts: ImageDataLoadersOptions = {},
    target?: ImageTargetSpec,
  ) {
    const batchTfms = [...(opts.batchTfms ?? [])];
    const seed = opts.seed;
    const o = visionLoaderOptions(batchTfms, {
      ...opts,
      seeds: [seed, seed === undefined ? undefined : seed + 1],
      points: target?.kind === 'points',
    });
    super(new ImageDataLoader(trainDs, o.train), new ImageDataLoader(validDs, o.valid), trainDs.itemTfms, batchTfms, {
      vocab,
      c: target?.c ?? vocab.length,
      lossFunc: target && targetLoss(target),
    });
    this.target = target;
  }

  /**
   * From items, their float targets (one-hot label sets, numbers, points) and a split: what a DataBlock with a
   * `MultiCategoryBlock`, `RegressionBlock` or `PointBlock` target builds. Items are checked as `fromLists` does.
   * @example
   * ```ts
   * const dls = await ImageDataLoaders.fromTargets(files, oneHots, split, { vocab: ['a', 'b'], target: { kind: 'multiLabel', c: 2 } });
   * ```
   */
  static async fromTargets(
    items: ImageSource[],
    targets: VisionTarget[],
    split: Split,
    opts: ImageDataLoadersOptions & { target: ImageTargetSpec },
  ): Promise<ImageDataLoaders> {
    if (items.length !== targets.length)
      throw new ImageDataError(`${items.length} items but ${targets.length} targets`);
    const bad = await findBadImages(items, opts);
    const keep = (idx: number[]) => idx.filter((i) => !bad.has(i));
    const [train, valid] = [keep(split.train), keep(split.valid)];
    if (!train.length) throw new ImageDataError('no training images');
    if (!valid.length) throw new ImageDataError('no validation images: give a splitter that validates some items');
    const { target, ...rest } = opts;
    const seed = opts.seed;
    const ds = (idx: number[], train: boolean, s: number | undefined) =>
      new ImageDataset(
        idx.map((i) => items[i]),
        undefined,
        opts.itemTfms ?? [],
        { train, seed: s, targets: idx.map((i) => targets[i]) },
      );
    return new ImageDataLoaders(
      ds(train, true, seed),
      ds(valid, false, seed === undefined ? undefined : seed + 3),
      [...(opts.vocab ?? [])],
      rest,
      target,
    );
  }

  /**
   * fastai's `from_lists`: images and their labels as two paired lists, with a split (default a random `validPct`
   * split, 0.2, seeded by `seed`). It is this DataBlock: `ImageBlock` + `CategoryBlock`, `getX`/`getY` reading the
   * two lists, the split as splitter; the items are checked (see `onBadImage`) and the vocab comes from the training
   * labels. The other class factories end here too (as DataBlocks).
   * @example
   * ```ts
   * const dls = await ImageDataLoaders.fromLists(['a/1.png', 'b/2.png', 'a/3.png'], ['a', 'b', 'a'], { train: [0, 1], valid: [2] });
   * ```
   */
  static async fromLists(
    items: ImageSource[],
    labels: string[],
    split?: Split,
    opts: ImageDataLoadersOptions & { validPct?: number } = {},
  ): Promise<ImageDataLoaders> {
    await ready(); // the best backend before any tensor (not tfjs's pure-JS default)
    if (items.length !== labels.length) throw new ImageDataError(`${items.length} items but ${labels.length} labels`);
    // fastai's from_lists is this DataBlock: ImageBlock + CategoryBlock, get_x/get_y reading the paired lists,
    // RandomSplitter(valid_pct, seed) unless a split is given. Items are the list positions.
    const dblock = new DataBlock({
      blocks: [new ImageBlock(), new CategoryBlock({ vocab: opts.vocab })],
      getX: (i: number) => items[i],
      getY: (i: number) => labels[i],
      splitter: (idx: number[]) => split ?? randomSplitter(idx.length, opts.validPct ?? 0.2, opts.seed),
      itemTfms: opts.itemTfms,
      batchTfms: opts.batchTfms,
    });
    const { validPct: _p, itemTfms: _i, batchTfms: _b, ...rest } = opts;
    return (await dblock.dataloaders(
      Array.from({ length: items.length }, (_, i) => i),
      rest,
    )) as ImageDataLoaders;
  }

  /**
   * fastai's `from_folder`: images in `<path>/<train>/<class>/…` and `<path>/<valid>/<class>/…` (the class is the
   * parent folder, the split the grandparent, as `GrandparentSplitter` and `parent_label`), or, with `validPct`,
   * every image under `path` split at random.
   * @example
   * ```ts
   * const dls = await ImageDataLoaders.fromFolder(datasets.path('tux_photos'), { itemTfms: [new Resize(64)], bs: 16, seed: 0 });
   * dls.vocab; // ['bird', 'fish', 'flower', 'fruit', 'insect', 'mammal', 'vegetable']
   * ```
   */
  static async fromFolder(
    path: string,
    opts: ImageDataLoadersOptions & { train?: string; valid?: string; validPct?: number } = {},
  ): Promise<ImageDataLoaders> {
    await ready(); // the best backend before any tensor (not tfjs's pure-JS default)
    const trainName = opts.train ?? 'train';
    const validName = opts.valid ?? 'valid';
    // fastai's from_folder is this DataBlock: ImageBlock + CategoryBlock, parent_label, GrandparentSplitter (or a
    // RandomSplitter with valid_pct), get_image_files.
    const dblock = new DataBlock({
      blocks: [new ImageBlock(), new CategoryBlock({ vocab: opts.vocab })],
      getItems: async (p: string) => {
        const files = await getImageFiles(p, opts.validPct ? {} : { folders: [trainName, validName] });
        if (!files.length)
          throw new ImageDataError(
            `${p}: no image files found${opts.validPct ? '' : ` in ${trainName}/ or ${validName}/`}`,
          );
        await checkClassFolders(p, opts.validPct ? [''] : [trainName, validName], files, opts);
        return files;
      },
      splitter: (files: string[]) =>
        opts.validPct
          ? randomSplitter(files.length, opts.validPct, opts.seed)
          : grandparentSplitter(files, trainName, validName),
      getY: parentLabel,
      itemTfms: opts.itemTfms,
      batchTfms: opts.batchTfms,
    });
    const { train: _t, valid: _v, validPct: _p, itemTfms: _i, batchTfms: _b, ...rest } = opts;
    return (await dblock.dataloaders(path, rest)) as ImageDataLoaders;
  }

  /**
   * fastai's `from_path_func`: labels from `labelFunc(path)`, a random `validPct` split (default 0.2).
   * @example
   * ```ts
   * const dls = await ImageDataLoaders.fromPathFunc('.', files, (f) => f.split('/').at(-2)!, { validPct: 0.2, seed: 42 });
   * ```
   */
  static async fromPathFunc(
    path: string,
    fnames: string[],
    labelFunc: (file: string) => string,
    opts: ImageDataLoadersOptions & { validPct?: number } = {},
  ): Promise<ImageDataLoaders> {
    await ready(); // the best backend before any tensor (not tfjs's pure-JS default)
    const files = fnames.map((f) =>
      path && path !== '.' && !f.startsWith('/') && !f.startsWith(path) ? join(path, f) : f,
    );
    // fastai's from_path_func is this DataBlock: ImageBlock + CategoryBlock, RandomSplitter(valid_pct, seed),
    // get_y=label_func (from_name_func and from_name_re end here too).
    const dblock = new DataBlock({
      blocks: [new ImageBlock(), new CategoryBlock({ vocab: opts.vocab })],
      splitter: (items: string[]) => randomSplitter(items.length, opts.validPct ?? 0.2, opts.seed),
      getY: labelFunc,
      itemTfms: opts.itemTfms,
      batchTfms: opts.batchTfms,
    });
    const { validPct: _p, itemTfms: _i, batchTfms: _b, ...rest } = opts;
    return (await dblock.dataloaders(files, rest)) as ImageDataLoaders;
  }

  /**
   * fastai's `from_name_func`: labels from `labelFunc(fileName)` (the name without its folders).
   * @example
   * ```ts
   * const dls = await ImageDataLoaders.fromNameFunc(path, files, (name) => (name[0] === name[0].toUpperCase() ? 'cat' : 'dog'));
   * ```
   */
  static fromNameFunc(
    path: string,
    fnames: string[],
    labelFunc: (name: string) => string,
    opts: ImageDataLoadersOptions & { validPct?: number } = {},
  ): Promise<ImageDataLoaders> {
    return ImageDataLoaders.fromPathFunc(path, fnames, (f) => labelFunc(basename(f)), opts);
  }

  /**
   * fastai's `from_name_re`: the label is the first group of `pat` searched in the file name; a name it does not
   * match is an error naming it.
   * @example
   * ```ts
   * const dls = await ImageDataLoaders.fromNameRe(path, files, /^(.+)_\d+\.png$/, { itemTfms: [new Resize(32)] });
   * ```
   */
  static fromNameRe(
    path: string,
    fnames: string[],
    pat: RegExp,
    opts: ImageDataLoadersOptions & { validPct?: number } = {},
  ): Promise<ImageDataLoaders> {
    return ImageDataLoaders.fromNameFunc(path, fnames, (name) => regexLabel(pat, name), opts);
  }

  /**
   * fastai's `from_df`: rows (column → value) with a file-name column `fnCol` (index or name, default 0) and a
   * label column `labelCol` (default 1); files are `<path>/<folder>/<name><suff>`. A `validCol` (e.g. `'is_valid'`)
   * gives the split, else a random `validPct` (default 0.2).
   * @example
   * ```ts
   * const dls = await ImageDataLoaders.fromDf(rows, { path: 'data', fnCol: 'name', labelCol: 'label', validCol: 'is_valid' });
   * ```
   */
  static async fromDf(df: TableLike, opts: ImageFromDfOptions & { path?: string } = {}): Promise<ImageDataLoaders> {
    await ready(); // the best backend before any tensor (not tfjs's pure-JS default)
    const table = asTable(df);
    if (!table.nRows) throw new ImageDataError(`fromDf: no rows in ${table.source}`);
    const columns = table.names;
    const col = (c: number | string, what: string): string => {
      const name = typeof c === 'number' ? columns[c] : c;
      if (name === undefined || !table.has(name))
        throw new ImageDataError(`fromDf: no ${what} column ${JSON.stringify(c)} (columns: ${columns.join(', ')})`);
      return name;
    };
    const fn = col(opts.fnCol ?? 0, 'file-name');
    const lab = col(opts.labelCol ?? 1, 'label');
    const prefix = opts.folder ? join(opts.path ?? '.', opts.folder) : (opts.path ?? '.');
    const files = table.strings(fn);
    const labels = table.strings(lab);
    let split: Split;
    if (opts.validCol !== undefined) {
      const vc = col(opts.validCol, 'validation');
      split = colSplitter(table.strings(vc), (row, v) => {
        throw new ImageDataError(
          `fromDf: validation column '${vc}', row ${row + 1}: not a boolean (True/False, 1/0), got ${JSON.stringify(v)}`,
        );
      });
    } else split = randomSplitter(table.nRows, opts.validPct ?? 0.2, opts.seed);
    // fastai's from_df is this DataBlock: ImageBlock + CategoryBlock, ColReader(fn_col, pref, suff) and
    // ColReader(label_col), ColSplitter or RandomSplitter. Items are the table's row numbers.
    const dblock = new DataBlock({
      blocks: [new ImageBlock(), new CategoryBlock({ vocab: opts.vocab })],
      getX: (i: number) => join(prefix, `${files[i]}${opts.suff ?? ''}`),
      getY: (i: number) => labels[i],
      splitter: () => split,
      itemTfms: opts.itemTfms,
      batchTfms: opts.batchTfms,
    });
    const { itemTfms: _i, batchTfms: _b, ...rest } = opts;
    return (await dblock.dataloaders(
      Array.from({ length: table.nRows }, (_, i) => i),
      rest,
    )) as ImageDataLoaders;
  }

  /**
   * fastai's `from_csv`: reads `<path>/<csvFname>` (default `labels.csv`) and calls {@link ImageDataLoaders.fromDf}.
   * @example
   * ```ts
   * const dls = await ImageDataLoaders.fromCsv(datasets.path('fashion_mnist'), { fnCol: 'name', labelCol: 'label', validCol: 'is_valid', itemTfms: [new Resize(28)] });
   * ```
   */
  static async fromCsv(
    path: string,
    opts: ImageFromDfOptions & { csvFname?: string; delimiter?: string } = {},
  ): Promise<ImageDataLoaders> {
    await ready(); // the best backend before any tensor (not tfjs's pure-JS default)
    const rows = await readCsvRecords(join(path, opts.csvFname ?? 'labels.csv'), opts.delimiter);
    return ImageDataLoaders.fromDf(rows, { ...opts, path });
  }

  /**
   * Loaders with no data, for inference after `loadLearner`: `encodeItems` decodes, resizes and normalises images
   * as the exported learner's validation set did.
   * @example
   * ```ts
   * const dls = ImageDataLoaders.forInference({ vocab: ['cat', 'dog'], itemTfms: [new Resize(64).toJSON()], batchTfms: [] });
   * ```
   */
  static forInference(spec: ImageInferenceSpec): ImageDataLoaders {
    const itemTfms = spec.itemTfms.map(itemTfmFromJSON);
    const ds = () => new ImageDataset([], [], itemTfms, { train: false, seed: 0 });
    return new ImageDataLoaders(
      ds(),
      ds(),
      [...spec.vocab],
      { batchTfms: spec.batchTfms.map(batchTfmFromJSON), seed: 0 },
      checkTargetSpec(spec.target),
    );
  }

  /** What {@link ImageDataLoaders.forInference} needs to rebuild these loaders' validation pipeline. */
  inferenceSpec(): ImageInferenceSpec {
    return { vocab: [...this.vocab], ...this.transformSpecs(), ...(this.target ? { target: { ...this.target } } : {}) };
  }

  /** New images (paths or bytes) as an unlabelled validation dataset. */
  protected testDataset(items: readonly unknown[], where: 'testDl' | 'encodeItems'): ImageDataset {
    return new ImageDataset(imageSources(items, where), undefined, this.itemTfms, { train: false, seed: 0 });
  }

  /** Each image captioned with its class (its label set; its numbers; its points drawn). */
  protected async showTiles(b: Batch, n: number): Promise<GridTile[]> {
    const ys = Array.from(await b.y.data());
    const x = tf.tidy(() => tf.slice(b.x[0], 0, n));
    const images = await this.decodeBatch(x).finally(() => x.dispose());
    return images.map((image, i) => ({
      image: this.target?.kind === 'points' ? drawPoints(image, this.pointsOf(ys, i)) : image,
      lines: [{ text: this.targetText(ys, i) }],
    }));
  }

  /**
   * The caption of item `i` of a batch's targets (flat `ys`): its class, its labels joined with `;` (fastai's
   * MultiCategory show), or its numbers.
   */
  targetText(ys: ArrayLike<number>, i: number): string {
    const t = this.target;
    if (!t) return this.vocab[ys[i]] ?? String(ys[i]);
    const row = Array.from(ys).slice(i * t.c, (i + 1) * t.c);
    if (t.kind === 'multiLabel') return this.vocab.filter((_, j) => row[j] > 0.5).join(';');
    return row.map((v) => v.toFixed(2)).join(', ');
  }

  /** The points of item `i` in [-1, 1] (a PointBlock target), for the tile to draw. */
  pointsOf(ys: ArrayLike<number>, i: number): [number, number][] {
    const t = this.target;
    if (t?.kind !== 'points') return [];
    const row = Array.from(ys).slice(i * t.c, (i + 1) * t.c);
    return Array.from({ length: Math.floor(row.length / 2) }, (_, k) => [row[2 * k], row[2 * k + 1]]);
  }
}

/**
 * The loaders of an `ImageBlock` + `CategoryBlock` DataBlock (where `fromLists`, `fromFolder`, `fromDf` and
 * `fromPathFunc` end): checks the items (see `onBadImage`), builds the vocab from the training labels unless given,
 * encodes the labels (one outside the vocab is an error naming the image) and builds the two loaders.
 * @example
 * ```ts
 * const dls = await labelledImageLoaders(['a/1.png', 'b/2.png', 'a/3.png'], ['a', 'b', 'a'], { train: [0, 1], valid: [2] });
 * ```
 */
export async function labelledImageLoaders(
  items: ImageSource[],
  labels: string[],
  split: Split,
  opts: ImageDataLoadersOptions = {},
): Promise<ImageDataLoaders> {
  if (items.length !== labels.length) throw new ImageDataError(`${items.length} items but ${labels.length} labels`);
  const bad = await findBadImages(items, opts);
  const keep = (idx: number[]) => idx.filter((i) => !bad.has(i));
  const train = keep(split.train);
  const valid = keep(split.valid);
  if (!train.length)
    throw new ImageDataError('no training images' + (bad.size ? ` (${bad.size} skipped as unreadable)` : ''));
  if (!valid.length)
    throw new ImageDataError('no validation images: give a valid folder, an is_valid column, or validPct');
  const vocab = opts.vocab ?? [...new Set(train.map((i) => labels[i]))].sort();
  const o2i = new Map(vocab.map((v, i) => [v, i]));
  const encode = (idx: number[]) =>
    idx.map((i) => {
      const c = o2i.get(labels[i]);
      if (c === undefined)
        throw new ImageDataError(
          `${sourceName(items[i])}: label '${labels[i]}' is not in the vocab (${vocab.length} classes from the training set: ${vocab.slice(0, 10).join(', ')}${vocab.length > 10 ? ', …' : ''})`,
        );
      return c;
    });
  const itemTfms = opts.itemTfms ?? [];
  const seed = opts.seed;
  const trainDs = new ImageDataset(
    train.map((i) => items[i]),
    encode(train),
    itemTfms,
    { train: true, seed },
  );
  const validDs = new ImageDataset(
    valid.map((i) => items[i]),
    encode(valid),
    itemTfms,
    { train: false, seed: seed === undefined ? undefined : seed + 3 },
  );
  return new ImageDataLoaders(trainDs, validDs, vocab, opts);
}

/** Images that fail to load: in 'error' mode, a missing file throws now; in 'skip' mode every image is decoded once. */
async function findBadImages(items: ImageSource[], opts: ImageDataLoadersOptions): Promise<Set<number>> {
  const bad = new Set<number>();
  const log = opts.logger ?? ((l: string) => console.warn(l));
  const skip = (opts.onBadImage ?? 'error') === 'skip';
  const check = async (i: number) => {
    const it = items[i];
    if (!isImageSource(it)) throw new ImageDataError(`item ${i} is not an image path or buffer (got ${typeof it})`);
    if (!skip) {
      if (typeof it !== 'string') return;
      const s = await stat(it).catch(() => undefined);
      if (!s?.isFile()) throw new ImageReadError(it, s ? 'not a file' : 'file not found');
      return;
    }
    try {
      await loadImage(it);
    } catch (e) {
      if (!(e instanceof ImageReadError)) throw e;
      bad.add(i);
      log(`skipping ${e.message}`);
    }
  };
  const bar = progressBar(items.length, {
    label: skip ? 'decoding images' : 'checking images',
    unit: 'images',
    silent: opts.progress === false,
  });
  // 16 files at a time, but decoding (skip mode) at most SCAN_PIXEL_BUDGET declared pixels at once.
  await mapWithPixelBudget(
    items.length,
    16,
    SCAN_PIXEL_BUDGET,
    async (i) => (skip && isImageSource(items[i]) ? declaredPixels(items[i]) : 0),
    async (i) => {
      await check(i);
      bar.tick(1);
    },
  );
  bar.done();
  return bad;
}

/** Class folders with no image: an error naming the folder, or (skip) a logged note. */
async function checkClassFolders(
  path: string,
  splits: string[],
  files: string[],
  opts: ImageDataLoadersOptions,
): Promise<void> {
  const withImages = new Set(files.map((f) => join(f, '..')));
  for (const s of splits) {
    const dir = s ? join(path, s) : path;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
    if (!entries) {
      if (s)
        throw new ImageDataError(
          `${dir}: folder not found (fromFolder expects ${path}/<train|valid>/<class>/…, or pass validPct)`,
        );
      continue;
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      const d = join(dir, e.name);
      if (withImages.has(d) || files.some((f) => f.startsWith(d + '/'))) continue;
      const msg = `${d}: class folder has no images`;
      if ((opts.onBadImage ?? 'error') === 'skip') (opts.logger ?? ((l: string) => console.warn(l)))(`skipping ${msg}`);
      else throw new ImageDataError(`${msg} (remove it, or pass onBadImage: 'skip')`);
    }
  }
}
