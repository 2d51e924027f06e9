// fastai's `PointBlock` (fastai/vision/data.py): image keypoints as a regression target. A getter gives pixel
// coordinates (x, y)…; as fastai's `PointScaler`, each is scaled to [-1, 1] by its image's size (`p · 2 / size - 1`)
// when the image is decoded. Transforms that move pixels would have to move the points too; here the points stay put,
// so only transforms that keep relative positions are accepted (`Resize` with `method: 'squish'`, lighting,
// Normalize) and any other is a DataBlockError naming it.
import type { DataLoaders, Loss } from '@tfai/core';
import { mseLossFlat } from '@tfai/core';
import { DataBlockError, Transform } from '@tfai/core/data';
import { Resize } from '../augment/resize.js';
import type { ImageBlockLoadersInput, ImageTargetBlock } from './image-block.js';
import { ImageDataLoaders } from './image-data-loaders.js';

/** Batch transforms that leave pixel positions alone (so points stay valid). */
const POSITION_KEEPING = new Set(['Normalize', 'LightingTfm']);

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
 * `visionLearner` as fastai's lesson does). `showBatch` draws the points.
 * @example
 * ```ts
 * const dblock = new DataBlock({ blocks: [new ImageBlock(), new PointBlock()], getY: (f: string) => centres.get(f)!, itemTfms: [new Resize(64, { method: 'squish' })] });
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

  /** ImageDataLoaders whose targets are the points scaled by each decoded image's size. */
  async imageLoaders({ images, opts, ctx }: ImageBlockLoadersInput): Promise<DataLoaders> {
    for (const t of opts.itemTfms ?? [])
      if (!(t instanceof Resize && t.method === 'squish'))
        throw new DataBlockError(
          `PointBlock: item transform ${t.name}${t instanceof Resize ? ` (method '${t.method}')` : ''} would move the pixels but not the points; use new Resize(size, { method: 'squish' })`,
        );
    for (const t of opts.batchTfms ?? [])
      if (!POSITION_KEEPING.has(t.name))
        throw new DataBlockError(
          `PointBlock: batch transform ${t.name} would move the pixels but not the points; keep to lighting and Normalize`,
        );
    const tl = ctx.dsets.tls[1];
    const targets = ctx.items.map((_, i) => {
      const p = tl.get(i) as Float32Array;
      return (w: number, h: number) => p.map((v, j) => (v * 2) / (j % 2 ? h : w) - 1);
    });
    const c = this.nValues ?? 2;
    return ImageDataLoaders.fromTargets(images, targets, ctx.split, {
      ...opts,
      vocab: [],
      target: { kind: 'points', c },
    });
  }
}
