import * as tf from '@tensorflow/tfjs-core';
import { Module } from '../module.js';
import { globalRng } from '../random.js';

/**
 * torchvision's `ops.stochastic_depth(x, p, mode, training)`: in training, drops whole residual branches —
 * per sample (`'row'`) or for the whole batch (`'batch'`) — with probability `p`, scaling the kept ones by
 * `1/(1−p)`; the identity in eval or when `p` is 0. Masks come from the seeded global generator.
 * @example
 * ```ts
 * stochasticDepth(branch, 0.1, 'row', true); // some samples' branches zeroed
 * ```
 */
export function stochasticDepth(x: tf.Tensor, p: number, mode: 'row' | 'batch', training: boolean): tf.Tensor {
  if (p < 0 || p > 1) throw new RangeError(`stochastic depth probability has to be between 0 and 1, got ${p}`);
  if (!training || p === 0) return x;
  return tf.tidy(() => {
    const survival = 1 - p;
    const shape = mode === 'row' ? [x.shape[0], ...x.shape.slice(1).map(() => 1)] : x.shape.map(() => 1);
    const keep = tf.cast(tf.less(tf.randomUniform(shape, 0, 1, 'float32', globalRng.seed()), survival), 'float32');
    return tf.mul(x, survival > 0 ? tf.div(keep, survival) : keep);
  });
}

/**
 * torchvision's `ops.StochasticDepth(p, mode)`: {@link stochasticDepth} as a module (no parameters), the
 * identity in eval.
 * @example
 * ```ts
 * const sd = new StochasticDepth(0.1, 'row');
 * sd.eval().call(x) === x; // true
 * ```
 */
export class StochasticDepth extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'StochasticDepth';
  constructor(
    /** Probability of dropping a branch, in [0, 1]. */
    readonly p: number,
    /** `'row'`: a draw per sample; `'batch'`: one draw for the batch. */
    readonly mode: 'row' | 'batch' = 'row',
  ) {
    super();
    if (p < 0 || p > 1) throw new RangeError(`StochasticDepth p must be in [0, 1], got ${p}`);
  }
  forward(x: tf.Tensor): tf.Tensor {
    return stochasticDepth(x, this.p, this.mode, this.training);
  }
  protected override extraRepr(): string {
    return `p=${this.p}, mode=${this.mode}`;
  }
  protected override attributes(): Record<string, unknown> {
    return { p: this.p, mode: this.mode };
  }
}
