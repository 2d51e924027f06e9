import * as tf from '@tensorflow/tfjs-core';
import { Module } from '../module.js';

import type { Size2d } from './conv.js';
const pair = (v: Size2d): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** Options of {@link Upsample} and {@link interpolate}: PyTorch's `nn.Upsample` arguments. Give `size` or `scaleFactor`. */
export interface UpsampleOptions {
  /** The output height and width. */
  size?: Size2d;
  /** Multiplier of the height and width; the output is `floor(in · scaleFactor)`. */
  scaleFactor?: Size2d;
  /** Default 'nearest' (PyTorch's floor(dst · in/out) rule, not `nearest-exact`). */
  mode?: 'nearest' | 'bilinear';
  /**
   * Bilinear only: map corner pixel centres onto each other (`(in-1)/(out-1)` spacing) instead of PyTorch's
   * default half-pixel centres. Default false.
   */
  alignCorners?: boolean;
  /** Use the output/input size ratio instead of `1/scaleFactor` for the source coordinates (PyTorch's option). */
  recomputeScaleFactor?: boolean;
}

/** The resolved options of one axis. */
interface Axis {
  inSize: number;
  outSize: number;
  /** `1/scaleFactor` when PyTorch uses the given factor rather than in/out; undefined otherwise. */
  invScale: number | undefined;
}

const f32 = Math.fround;

/** Source indices (and weight of the second one, bilinear) of each output position, in PyTorch's float32 arithmetic. */
function sources(
  a: Axis,
  mode: 'nearest' | 'bilinear',
  alignCorners: boolean,
): { i0: Int32Array; i1: Int32Array; w1: Float32Array } {
  const { inSize, outSize } = a;
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w1 = new Float32Array(outSize);
  if (mode === 'nearest') {
    const scale = a.invScale ?? f32(inSize / outSize);
    for (let d = 0; d < outSize; d++) i0[d] = i1[d] = Math.min(Math.floor(f32(d * scale)), inSize - 1);
    return { i0, i1, w1 };
  }
  const scale = alignCorners
    ? outSize > 1
      ? f32((inSize - 1) / (outSize - 1))
      : 0
    : (a.invScale ?? f32(inSize / outSize));
  for (let d = 0; d < outSize; d++) {
    const src = alignCorners ? f32(scale * d) : Math.max(0, f32(f32(scale * (d + 0.5)) - 0.5));
    const lo = Math.floor(src);
    i0[d] = lo;
    i1[d] = lo < inSize - 1 ? lo + 1 : lo;
    w1[d] = f32(src - lo);
  }
  return { i0, i1, w1 };
}

/** Resizes one axis (1 = height, 2 = width) of an NHWC tensor by gathering its sources. */
function resizeAxis(
  x: tf.Tensor,
  axis: 1 | 2,
  a: Axis,
  mode: 'nearest' | 'bilinear',
  alignCorners: boolean,
): tf.Tensor {
  const { i0, i1, w1 } = sources(a, mode, alignCorners);
  const g0 = tf.gather(x, tf.tensor1d(i0, 'int32'), axis);
  if (mode === 'nearest') return g0;
  const shape = axis === 1 ? [1, a.outSize, 1, 1] : [1, 1, a.outSize, 1];
  const w = tf.tensor(w1, shape);
  return tf.add(tf.mul(g0, tf.sub(1, w)), tf.mul(tf.gather(x, tf.tensor1d(i1, 'int32'), axis), w));
}

/**
 * PyTorch's `F.interpolate` for NHWC images, nearest or bilinear. Where PyTorch's source coordinates are those of
 * the size ratio (a `size`, an exact `scaleFactor`, or `alignCorners`), this is `tf.image.resizeNearestNeighbor` /
 * `resizeBilinear` (whose gradients core registers for cpu and wasm); with a `scaleFactor` whose output size is
 * rounded down, PyTorch maps coordinates by `1/scaleFactor`, and so does this, by gathering rows and columns.
 * @example
 * ```ts
 * interpolate(tf.zeros([2, 5, 7, 3]), { scaleFactor: 2, mode: 'bilinear' }).shape; // [2, 10, 14, 3]
 * ```
 */
export function interpolate(x: tf.Tensor, opts: UpsampleOptions): tf.Tensor {
  const mode = opts.mode ?? 'nearest';
  const alignCorners = checkOptions(opts);
  if (x.rank !== 4)
    throw new RangeError(`interpolate: expected an NHWC image batch (rank 4), got shape [${x.shape.join(', ')}]`);
  const [, h, w] = x.shape as [number, number, number, number];
  const axes = ([h, w] as const).map((inSize, i): Axis => {
    if (opts.size !== undefined) return { inSize, outSize: pair(opts.size)[i]!, invScale: undefined };
    const s = pair(opts.scaleFactor!)[i]!;
    const outSize = Math.floor(inSize * s);
    // PyTorch uses 1/s itself unless told to recompute it; where in·s is whole, 1/s = in/out exactly.
    const exact = opts.recomputeScaleFactor || inSize * s === outSize || (mode === 'bilinear' && alignCorners);
    return { inSize, outSize, invScale: exact ? undefined : f32(1 / s) };
  });
  if (axes.some((a) => a.outSize < 1))
    throw new RangeError(`interpolate: output size [${axes.map((a) => a.outSize).join(', ')}] is empty`);
  return tf.tidy(() => {
    if (axes.every((a) => a.invScale === undefined)) {
      const size: [number, number] = [axes[0]!.outSize, axes[1]!.outSize];
      const x4 = x as tf.Tensor4D;
      // PyTorch's bilinear default is half-pixel centres; its 'nearest' is floor(dst · in/out) (no half pixels).
      return mode === 'nearest'
        ? tf.image.resizeNearestNeighbor(x4, size, false, false)
        : tf.image.resizeBilinear(x4, size, alignCorners, !alignCorners);
    }
    return resizeAxis(resizeAxis(x, 1, axes[0]!, mode, alignCorners), 2, axes[1]!, mode, alignCorners);
  });
}

/** Validates the options as PyTorch does; returns alignCorners. */
function checkOptions(opts: UpsampleOptions): boolean {
  const mode = opts.mode ?? 'nearest';
  if (mode !== 'nearest' && mode !== 'bilinear')
    throw new RangeError(`Upsample: mode '${String(mode)}' is not 'nearest' or 'bilinear'`);
  if ((opts.size === undefined) === (opts.scaleFactor === undefined))
    throw new RangeError('Upsample: give exactly one of size or scaleFactor');
  if (opts.alignCorners !== undefined && mode === 'nearest')
    throw new RangeError('Upsample: alignCorners can only be set with the bilinear mode');
  const bad = [
    ...(opts.size === undefined ? [] : pair(opts.size)),
    ...(opts.scaleFactor === undefined ? [] : pair(opts.scaleFactor)),
  ].find((v) => !(Number.isFinite(v) && v > 0));
  if (bad !== undefined) throw new RangeError(`Upsample: size and scaleFactor must be positive, got ${bad}`);
  if (opts.size !== undefined && !pair(opts.size).every(Number.isInteger))
    throw new RangeError('Upsample: size must be whole numbers');
  return opts.alignCorners ?? false;
}

/** Python's repr of a float (`2.0`, `1.5`). */
const pyFloat = (v: number): string => (Number.isInteger(v) ? v.toFixed(1) : String(v));

/**
 * PyTorch's `nn.Upsample` on NHWC activations: `size` or `scaleFactor`, `mode` 'nearest' (default) or
 * 'bilinear', `alignCorners` (bilinear only). Forward and gradient match PyTorch 1.13 (see {@link interpolate}).
 * @example
 * ```ts
 * const up = new Upsample({ scaleFactor: 2, mode: 'nearest' });
 * up.call(tf.zeros([1, 7, 7, 512])).shape; // [1, 14, 14, 512]
 * up.toString(); // 'Upsample(scale_factor=2.0, mode=nearest)'
 * ```
 */
export class Upsample extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'Upsample';
  /** Fixed output `[height, width]` (PyTorch's `size`); undefined when `scaleFactor` is given. */
  readonly size: [number, number] | undefined;
  /** Multipliers `[height, width]` of the input size (PyTorch's `scale_factor`); undefined when `size` is given. */
  readonly scaleFactor: [number, number] | undefined;
  /** Interpolation: `nearest` (PyTorch's floor rule; the default) or `bilinear` (PyTorch's `mode`). */
  readonly mode: 'nearest' | 'bilinear';
  /** Bilinear only: corner pixel centres mapped onto each other (PyTorch's `align_corners`); undefined: false. */
  readonly alignCorners: boolean | undefined;
  /** Source coordinates from the output/input size ratio rather than `1/scaleFactor` (PyTorch's `recompute_scale_factor`); undefined: false. */
  readonly recomputeScaleFactor: boolean | undefined;
  private readonly given: UpsampleOptions;
  constructor(opts: UpsampleOptions) {
    super();
    checkOptions(opts);
    this.given = { ...opts };
    this.size = opts.size === undefined ? undefined : pair(opts.size);
    this.scaleFactor = opts.scaleFactor === undefined ? undefined : pair(opts.scaleFactor);
    this.mode = opts.mode ?? 'nearest';
    this.alignCorners = opts.alignCorners;
    this.recomputeScaleFactor = opts.recomputeScaleFactor;
  }
  forward(x: tf.Tensor): tf.Tensor {
    return interpolate(x, this.given);
  }
  protected override extraRepr(): string {
    const { size, scaleFactor } = this.given;
    const info =
      scaleFactor !== undefined
        ? `scale_factor=${typeof scaleFactor === 'number' ? pyFloat(scaleFactor) : `(${scaleFactor.map(pyFloat).join(', ')})`}`
        : `size=${typeof size === 'number' ? size : `(${size!.join(', ')})`}`;
    return `${info}, mode=${this.mode}`;
  }
  protected override attributes(): Record<string, unknown> {
    return {
      size: this.given.size ?? null,
      scale_factor: this.given.scaleFactor ?? null,
      mode: this.mode,
      align_corners: this.alignCorners ?? null,
    };
  }
}
