// fastai 2.7's PixelShuffle_ICNR and icnr_init (`fastai/layers.py`): learnable ×scale upsampling by a 1×1 conv
// and PixelShuffle, initialised (ICNR) so that it starts as nearest-neighbour upsampling of a random 1×1 conv.
import * as tf from '@tensorflow/tfjs-core';
import { kaimingNormal } from '../init.js';
import type { Conv2d } from '../layers/conv.js';
import { Sequential, type TensorModule } from '../layers/container.js';
import { AvgPool2d } from '../layers/pooling.js';
import { PixelShuffle } from '../layers/reshape.js';
import { Module } from '../module.js';
import { ConvLayer, defaultActivation, type ActFactory } from './conv-layer.js';
import type { InitFn } from './init.js';
import type { NormType } from './norm.js';

/**
 * fastai's `icnr_init(x, scale, init)` for a conv weight of PyTorch shape `[out, in, kh, kw]` (`out = nf·scale²`):
 * draws `init` for `[out/scale², in, kh, kw]` and repeats each filter for the `scale²` sub-pixels, reproducing
 * fastai's transposes and views exactly. Returns the weight in PyTorch's OIHW layout.
 * @example
 * ```ts
 * const w = icnrInit([64, 32, 1, 1]); // filters 4c…4c+3 are equal
 * ```
 */
export function icnrInit(
  shape: [number, number, number, number],
  scale = 2,
  init: InitFn = kaimingNormal,
): tf.Tensor4D {
  const [ni, nf, h, w] = shape;
  const ni2 = Math.trunc(ni / scale ** 2);
  return tf.tidy(() => {
    // PyTorch's fan-in of [ni2, nf, h, w] is nf·h·w.
    let k = tf.transpose(init([ni2, nf, h, w], nf * h * w), [1, 0, 2, 3]);
    k = k.reshape([ni2, nf, -1]);
    k = tf.tile(k, [1, 1, scale ** 2]);
    return tf.transpose(k.reshape([nf, ni, h, w]), [1, 0, 2, 3]) as tf.Tensor4D;
  });
}

/**
 * PyTorch's `ReplicationPad2d(left, right, top, bottom)` on NHWC: pads by repeating the edge pixels.
 * @example
 * ```ts
 * new ReplicationPad2d([1, 0, 1, 0]).call(tf.zeros([1, 4, 4, 3])).shape; // [1, 5, 5, 3]
 * ```
 */
export class ReplicationPad2d extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'ReplicationPad2d';
  constructor(
    /** Edge pixels repeated on each side, `[left, right, top, bottom]` as PyTorch's `padding` 4-tuple. */
    readonly padding: [number, number, number, number],
  ) {
    super();
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [l, r, t, b] = this.padding;
      const [n, h, w, c] = x.shape as [number, number, number, number];
      const rep = (s: tf.Tensor, axis: number, k: number) =>
        k ? [tf.tile(s, axis === 1 ? [1, k, 1, 1] : [1, 1, k, 1])] : [];
      let y = tf.concat(
        [...rep(x.slice([0, 0, 0, 0], [n, 1, w, c]), 1, t), x, ...rep(x.slice([0, h - 1, 0, 0], [n, 1, w, c]), 1, b)],
        1,
      );
      const hh = h + t + b;
      y = tf.concat(
        [...rep(y.slice([0, 0, 0, 0], [n, hh, 1, c]), 2, l), y, ...rep(y.slice([0, 0, w - 1, 0], [n, hh, 1, c]), 2, r)],
        2,
      );
      return y;
    });
  }
  protected override extraRepr(): string {
    return `(${this.padding.join(', ')})`;
  }
  protected override attributes(): Record<string, unknown> {
    return { padding: this.padding };
  }
}

/** Options of {@link PixelShuffleICNR}. */
export interface PixelShuffleICNROptions {
  /** Upsampling factor (default 2). */
  scale?: number;
  /** Add fastai's blur (ReplicationPad2d(1,0,1,0) + AvgPool2d(2, stride 1)) against checkerboard artefacts. */
  blur?: boolean;
  /** Norm of the 1×1 conv: fastai's default `'Weight'` (weight normalisation); DynamicUnet passes its own (`null`). */
  normType?: NormType;
  /** Activation after the conv (default ReLU). */
  actCls?: ActFactory | null;
}

/**
 * fastai's `PixelShuffle_ICNR(ni, nf, scale, blur, norm_type, act_cls)`: `ConvLayer(ni, nf·scale², ks=1)` with ICNR
 * initialisation, then `PixelShuffle(scale)` (and the optional blur). `[N, H, W, ni] → [N, H·s, W·s, nf]`.
 * @example
 * ```ts
 * const up = new PixelShuffleICNR(16, 8);
 * up.call(tf.zeros([2, 4, 4, 16])).shape; // [2, 8, 8, 8]
 * ```
 */
export class PixelShuffleICNR extends Sequential {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'PixelShuffleICNR';
  constructor(ni: number, nf: number = ni, opts: PixelShuffleICNROptions = {}) {
    const scale = opts.scale ?? 2;
    const conv = new ConvLayer(ni, nf * scale ** 2, {
      ks: 1,
      normType: opts.normType === undefined ? 'Weight' : opts.normType,
      actCls: opts.actCls === undefined ? defaultActivation : opts.actCls,
      biasStd: 0,
    });
    const layers: TensorModule[] = [conv, new PixelShuffle(scale)];
    if (opts.blur) layers.push(new ReplicationPad2d([1, 0, 1, 0]), new AvgPool2d(2, { stride: 1 }));
    super(...layers);
    const c = conv.get(0) as Conv2d;
    // With weight normalisation fastai copies the ICNR weight into weight_v and its norms into weight_g.
    tf.tidy(() => c.weight.variable.assign(tf.transpose(icnrInit([nf * scale ** 2, ni, 1, 1], scale), [2, 3, 1, 0])));
    if (c.weightG) c.resetWeightG();
  }
  override get typeName(): string {
    return 'PixelShuffle_ICNR';
  }
}
