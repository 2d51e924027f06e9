import type * as tf from '@tensorflow/tfjs-core';
import { dropout } from '../../backend/fused-ops.js';
import { Module } from '../module.js';
import { globalRng } from '../random.js';

/**
 * Zeroes each element with probability `p` in training and scales the rest by `1/(1-p)`; identity in eval.
 * @example
 * ```ts
 * const d = new Dropout(0.5).eval();
 * d.call(x) === x; // true
 * ```
 */
export class Dropout extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'Dropout';
  constructor(
    /** Probability of zeroing each element in training, in [0, 1) (PyTorch's `p`; default 0.5). */
    readonly p = 0.5,
  ) {
    super();
    if (p < 0 || p >= 1) throw new RangeError(`Dropout p must be in [0, 1), got ${p}`);
  }
  forward(x: tf.Tensor): tf.Tensor {
    if (!this.training || this.p === 0) return x;
    return dropout(x, this.p, undefined, globalRng.seed());
  }
  protected override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
  protected override attributes(): Record<string, unknown> {
    return { p: this.p };
  }
}
