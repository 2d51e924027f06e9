// fastai's `Normalize` batch transform: (x - mean) / std per channel, undone for display.
import * as tf from '@tensorflow/tfjs-core';
import type { Stats } from '../models/model-meta.js';
import type { BatchPlan, BatchTfmSpec, BatchTransform } from './batch-transform.js';

/**
 * fastai's `Normalize`: subtracts a per-channel mean and divides by a per-channel std, in training and validation
 * alike (order 99, after augmentation); `decodes` undoes it for pictures.
 * @example
 * ```ts
 * const norm = Normalize.fromStats(imagenetStats); // mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225]
 * ```
 */
export class Normalize implements BatchTransform {
  /** The transform's name, `'Normalize'` as fastai's class. */
  readonly name = 'Normalize';
  readonly order = 99;
  constructor(
    /** Per-channel mean subtracted (RGB, in the 0–1 pixel scale; ImageNet's is `[0.485, 0.456, 0.406]`). */
    readonly mean: number[],
    /** Per-channel standard deviation divided by (RGB, 0–1 scale, all > 0; ImageNet's is `[0.229, 0.224, 0.225]`). */
    readonly std: number[],
  ) {
    if (mean.length !== std.length || !mean.length)
      throw new RangeError(
        `Normalize: mean and std need the same, non-zero length (got ${mean.length} and ${std.length})`,
      );
    if (std.some((s) => !(s > 0))) throw new RangeError(`Normalize: std must be positive, got [${std}]`);
  }

  /**
   * From `[mean, std]` (as `imagenetStats`) or from the two arrays, as fastai's `Normalize.from_stats`.
   * @example
   * ```ts
   * Normalize.fromStats([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]);
   * ```
   */
  static fromStats(stats: Stats): Normalize;
  static fromStats(mean: number[], std: number[]): Normalize;
  static fromStats(a: Stats | number[], b?: number[]): Normalize {
    if (b) return new Normalize([...(a as number[])], [...b]);
    const [mean, std] = a as Stats;
    return new Normalize([...mean], [...std]);
  }

  /** Normalises every image batch (training and validation); masks are left as they are. */
  drawPlan(): BatchPlan {
    return { image: (x) => this.encodes(x), mask: (y) => y, points: (y) => y };
  }

  encodes(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => tf.div(tf.sub(x, tf.tensor1d(this.mean)), tf.tensor1d(this.std)));
  }

  decodes(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => tf.add(tf.mul(x, tf.tensor1d(this.std)), tf.tensor1d(this.mean)));
  }

  /** The data-only form an export keeps (`batchTfmFromJSON` rebuilds it). */
  toJSON(): BatchTfmSpec {
    return { type: 'Normalize', mean: this.mean, std: this.std };
  }
}
