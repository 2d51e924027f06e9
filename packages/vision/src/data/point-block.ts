// fastai's `PointBlock` (fastai/vision/data.py): image keypoints as a regression target. A getter gives pixel
// coordinates (x, y)…; every item transform (Resize with any method, RandomResizedCrop, FlipItem) moves them with the
// pixels, fastai's `PointScaler` scales them to [-1, 1] by the transformed image's size, and the batch transforms
// (`augTransforms()`: flips, rotations, zooms, warps) move them again through the inverse of each image's sampling
// matrix, as fastai's `TensorPoint` is moved. Lighting and Normalize leave them. A transform that cannot move points
// (a custom one whose plan has no `points`) is a DataBlockError naming it.
import type { DataLoaders, Loss } from '@tfai/core';
import { mseLossFlat, Rng } from '@tfai/core';
import { DataBlockError, Transform } from '@tfai/core/data';
import type { BatchTransform } from '../augment/batch-transform.js';
import type { ItemTransform } from '../augment/item-transform.js';
import type { ImageBlockLoadersInput, ImageTargetBlock } from './image-block.js';
import { ImageDataLoaders } from './image-data-loaders.js';

/** The first transform whose plan cannot move points (its `drawPlan` has no `points`), if any. */
function pointless(itemTfms: readonly ItemTransform[], batchTfms: readonly BatchTransform[]): string | undefined {
  const rng = new Rng(0);
  for (const t of itemTfms) if (!t.drawPlan(8, 8, { train: true, rng }).points) return `item transform ${t.name}`;
  for (const t of batchTfms)
    if (!t.drawPlan([1, 8, 8], { train: true, rng }).points) return `batch transform ${t.name}`;
  return undefined;
}

/** Pixel coordinates as a flat Float32Array `[x0, y0, x1, y1, …]` (from `[[x, y], …]` or a flat list). */
function pointsOf(x: unknown): Float32Array {
  const flat = Array.isArray(x) && x.every(Array.isArray) ? (x as unknown[][]).flat() : x;
  const vals = Array.isArray(flat) || flat instanceof Float32Array ? Array.from(flat as number[]) : [];
  if (!vals.length || vals.length % 2 || !vals.every((v) => typeof v === 'number' && Number.isFinite(v)))
    throw new DataBlockError(`PointBlock: a target must be points [[x, y], …] in pixels, got ${JSON.stringify(x)}`);
  return Float32Array.from(vals);
}

/**
 * fastai's `PointBlock`: points `[[x, y], …]` in pixels, scaled to [-1, 1] by each image's width and height (fastai's
 * `PointScaler`); the target of `MSELossFlat` with `c = 2 × points` outputs (pass `head: { yRange: [-1, 1] }` to
 * `visionLearner` as fastai's lesson does). Item and batch transforms move the points with the pixels (points pushed
 * out of the image keep coordinates beyond ±1, as fastai's `TensorPoint`); `showBatch` draws them.
 * @example
 * ```ts
 * const dblock = new DataBlock({ blocks: [new ImageBlock(), new PointBlock()], getY: (f: string) => centres.get(f)!, itemTfms: [new Resize(64)], batchTfms: augTransforms() });
 * ```
 */
export class PointBlock implements ImageTargetBlock {
  /** The name `summary` prints. */
  readonly name = 'PointBlock';
  /** The number of values per item (2 × points), set up from the training items. */
  private nValues: number | undefined;
  /** `TensorPoint.create`: `[[x, y], …]` → a flat Float32Array of pixel coordinates. */
  readonly typeTfms: readonly Transform[];
  constructor() {
    this.typeTfms = [
      new Transform<unknown, Float32Array>({
        name: 'TensorPoint.create',
        setup: (items) => {
          this.nValues = pointsOf(items[0]).length;
        },
        encodes: pointsOf,
        decodes: (y) => Array.from({ length: y.length / 2 }, (_, k) => [y[2 * k], y[2 * k + 1]]),
      }) as Transform,
    ];
  }

  /** The number of model outputs: 2 × points. */
  c(): number | undefined {
    return this.nValues;
  }

  /** `MSELossFlat`. */
  lossFunc(): Loss {
    return mseLossFlat();
  }

  /**
   * ImageDataLoaders whose targets are the points, moved by the item transforms, scaled to [-1, 1] by the transformed
   * image's size, then moved by the batch transforms.
   */
  async imageLoaders({ images, opts, ctx }: ImageBlockLoadersInput): Promise<DataLoaders> {
    const bad = pointless(opts.itemTfms ?? [], opts.batchTfms ?? []);
    if (bad)
      throw new DataBlockError(
        `PointBlock: ${bad} cannot move points (its plan has no points()), so the points would leave their pixels`,
      );
    const tl = ctx.dsets.tls[1];
    const targets = ctx.items.map((_, i) => ({ points: tl.get(i) as Float32Array }));
    const c = this.nValues ?? 2;
    return ImageDataLoaders.fromTargets(images, targets, ctx.split, {
      ...opts,
      vocab: [],
      target: { kind: 'points', c },
    });
  }
}
