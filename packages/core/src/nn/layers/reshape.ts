import * as tf from '@tensorflow/tfjs-core';
import { Module } from '../module.js';

/**
 * fastai's `Flatten`: `[N, …] → [N, -1]` (or fully flat with `full`). NHWC activations are flattened in
 * PyTorch's NCHW order so that a following Linear sees features in the same order as in PyTorch.
 */
export class Flatten extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'Flatten';
  constructor(
    /** Flatten the batch axis too, to one vector `[N·…]` (fastai's `full`; default false: `[N, -1]`). */
    readonly full = false,
  ) {
    super();
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const t = x.rank === 4 && x.shape[1]! * x.shape[2]! > 1 ? tf.transpose(x, [0, 3, 1, 2]) : x;
      return this.full ? t.reshape([-1]) : t.reshape([x.shape[0]!, -1]);
    });
  }
  protected override extraRepr(): string {
    return `full=${this.full ? 'True' : 'False'}`;
  }
  protected override attributes(): Record<string, unknown> {
    return { full: this.full };
  }
}

/**
 * `PixelShuffle(r)`: `[N, H, W, C·r²] → [N, H·r, W·r, C]` with PyTorch's channel order (channel
 * `c·r² + i·r + j` goes to sub-pixel `(i, j)` of output channel `c`), unlike `tf.depthToSpace`.
 */
export class PixelShuffle extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'PixelShuffle';
  constructor(
    /** The factor r by which height and width grow; channels shrink by r² (PyTorch's `upscale_factor`). */
    readonly upscaleFactor: number,
  ) {
    super();
  }
  forward(x: tf.Tensor): tf.Tensor {
    return pixelShuffle(x, this.upscaleFactor);
  }
  protected override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
  protected override attributes(): Record<string, unknown> {
    return { upscale_factor: this.upscaleFactor };
  }
}

/** The function behind {@link PixelShuffle}. */
export function pixelShuffle(x: tf.Tensor, r: number): tf.Tensor {
  return tf.tidy(() => {
    const [n, h, w, cr2] = x.shape as [number, number, number, number];
    const c = cr2 / (r * r);
    if (!Number.isInteger(c)) throw new RangeError(`PixelShuffle(${r}): ${cr2} channels is not a multiple of ${r * r}`);
    // [n, h, w, c, i, j] → [n, h, i, w, j, c]; folded into rank 5 as [n·h, w, c, i, j] for backends limited to 5-D.
    const t = x.reshape([n * h, w, c, r, r]).transpose([0, 3, 1, 4, 2]);
    return t.reshape([n, h * r, w * r, c]);
  });
}
