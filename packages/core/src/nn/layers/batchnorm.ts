import * as tf from '@tensorflow/tfjs-core';
import { fusedBatchNormActEnabled, fusedBatchNormTrain } from '../../backend/fused-ops.js';
import type { BatchNormAct } from '../../backend/kernels/batch-norm-train.js';
import { Module, type AnyModule, type Parameter } from '../module.js';
import { ReLU } from './activation.js';
import type { TensorModule } from './container.js';

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

  private checkChannels(x: tf.Tensor): void {
    const c = x.shape[x.rank - 1];
    if (c !== this.numFeatures)
      throw new Error(`${this.typeName}(${this.numFeatures}) got an input with ${c} channels (shape [${x.shape}])`);
  }

  /** The fused training kernels on x (with `act`), the buffers updated; undefined where they cannot run. */
  private fusedTrain(x: tf.Tensor, act: BatchNormAct): tf.Tensor | undefined {
    const fused = fusedBatchNormTrain(
      x,
      { runningMean: this.runningMean, runningVar: this.runningVar, numBatchesTracked: this.numBatchesTracked },
      this.weight?.variable,
      this.bias?.variable,
      act === 'none' ? { eps: this.eps, momentum: this.momentum } : { eps: this.eps, momentum: this.momentum, act },
    );
    if (!fused) return undefined;
    this.runningMean.assign(fused.runningMean);
    this.runningVar.assign(fused.runningVar);
    this.numBatchesTracked.assign(fused.numBatchesTracked);
    tf.dispose([fused.runningMean, fused.runningVar, fused.numBatchesTracked]);
    return fused.y;
  }

  /**
   * This BatchNorm with a ReLU inside its training kernels (one kernel forward, one backward): `reluAfter` is
   * `relu(bn(x))`, `reluBefore` is `bn(relu(x))` (statistics of the rectified input). Runs in training mode where
   * the fused kernels run and the order is switched on (`TFAI_FUSED_BN_ACT`), and without forward hooks on this
   * module (they would not see its own output); else returns undefined and the caller runs its composition
   * (see {@link batchNormRelu}).
   * @example
   * ```ts
   * const y = bn.forwardRelu(x, 'reluAfter') ?? tf.relu(bn.call(x));
   * ```
   */
  forwardRelu(x: tf.Tensor, act: 'reluAfter' | 'reluBefore'): tf.Tensor | undefined {
    if (!this.training || this.hasForwardHooks || !fusedBatchNormActEnabled(act)) return undefined;
    this.checkChannels(x);
    return this.fusedTrain(x, act);
  }

  forward(x: tf.Tensor): tf.Tensor {
    this.checkChannels(x);
    const c = x.shape[x.rank - 1];
    const scale = this.weight?.variable;
    const offset = this.bias?.variable;
    if (!this.training) return tf.batchNorm(x, this.runningMean, this.runningVar, offset, scale, this.eps);
    // One kernel forward and one backward on wasm/cpu (backend/kernels/batch-norm-train.ts), same numerics.
    const fused = this.fusedTrain(x, 'none');
    if (fused) return fused;
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

/** The order of a BatchNorm and a ReLU run as one: `reluAfter` is `relu(bn(x))`, `reluBefore` is `bn(relu(x))`. */
export type BatchNormReluOrder = 'reluAfter' | 'reluBefore';

/** A BatchNorm and a ReLU next to each other in a chain of layers, found by {@link bnReluPair}. */
export interface BnReluPair {
  /** The BatchNorm1d or BatchNorm2d. */
  bn: BatchNorm1d | BatchNorm2d;
  /** The ReLU. */
  relu: ReLU;
  /** Which comes first: `reluAfter` (BatchNorm, then ReLU) or `reluBefore` (ReLU, then BatchNorm). */
  act: BatchNormReluOrder;
}

const plainBn = (m: AnyModule): m is BatchNorm1d | BatchNorm2d =>
  m instanceof BatchNormBase && m.forward === BatchNormBase.prototype.forward;
const plainRelu = (m: AnyModule): m is ReLU => m instanceof ReLU && m.forward === ReLU.prototype.forward;

/**
 * `first` then `second` as a BatchNorm/ReLU pair that {@link batchNormRelu} can run as one (BatchNorm1d/2d and
 * ReLU with their own forwards, in either order), or undefined.
 * @example
 * ```ts
 * bnReluPair(new BatchNorm2d(8), new ReLU()); // { bn, relu, act: 'reluAfter' }
 * ```
 */
export function bnReluPair(first: AnyModule, second: AnyModule | undefined): BnReluPair | undefined {
  if (!second) return undefined;
  if (plainBn(first) && plainRelu(second)) return { bn: first, relu: second, act: 'reluAfter' };
  if (plainRelu(first) && plainBn(second)) return { bn: second, relu: first, act: 'reluBefore' };
  return undefined;
}

/**
 * Whether {@link batchNormRelu} would run `bn` and `relu` (undefined: a bare `tf.relu`) as one kernel now: training
 * mode, the fused kernels on this backend and the order switched on, and no forward hook on either module (hooks
 * must see what they saw). For callers that pick their own kernels around the pair (LinBnDrop).
 * @example
 * ```ts
 * if (batchNormReluFuses(bn, relu, 'reluBefore')) y = tf.matMul(x, w); // the ReLU goes into the BatchNorm
 * ```
 */
export function batchNormReluFuses(
  bn: BatchNorm1d | BatchNorm2d,
  relu: ReLU | undefined,
  act: BatchNormReluOrder,
): boolean {
  return bn.training && !bn.hasForwardHooks && !relu?.hasForwardHooks && fusedBatchNormActEnabled(act);
}

/**
 * `relu.call(bn.call(x))` (`reluAfter`) or `bn.call(relu.call(x))` (`reluBefore`) — `relu` undefined is a bare
 * `tf.relu` — with the ReLU inside BatchNorm's fused training kernels (one kernel forward and one backward in
 * place of three passes more over the activations) where {@link batchNormReluFuses}; else exactly that
 * composition. Same values either way (the ReLU's mask is exact); the modules and their state-dict names are
 * untouched.
 * @example
 * ```ts
 * const y = batchNormRelu(block.bn1, block.relu, block.conv1.call(x), 'reluAfter');
 * ```
 */
export function batchNormRelu(
  bn: BatchNorm1d | BatchNorm2d,
  relu: ReLU | undefined,
  x: tf.Tensor,
  act: BatchNormReluOrder,
): tf.Tensor {
  const fused = batchNormReluFuses(bn, relu, act) ? bn.forwardRelu(x, act) : undefined;
  if (fused) return fused;
  const r = (t: tf.Tensor) => (relu ? relu.call(t) : tf.relu(t));
  return act === 'reluAfter' ? r(bn.call(x)) : bn.call(r(x));
}

/**
 * A chain of layers run in order (Sequential's forward), each BatchNorm/ReLU pair next to each other
 * ({@link bnReluPair}) through {@link batchNormRelu}.
 * @example
 * ```ts
 * const y = forwardFusingBnRelu(convLayer.layers(), x); // conv, then BatchNorm2d + ReLU as one kernel when training
 * ```
 */
export function forwardFusingBnRelu(layers: readonly TensorModule[], x: tf.Tensor): tf.Tensor {
  let y = x;
  for (let i = 0; i < layers.length; i++) {
    const pair = bnReluPair(layers[i] as unknown as AnyModule, layers[i + 1] as unknown as AnyModule | undefined);
    if (pair) {
      y = batchNormRelu(pair.bn, pair.relu, y, pair.act);
      i++;
    } else y = layers[i].call(y);
  }
  return y;
}
