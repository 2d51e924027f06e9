// fastai's `ImageBlock` (fastai/vision/data.py): the input block of an image DataBlock. Its loaders are vision's
// (`ImageDataLoaders`, `SegmentationDataLoaders`): the target block decides which and what `y` is — a class index
// (CategoryBlock), a one-hot label set (MultiCategoryBlock), numbers (RegressionBlock), points (PointBlock) or a
// mask (MaskBlock).
import type { DataLoaders } from '@tfai/core';
import {
  CategoryBlock,
  DataBlockError,
  MultiCategoryBlock,
  Pipeline,
  RegressionBlock,
  Transform,
  type BlockLoadersContext,
  type TransformBlock,
} from '@tfai/core/data';
import type { BatchTransform } from '../augment/batch-transform.js';
import type { ItemTransform } from '../augment/item-transform.js';
import { ImageDataLoaders, labelledImageLoaders, type ImageDataLoadersOptions } from './image-data-loaders.js';
import { isImageSource, type ImageSource } from './image.js';

/** What an image DataBlock's loaders are given: the images of every item, the transforms checked, the options. */
export interface ImageBlockLoadersInput {
  /** The image of each item (both splits). */
  images: ImageSource[];
  /** The loaders' options with the DataBlock's transforms. */
  opts: ImageDataLoadersOptions;
  /** The DataBlock's context. */
  ctx: BlockLoadersContext;
}

/**
 * A target block with image loaders of its own (vision's `MaskBlock`, `PointBlock`): builds them from the images.
 * @example
 * ```ts
 * const ones: ImageTargetBlock = {
 *   name: 'OnesBlock',
 *   typeTfms: [],
 *   imageLoaders: ({ images, opts, ctx }) =>
 *     ImageDataLoaders.fromTargets(images, images.map(() => new Float32Array([1])), ctx.split, { ...opts, target: { kind: 'regression', c: 1 } }),
 * };
 * ```
 */
export interface ImageTargetBlock extends TransformBlock {
  /** The DataLoaders of an ImageBlock input and this target. */
  imageLoaders(input: ImageBlockLoadersInput): Promise<DataLoaders>;
}

const isImageTarget = (b: TransformBlock | undefined): b is ImageTargetBlock =>
  typeof (b as Partial<ImageTargetBlock> | undefined)?.imageLoaders === 'function';

/**
 * fastai's `ImageBlock`: an image path or bytes (decoded by the loaders, as `PILImage.create`). With a target block
 * `DataBlock.dataloaders` returns an {@link ImageDataLoaders} (or a `SegmentationDataLoaders` with a `MaskBlock`).
 * @example
 * ```ts
 * const dls = await new DataBlock({ blocks: [new ImageBlock(), new CategoryBlock()], getItems: getImageFiles, getY: parentLabel, itemTfms: [new Resize(64)] }).dataloaders(path);
 * ```
 */
export class ImageBlock implements TransformBlock {
  /** The name `summary` prints. */
  readonly name = 'ImageBlock';
  /** `PILImage.create`: checks the item is an image path or bytes (decoding is the loaders'). */
  readonly typeTfms: readonly Transform[] = [
    new Transform<unknown, ImageSource>({
      name: 'PILImage.create',
      encodes: (x) => {
        if (!isImageSource(x))
          throw new DataBlockError(`ImageBlock: not an image path or buffer (got ${typeof x}): check getX`);
        return x;
      },
    }),
  ];

  /** The image loaders of this input and the target block. */
  dataloaders(ctx: BlockLoadersContext): Promise<DataLoaders> {
    return imageBlockLoaders(ctx);
  }
}

/** `ImageBlock.dataloaders`: the target block decides the loaders. */
async function imageBlockLoaders(ctx: BlockLoadersContext): Promise<DataLoaders> {
  const { dsets, blocks, split } = ctx;
  if (dsets.nInp !== 1 || blocks.length !== 2)
    throw new DataBlockError(
      `an ImageBlock DataBlock takes one image input and one target (got ${blocks.length} blocks, nInp ${dsets.nInp})`,
    );
  ctx.itemTfms.forEach((t, i) => {
    if (typeof (t as Partial<ItemTransform>)?.drawPlan !== 'function')
      throw new DataBlockError(`itemTfms[${i}] is not a vision item transform (Resize, FlipItem…)`);
  });
  ctx.batchTfms.forEach((t, i) => {
    if (typeof (t as Partial<BatchTransform>)?.drawPlan !== 'function')
      throw new DataBlockError(`batchTfms[${i}] is not a vision batch transform (augTransforms(), Normalize…)`);
  });
  const images = ctx.items.map((_, i) => dsets.tls[0].get(i) as ImageSource);
  const opts: ImageDataLoadersOptions = {
    ...(ctx.opts as ImageDataLoadersOptions),
    itemTfms: ctx.itemTfms as ItemTransform[],
    batchTfms: ctx.batchTfms as BatchTransform[],
  };
  const target = blocks[1];
  const tl = dsets.tls[1];
  if (isImageTarget(target)) return target.imageLoaders({ images, opts, ctx });
  if (target instanceof CategoryBlock) {
    // The labels before Categorize: the factories' own path (its checks and messages), with the block's vocab.
    const toLabel = new Pipeline(tl.tfms.fs.slice(0, -1));
    const labels = ctx.items.map((it) => String(toLabel.encode(it)));
    return labelledImageLoaders(images, labels, split, { ...opts, vocab: target.vocab() });
  }
  const floats = () => ctx.items.map((_, i) => tl.get(i) as Float32Array);
  if (target instanceof MultiCategoryBlock)
    return ImageDataLoaders.fromTargets(images, floats(), split, {
      ...opts,
      vocab: target.vocab(),
      target: { kind: 'multiLabel', c: target.c(), threshold: target.threshold },
    });
  if (target instanceof RegressionBlock)
    return ImageDataLoaders.fromTargets(images, floats(), split, {
      ...opts,
      vocab: [],
      target: { kind: 'regression', c: target.c() ?? 1 },
    });
  throw new DataBlockError(
    `an ImageBlock DataBlock has no loaders for a ${target?.name ?? 'missing'} target (CategoryBlock, MultiCategoryBlock, RegressionBlock, PointBlock, MaskBlock)`,
  );
}
