import * as tf from '@tensorflow/tfjs-core';
import { fusedBatchNormTrain } from '../../backend/fused-ops.js';
import { Module, type Parameter } from '../module.js';

/** Options of {@link BatchNorm1d} and {@link BatchNorm2d} (PyTorch's defaults). */
export interface BatchNormOptions {
  /** Added to the variance before the square root, for numerical stability (PyTorch's `eps`; default 1e-5). */
  eps?: number;
  /** Weight of the new batch statistic in the running averages, `running = (1 - m)·running + m·batch` (PyTorch's `momentum`; default 0.1). */
  momentum?: number;
  /** Whether the layer has a learnable per-channel scale `weight` and shift `bias` (PyTorch's `affine`; default true). */
  affine?: boolean;
}

/**
 * Batch normalisation over the last (channel) axis, as PyTorch's: in training it normalises with the batch's
 * biased variance and updates `running_mean`/`running_var` (unbiased) with `momentum`; in eval it uses them.
 */
abstract class BatchNormBase extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'BatchNormBase';
  /** Added to the variance before the square root (PyTorch's `eps`; default 1e-5). */
  readonly eps: number;
  /** Weight of the new batch statistic in the running averages (PyTorch's `momentum`; default 0.1). */
  readonly momentum: number;
  /** The per-channel scale γ `[numFeatures]`, init 1; undefined with `affine: false`. */
  readonly weight: Parameter | undefined;
  /** The per-channel shift β `[numFeatures]`, init 0; undefined with `affine: false`. */
  readonly bias: Parameter | undefined;
  /** Running average of the per-channel mean `[numFeatures]`, init 0, used in eval (buffer `running_mean`). */
  readonly runningMean: tf.Variable;
  /** Running average of the per-channel unbiased variance `[numFeatures]`, init 1, used in eval (buffer `running_var`). */
  readonly runningVar: tf.Variable;
  /** Number of training batches seen, an int32 scalar (buffer `num_batches_tracked`, int64 in PyTorch's files). */
  readonly numBatchesTracked: tf.Variable;
  constructor(
    /** Number of channels C, the size of the input's last axis (PyTorch's `num_features`). */
    readonly numFeatures: number,
    opts: BatchNormOptions = {},
  ) {
    super();
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum ?? 0.1;
    const affine = opts.affine ?? true;
    this.weight = affine ? this.registerParameter('weight', tf.ones([numFeatures]), 'none', 'norm') : undefined;
    this.bias = affine ? this.registerParameter('bias', tf.zeros([numFeatures]), 'none', 'norm') : undefined;
    this.runningMean = this.registerBuffer('running_mean', tf.zeros([numFeatures]));
    this.runningVar = this.registerBuffer('running_var', tf.ones([numFeatures]));
    this.numBatchesTracked = this.registerBuffer('num_batches_tracked', tf.scalar(0, 'int32'));
  }

  forward(x: tf.Tensor): tf.Tensor {
    const c = x.shape[x.rank - 1];
    if (c !== this.numFeatures)
      throw new Error(`${this.typeName}(${this.numFeatures}) got an input with ${c} channels (shape [${x.shape}])`);
    const scale = this.weight?.variable;
    const offset = this.bias?.variable;
    if (!this.training) return tf.batchNorm(x, this.runningMean, this.runningVar, offset, scale, this.eps);
    // One kernel forward and one backward on wasm/cpu (backend/kernels/batch-norm-train.ts), same numerics.
    const fused = fusedBatchNormTrain(
      x,
      { runningMean: this.runningMean, runningVar: this.runningVar, numBatchesTracked: this.numBatchesTracked },
      scale,
      offset,
      { eps: this.eps, momentum: this.momentum },
    );
    if (fused) {
      this.runningMean.assign(fused.runningMean);
      this.runningVar.assign(fused.runningVar);
      this.numBatchesTracked.assign(fused.numBatchesTracked);
      tf.dispose([fused.runningMean, fused.runningVar, fused.numBatchesTracked]);
      return fused.y;
    }
    const axes = [...Array(x.rank - 1).keys()];
    const { mean, variance } = tf.moments(x, axes);
    const n = x.size / c;
    tf.tidy(() => {
      const m = this.momentum;
      const unbiased = tf.mul(variance, n / Math.max(n - 1, 1));
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(unbiased, m)));
      this.numBatchesTracked.assign(tf.add(this.numBatchesTracked, tf.scalar(1, 'int32')));
    });
    return tf.batchNorm(x, mean, variance, offset, scale, this.eps);
  }

  protected override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight ? 'True' : 'False'}, track_running_stats=True`;
  }
  protected override attributes(): Record<string, unknown> {
    return {
      num_features: this.numFeatures,
      eps: this.eps,
      momentum: this.momentum,
      affine: this.weight !== undefined,
    };
  }
}

/**
 * BatchNorm over `[N, C]` or `[N, L, C]` inputs (features last).
 * @example
 * ```ts
 * new BatchNorm1d(512).eval().call(tf.randomNormal([4, 512])).shape; // [4, 512]
 * ```
 */
export class BatchNorm1d extends BatchNormBase {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'BatchNorm1d';
}

/**
 * BatchNorm over NHWC images, per channel.
 * @example
 * ```ts
 * new BatchNorm2d(64).call(tf.randomNormal([2, 8, 8, 64])).shape; // [2, 8, 8, 64]
 * ```
 */
export class BatchNorm2d extends BatchNormBase {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'BatchNorm2d';
}
