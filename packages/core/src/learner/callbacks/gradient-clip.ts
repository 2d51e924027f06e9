import * as tf from '@tensorflow/tfjs-core';
import { Callback } from '../callback.js';

/**
 * Clips the global norm of the gradients to `maxNorm` before each step (PyTorch's `clip_grad_norm_`).
 * Works on the device: no tensor data is read.
 * @example
 * ```ts
 * await learn.fit(1, 1e-3, { cbs: [new GradientClip(1)] });
 * ```
 */
export class GradientClip extends Callback {
  constructor(
    /** The largest global L2 norm of all gradients together; larger ones are scaled down to it (PyTorch's `max_norm`). Default 1. */
    readonly maxNorm = 1,
  ) {
    super();
  }
  override afterBackward(): void {
    const grads = this.learn.grads;
    if (!grads) return;
    const names = Object.keys(grads);
    const clipped = tf.tidy(() => {
      const total = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n])))));
      const coef = tf.minimum(tf.div(this.maxNorm, tf.add(total, 1e-6)), 1);
      return Object.fromEntries(names.map((n) => [n, tf.mul(grads[n], coef)]));
    });
    tf.dispose(Object.values(grads));
    this.learn.grads = clipped;
  }
}
