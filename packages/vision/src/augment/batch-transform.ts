// Batch transforms: tf ops on a whole NHWC float batch, as fastai's `batch_tfms` (run on the GPU there).
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@tfai/core';

/** What a batch transform knows of the call: training (random augmentation) or validation, and its RNG. */
export interface BatchContext {
  train: boolean;
  rng: Rng;
}

/** The JSON form of a batch transform an exported model needs at inference (augmentations need none). */
export type BatchTfmSpec = { type: 'Normalize'; mean: number[]; std: number[] };

/** A transform of a batch of images `[n, h, w, 3]` (float, 0–1 before normalisation). */
export interface BatchTransform {
  readonly name: string;
  /** Position in the pipeline, as fastai's `order` (affine 30, lighting 40, Normalize 99). */
  readonly order: number;
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
  if (!tfms.length) return x;
  const sorted = [...tfms].sort((a, b) => a.order - b.order);
  return tf.tidy(() => sorted.reduce((y, t) => t.encodes(y, ctx), x));
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
  return tf.tidy(() => tf.clipByValue(sorted.reduce((y, t) => (t.decodes ? t.decodes(y) : y), x), 0, 1));
}
