// Batch transforms: tf ops on a whole NHWC float batch, as fastai's `batch_tfms` (run on the GPU there).
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@tfai/core';
import { ImageDataError } from '../data/errors.js';

/** What a batch transform knows of the call: training (random augmentation) or validation, and its RNG. */
export interface BatchContext {
  /** True for a training batch (random augmentation), false for validation (augmentations pass through). */
  train: boolean;
  /** The seeded RNG every random draw comes from, so a seed reproduces the augmentation. */
  rng: Rng;
}

/** The JSON form of a batch transform an exported model needs at inference (augmentations need none). */
export type BatchTfmSpec = {
  /** The transform's class, `'Normalize'` (the only batch transform inference needs). */
  type: 'Normalize';
  /** Per-channel mean subtracted (RGB, 0–1 pixel scale). */
  mean: number[];
  /** Per-channel standard deviation divided by (RGB, 0–1 pixel scale). */
  std: number[];
};

/**
 * One random draw of a batch transform for a batch (one value per sample), applied to every part: each image batch
 * (both sides of a pair) and the masks.
 */
export interface BatchPlan {
  /** The draw applied to an image batch `[n, h, w, 3]`; a new tensor, or `x` itself if nothing changes. */
  image(x: tf.Tensor4D): tf.Tensor4D;
  /** The same draw on class maps `[n, h, w]` int32: geometry with nearest sampling, never interpolated; lighting and Normalize return `y`. */
  mask(y: tf.Tensor): tf.Tensor;
  /**
   * The same draw on keypoints `[n, 2k]` (fastai's `TensorPoint`: `(x, y)` pairs in [-1, 1] of the image, -1 the
   * left/top edge, 1 the right/bottom one), moved so each stays on the pixel it marked; lighting and Normalize return
   * `y`. Absent on a transform that cannot move points (a PointBlock refuses it).
   */
  points?(y: tf.Tensor2D): tf.Tensor2D;
}

/** A transform of a batch of images `[n, h, w, 3]` (float, 0–1 before normalisation). */
export interface BatchTransform {
  /** The transform's fastai class name (`'AffineCoordTfm'`, `'LightingTfm'`, `'Normalize'`), shown by the pipeline and in errors. */
  readonly name: string;
  /** Position in the pipeline, as fastai's `order` (affine 30, lighting 40, Normalize 99). */
  readonly order: number;
  /** One draw for a batch of `n` images of `h × w`, applied to every part of the batch ({@link BatchPlan}). */
  drawPlan(shape: readonly [number, number, number], ctx: BatchContext): BatchPlan;
  /** Returns a new tensor (the caller keeps ownership of `x`). */
  encodes(x: tf.Tensor4D, ctx: BatchContext): tf.Tensor4D;
  /** Undoes the transform for display (Normalize); absent for augmentations. */
  decodes?(x: tf.Tensor4D): tf.Tensor4D;
  /** The JSON an export keeps, if inference needs this transform. */
  toJSON?(): BatchTfmSpec;
}

/**
 * Runs `tfms` in their `order` on `x` inside one `tf.tidy`; returns a new tensor (or `x` itself if nothing ran).
 * @example
 * ```ts
 * const y = applyBatchTfms(x, [...augTransforms(), Normalize.fromStats(imagenetStats)], { train: true, rng });
 * ```
 */
export function applyBatchTfms(x: tf.Tensor4D, tfms: readonly BatchTransform[], ctx: BatchContext): tf.Tensor4D {
  return applyBatchPlans([x], undefined, tfms, ctx).xs[0];
}

/**
 * Runs `tfms` in their `order` on every part of a batch inside one `tf.tidy`: each transform draws one plan and
 * applies it to each image batch in `xs` (both sides of a pair get the same flip, warp and lighting), to the masks
 * `y` (when given as `[n, h, w]` class maps: nearest sampling; lighting and Normalize leave them), or to keypoints `y`
 * (`[n, 2k]` in [-1, 1], with `opts.points`: moved with the pixels; a transform that cannot move them is an
 * {@link ImageDataError} naming it). Returns new tensors, or the inputs themselves where nothing ran; the caller keeps
 * the inputs.
 * @example
 * ```ts
 * const { xs: [x], y } = applyBatchPlans([images], masks, augTransforms(), { train: true, rng: new Rng(0) });
 * ```
 */
export function applyBatchPlans(
  xs: readonly tf.Tensor4D[],
  y: tf.Tensor | undefined,
  tfms: readonly BatchTransform[],
  ctx: BatchContext,
  opts: {
    /** `y` is keypoints `[n, 2k]` in [-1, 1] (a PointBlock target), moved with the pixels (default false). */
    points?: boolean;
  } = {},
): {
  /** The transformed image batches, one per input in `xs` and in the same order. */
  xs: tf.Tensor4D[];
  /** The transformed masks or points (or `y` unchanged when it is neither); undefined without a `y`. */
  y: tf.Tensor | undefined;
} {
  if (!tfms.length) return { xs: [...xs], y };
  const sorted = [...tfms].sort((a, b) => a.order - b.order);
  const isPoints = y !== undefined && opts.points === true;
  if (isPoints && y.rank !== 2)
    throw new ImageDataError(`points must be a [n, 2k] batch of (x, y) pairs, got shape [${y.shape.join(', ')}]`);
  const isMask = y !== undefined && !isPoints && y.rank === 3;
  const out = tf.tidy(() => {
    let parts = [...xs];
    let m = isMask || isPoints ? y : undefined;
    for (const t of sorted) {
      const [n, h, w] = parts[0].shape;
      const plan = t.drawPlan([n, h, w], ctx);
      parts = parts.map((x) => plan.image(x));
      if (m && isPoints) {
        if (!plan.points)
          throw new ImageDataError(`batch transform ${t.name} cannot move points (its plan has no points())`);
        m = plan.points(m as tf.Tensor2D);
      } else if (m) m = plan.mask(m);
    }
    return m ? { xs: parts, y: m } : { xs: parts };
  });
  return { xs: out.xs, y: isMask || isPoints ? out.y : y };
}

/**
 * Undoes the transforms that can be undone (Normalize), in reverse order, and clamps to [0, 1]: pixels for display.
 * @example
 * ```ts
 * const pixels = decodeBatchTfms(x, dls.batchTfms); // 0–1 floats again
 * ```
 */
export function decodeBatchTfms(x: tf.Tensor4D, tfms: readonly BatchTransform[]): tf.Tensor4D {
  const sorted = [...tfms].sort((a, b) => b.order - a.order);
  return tf.tidy(() =>
    tf.clipByValue(
      sorted.reduce((y, t) => (t.decodes ? t.decodes(y) : y), x),
      0,
      1,
    ),
  );
}
