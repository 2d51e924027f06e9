import * as tf from '@tensorflow/tfjs-core';
import { Module, type Parameter } from '../module.js';

/** `(x − mean) / sqrt(var + eps)` over the last axis (biased variance, as PyTorch). */
function normalizeLast(x: tf.Tensor, eps: number): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
  });
}

/**
 * `torch.nn.LayerNorm(normalized_shape)` over the last axis: normalises each vector of the last axis to mean 0
 * and variance 1 (biased), then scales by `weight` and shifts by `bias` (PyTorch's names, shape `[n]`).
 * @example
 * ```ts
 * new LayerNorm(384, { eps: 1e-6 }).call(tf.randomNormal([2, 7, 7, 384])).shape; // [2, 7, 7, 384]
 * ```
 */
export class LayerNorm extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'LayerNorm';
  /** The scale, `[n]`, initialised to 1. */
  readonly weight: Parameter;
  /** The shift, `[n]`, initialised to 0. */
  readonly bias: Parameter;
  /** Added to the variance before the square root (PyTorch's default 1e-5). */
  readonly eps: number;
  constructor(
    /** The size of the normalised (last) axis. */
    readonly normalizedShape: number,
    opts: { eps?: number } = {},
  ) {
    super();
    this.eps = opts.eps ?? 1e-5;
    this.weight = this.registerParameter('weight', tf.ones([normalizedShape]), 'none', 'norm');
    this.bias = this.registerParameter('bias', tf.zeros([normalizedShape]), 'none', 'norm');
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(tf.mul(normalizeLast(x, this.eps), this.weight.variable), this.bias.variable));
  }
  protected override extraRepr(): string {
    return `(${this.normalizedShape},), eps=${this.eps}, elementwise_affine=True`;
  }
  protected override attributes(): Record<string, unknown> {
    return { normalized_shape: [this.normalizedShape], eps: this.eps };
  }
}

/**
 * torchvision's `LayerNorm2d` (ConvNeXt): a LayerNorm over the channels of an image, which PyTorch computes by
 * permuting NCHW to NHWC and back. On tfai's NHWC activations the channels are already the last axis, so this is
 * {@link LayerNorm} under torchvision's class name.
 * @example
 * ```ts
 * new LayerNorm2d(96, { eps: 1e-6 }).call(tf.randomNormal([1, 56, 56, 96])).shape; // [1, 56, 56, 96]
 * ```
 */
export class LayerNorm2d extends LayerNorm {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'LayerNorm2d';
}
