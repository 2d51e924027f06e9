import * as tf from '@tensorflow/tfjs-core';
import { Module } from '../module.js';

import type { Size2d } from './conv.js';
const pair = (v: Size2d): [number, number] => (typeof v === 'number' ? [v, v] : v);

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
  constructor(kernelSize: Size2d, opts: { stride?: Size2d; padding?: Size2d } = {}) {
    super();
    this.kernelSize = pair(kernelSize);
    this.stride = pair(opts.stride ?? kernelSize);
    this.padding = pair(opts.padding ?? 0);
  }
  /** The symmetric NHWC padding, or `undefined` when there is none. */
  protected explicitPadding(): [[number, number], [number, number], [number, number], [number, number]] | undefined {
    const [ph, pw] = this.padding;
    if (!ph && !pw) return undefined;
    return [
      [0, 0],
      [ph, ph],
      [pw, pw],
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
    const pad = this.explicitPadding();
    return tf.maxPool(x as tf.Tensor4D, this.kernelSize, this.stride, (pad ?? 'valid') as 'valid');
  }
  protected override extraRepr(): string {
    return `kernel_size=${this.kernelSize[0]}, stride=${this.stride[0]}, padding=${this.padding[0]}, dilation=1, ceil_mode=False`;
  }
  protected override attributes(): Record<string, unknown> {
    return { kernel_size: this.kernelSize[0], stride: this.stride[0], padding: this.padding[0] };
  }
}

/** Average pooling; padding counts as zeros in the average (PyTorch's `count_include_pad=True`). */
export class AvgPool2d extends Pool2d {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'AvgPool2d';
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const pad = this.explicitPadding();
      const xp = pad ? tf.pad(x, pad) : x;
      return tf.avgPool(xp as tf.Tensor4D, this.kernelSize, this.stride, 'valid');
    });
  }
  protected override extraRepr(): string {
    return `kernel_size=${this.kernelSize[0]}, stride=${this.stride[0]}, padding=${this.padding[0]}`;
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
