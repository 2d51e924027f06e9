// fastai's `MaskBlock(codes)` (fastai/vision/data.py): a segmentation mask (an image whose pixel values are class
// indices) as the target of an ImageBlock; the loaders are SegmentationDataLoaders (item and batch transforms move
// the mask with the image, nearest neighbour).
import type { DataLoaders, Loss } from '@tfai/core';
import { crossEntropyLossFlat } from '@tfai/core';
import { DataBlockError, Transform } from '@tfai/core/data';
import { isImageSource, type ImageSource } from '../data/image.js';
import type { ImageBlockLoadersInput, ImageTargetBlock } from '../data/image-block.js';
import { SegmentationDataLoaders } from './segmentation-data-loaders.js';

/**
 * fastai's `MaskBlock(codes)`: the mask file (or bytes) of each image, pixel value = index in `codes`; the target of
 * `CrossEntropyLossFlat` over the class axis. `DataBlock.dataloaders` returns a {@link SegmentationDataLoaders}.
 * @example
 * ```ts
 * const dblock = new DataBlock({ blocks: [new ImageBlock(), new MaskBlock(codes)], getItems: (p: string) => getImageFiles(`${p}/images`), getY: (f: string) => f.replace('/images/', '/labels/') });
 * ```
 */
export class MaskBlock implements ImageTargetBlock {
  /** The name `summary` prints. */
  readonly name = 'MaskBlock';
  /** `PILMask.create`: checks the mask is an image path or bytes (decoding is the loaders'). */
  readonly typeTfms: readonly Transform[] = [
    new Transform<unknown, ImageSource>({
      name: 'PILMask.create',
      encodes: (x) => {
        if (!isImageSource(x))
          throw new DataBlockError(`MaskBlock: not a mask path or buffer (got ${typeof x}): check getY`);
        return x;
      },
    }),
  ];
  constructor(
    /** The class names, index = mask value. */
    readonly codes: readonly string[],
  ) {
    if (!codes.length) throw new DataBlockError('MaskBlock needs its codes (the class names, index = mask value)');
  }

  /** `CrossEntropyLossFlat` (class axis last, NHWC). */
  lossFunc(): Loss {
    return crossEntropyLossFlat();
  }

  /** The class names. */
  vocab(): string[] {
    return [...this.codes];
  }

  /** The number of classes. */
  c(): number {
    return this.codes.length;
  }

  /** SegmentationDataLoaders of the images and their masks. */
  async imageLoaders({ images, opts, ctx }: ImageBlockLoadersInput): Promise<DataLoaders> {
    const masks = ctx.items.map((_, i) => ctx.dsets.tls[1].get(i) as ImageSource);
    const { vocab: _v, onBadImage: _o, logger: _l, progress: _p, ...rest } = opts;
    return SegmentationDataLoaders.fromLists(images, masks, ctx.split, { ...rest, codes: [...this.codes] });
  }
}
