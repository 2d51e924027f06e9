import * as tf from '@tensorflow/tfjs-core';
import { Module } from '../module.js';

import type { Size2d } from './conv.js';
const pair = (v: Size2d): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** Options of {@link MaxPool2d} and {@link AvgPool2d}, as PyTorch's arguments. */
export interface Pool2dOptions {
  /** Window step; default the kernel size. */
  stride?: Size2d;
  /** Implicit padding on each side; default 0. */
  padding?: Size2d;
  /**
   * PyTorch's `ceil_mode`: round the output size up, so a last partial window (starting inside the input or its
   * left padding) is kept. Default false.
   */
  ceilMode?: boolean;
}

/**
 * The extra cells after the right padding that `ceil_mode` needs on one axis, as PyTorch's
 * `pooling_output_shape`: `out = ceil((L + 2p - k) / s) + 1`, less one if the last window would start in the
 * right padding.
 */
function ceilExtra(len: number, k: number, s: number, p: number): number {
  let out = Math.floor((len + 2 * p - k + s - 1) / s) + 1;
  if ((out - 1) * s >= len + p) out--;
  return Math.max(0, (out - 1) * s + k - (len + 2 * p));
}

/** What {@link MaxPool2d} and {@link AvgPool2d} share: PyTorch's kernel size, stride (default: the kernel size) and padding. */
abstract class Pool2d extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'Pool2d';
  /** Window size `[kh, kw]` (PyTorch's `kernel_size`). */
  readonly kernelSize: [number, number];
  /** Step between windows `[down, across]` (PyTorch's `stride`; default: the kernel size). */
  readonly stride: [number, number];
  /** Padding `[rows, columns]` added to each side of the input (PyTorch's `padding`; default 0). */
  readonly padding: [number, number];
  /** PyTorch's `ceil_mode` (default false). */
  readonly ceilMode: boolean;
  constructor(kernelSize: Size2d, opts: Pool2dOptions = {}) {
    super();
    this.kernelSize = pair(kernelSize);
    this.stride = pair(opts.stride ?? kernelSize);
    this.padding = pair(opts.padding ?? 0);
    this.ceilMode = opts.ceilMode ?? false;
  }
  /**
   * The extra right/bottom cells `ceil_mode` adds for an NHWC input, `[0, 0]` without it. Throws a RangeError, as
   * PyTorch's "output size is too small", when the window is larger than the padded input (the wasm kernels would
   * read out of bounds).
   */
  protected ceilExtras(x: tf.Tensor): [number, number] {
    const [, h, w] = x.shape;
    for (const [len, i] of [
      [h, 0],
      [w, 1],
    ] as const)
      if (len + 2 * this.padding[i] < this.kernelSize[i])
        throw new RangeError(
          `${this.typeName}: input size ${h}×${w} (padding ${this.padding[0]}) is smaller than the kernel ${this.kernelSize[0]}×${this.kernelSize[1]}: output size is too small`,
        );
    if (!this.ceilMode) return [0, 0];
    return [
      ceilExtra(h, this.kernelSize[0], this.stride[0], this.padding[0]),
      ceilExtra(w, this.kernelSize[1], this.stride[1], this.padding[1]),
    ];
  }
  /** The NHWC padding (symmetric, plus `extra` after), or `undefined` when there is none. */
  protected explicitPadding(
    extra: [number, number] = [0, 0],
  ): [[number, number], [number, number], [number, number], [number, number]] | undefined {
    const [ph, pw] = this.padding;
    if (!ph && !pw && !extra[0] && !extra[1]) return undefined;
    return [
      [0, 0],
      [ph, ph + extra[0]],
      [pw, pw + extra[1]],
      [0, 0],
    ];
  }
}

/**
 * Max pooling with PyTorch's symmetric padding (padded cells never win), NHWC.
 * @example
 * ```ts
 * new MaxPool2d(3, { stride: 2, padding: 1 }).call(tf.zeros([1, 64, 64, 8])).shape; // [1, 32, 32, 8]
 * ```
 */
export class MaxPool2d extends Pool2d {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'MaxPool2d';
  forward(x: tf.Tensor): tf.Tensor {
    const pad = this.explicitPadding(this.ceilExtras(x));
    return tf.maxPool(x as tf.Tensor4D, this.kernelSize, this.stride, (pad ?? 'valid') as 'valid');
  }
  protected override extraRepr(): string {
    return `kernel_size=${this.kernelSize[0]}, stride=${this.stride[0]}, padding=${this.padding[0]}, dilation=1, ceil_mode=${this.ceilMode ? 'True' : 'False'}`;
  }
  protected override attributes(): Record<string, unknown> {
    const a: Record<string, unknown> = {
      kernel_size: this.kernelSize[0],
      stride: this.stride[0],
      padding: this.padding[0],
    };
    if (this.ceilMode) a.ceil_mode = true;
    return a;
  }
}

/**
 * Average pooling; padding counts as zeros in the average (PyTorch's `count_include_pad=True`). With `ceilMode`,
 * a last partial window averages only the cells inside the input and its padding, as PyTorch's (fastai's
 * xresnet shortcut `AvgPool2d(2, ceil_mode=True)`).
 * @example
 * ```ts
 * new AvgPool2d(2, { ceilMode: true }).call(tf.ones([1, 7, 7, 4])).shape; // [1, 4, 4, 4], all ones
 * ```
 */
export class AvgPool2d extends Pool2d {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'AvgPool2d';
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const extra = this.ceilExtras(x);
      const pad = this.explicitPadding(extra);
      const xp = pad ? tf.pad(x, pad) : x;
      const avg = tf.avgPool(xp as tf.Tensor4D, this.kernelSize, this.stride, 'valid');
      if (!extra[0] && !extra[1]) return avg;
      // The share of each window inside the input and its padding: the divisor PyTorch uses at the edge.
      const [, h, w] = x.shape;
      const [ph, pw] = this.padding;
      const inside = tf.pad(tf.ones([1, h + 2 * ph, w + 2 * pw, 1]), [
        [0, 0],
        [0, extra[0]],
        [0, extra[1]],
        [0, 0],
      ]);
      return tf.div(avg, tf.avgPool(inside as tf.Tensor4D, this.kernelSize, this.stride, 'valid'));
    });
  }
  protected override extraRepr(): string {
    return `kernel_size=${this.kernelSize[0]}, stride=${this.stride[0]}, padding=${this.padding[0]}${this.ceilMode ? ', ceil_mode=True' : ''}`;
  }
}

/** PyTorch's adaptive pooling windows: `[floor(i·in/out), ceil((i+1)·in/out))`. */
function adaptiveWindows(inSize: number, outSize: number): [number, number][] {
  return Array.from({ length: outSize }, (_, i) => [
    Math.floor((i * inSize) / outSize),
    Math.ceil(((i + 1) * inSize) / outSize),
  ]);
}

function adaptivePool(x: tf.Tensor, size: [number, number], kind: 'avg' | 'max'): tf.Tensor {
  const reduce = (t: tf.Tensor) => (kind === 'avg' ? tf.mean(t, [1, 2], true) : tf.max(t, [1, 2], true));
  const [, h, w] = x.shape;
  if (size[0] === 1 && size[1] === 1) return reduce(x);
  if (h % size[0] === 0 && w % size[1] === 0) {
    const k: [number, number] = [h / size[0], w / size[1]];
    return kind === 'avg' ? tf.avgPool(x as tf.Tensor4D, k, k, 'valid') : tf.maxPool(x as tf.Tensor4D, k, k, 'valid');
  }
  return tf.tidy(() => {
    const rows = adaptiveWindows(h, size[0]).map(([h0, h1]) =>
      tf.concat(
        adaptiveWindows(w, size[1]).map(([w0, w1]) => reduce(tf.slice(x, [0, h0, w0, 0], [-1, h1 - h0, w1 - w0, -1]))),
        2,
      ),
    );
    return tf.concat(rows, 1);
  });
}

/** Pooling to a fixed output size; the two adaptive pools differ only in their reduction. */
abstract class AdaptivePool2d extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'AdaptivePool2d';
  /** Output height and width `[oh, ow]`, whatever the input's (PyTorch's `output_size`; default 1: global pooling). */
  readonly outputSize: [number, number];
  /** The reduction over each window: `avg` (mean) or `max`. */
  protected abstract readonly kind: 'avg' | 'max';
  constructor(outputSize: Size2d = 1) {
    super();
    this.outputSize = pair(outputSize);
  }
  forward(x: tf.Tensor): tf.Tensor {
    return adaptivePool(x, this.outputSize, this.kind);
  }
  protected override extraRepr(): string {
    const [a, b] = this.outputSize;
    return `output_size=${a === b ? a : `(${a}, ${b})`}`;
  }
  protected override attributes(): Record<string, unknown> {
    const [a, b] = this.outputSize;
    return { output_size: a === b ? a : this.outputSize };
  }
}

/** Average pooling to a fixed output size (1 = global average). */
export class AdaptiveAvgPool2d extends AdaptivePool2d {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'AdaptiveAvgPool2d';
  protected readonly kind = 'avg';
}

/** Max pooling to a fixed output size (1 = global max). */
export class AdaptiveMaxPool2d extends AdaptivePool2d {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'AdaptiveMaxPool2d';
  protected readonly kind = 'max';
}

/**
 * fastai's `AdaptiveConcatPool2d`: adaptive max pool and adaptive average pool, concatenated on channels
 * (max first), so the head sees `2·C` features.
 * @example
 * ```ts
 * new AdaptiveConcatPool2d().call(tf.zeros([2, 7, 7, 512])).shape; // [2, 1, 1, 1024]
 * ```
 */
export class AdaptiveConcatPool2d extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'AdaptiveConcatPool2d';
  /** The average pool, whose output fills the second `C` channels (fastai's `ap`). */
  readonly ap: AdaptiveAvgPool2d;
  /** The max pool, whose output fills the first `C` channels (fastai's `mp`). */
  readonly mp: AdaptiveMaxPool2d;
  constructor(
    /** Output height and width of both pools (fastai's `size`; default 1: one value per channel). */
    readonly size: number = 1,
  ) {
    super();
    this.ap = this.registerModule('ap', new AdaptiveAvgPool2d(size));
    this.mp = this.registerModule('mp', new AdaptiveMaxPool2d(size));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.concat([this.mp.call(x), this.ap.call(x)], -1));
  }
  protected override attributes(): Record<string, unknown> {
    return { size: this.size };
  }
}
