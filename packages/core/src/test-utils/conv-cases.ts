// The convolution cases of the kernel tests (wasm and webgpu against cpu): their type, name and inputs.
import * as tf from '@tensorflow/tfjs-core';
import { randomInput, type Input } from './backends.js';

/** A 2-D convolution: input x [N, H, W, Ci], a [kh, kw] filter to `co` channels, stride and padding. */
export interface ConvCase {
  x: [number, number, number, number];
  k: [number, number];
  co: number;
  s: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
}

/** A case's test name. */
export const convCaseName = (c: ConvCase): string =>
  `x ${c.x.join('×')}, k ${c.k.join('×')}→${c.co}, stride ${String(c.s)}, pad ${JSON.stringify(c.pad)}`;

/**
 * The case's conv2d geometry and its random inputs [x, filter, r] (r an output-shaped weight for a loss
 * sum(conv·r)), from the seeds `seed`, `seed + 1`, `seed + 2`.
 * @example
 * ```ts
 * const { info, inputs } = convSetup({ x: [1, 4, 4, 2], k: [3, 3], co: 2, s: 1, pad: 'same' }, 1);
 * ```
 */
export function convSetup(c: ConvCase, seed: number): { info: tf.backend_util.Conv2DInfo; inputs: Input[] } {
  const wShape: [number, number, number, number] = [c.k[0], c.k[1], c.x[3], c.co];
  const info = tf.backend_util.computeConv2DInfo(c.x, wShape, c.s, 1, c.pad);
  return {
    info,
    inputs: [randomInput(c.x, seed), randomInput(wShape, seed + 1), randomInput(info.outShape, seed + 2)],
  };
}

/** The case's conv2d on tensors. */
export const convOf =
  (c: ConvCase) =>
  (x: tf.Tensor, w: tf.Tensor): tf.Tensor =>
    tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, c.pad);

/**
 * An explicit NHWC padding from its (before, after) rows and columns.
 * @example
 * ```ts
 * explicitPad([1, 0], [2, 1]); // [[0, 0], [1, 0], [2, 1], [0, 0]]
 * ```
 */
export function explicitPad(rows: [number, number], cols: [number, number]): tf.backend_util.ExplicitPadding {
  return [[0, 0], rows, cols, [0, 0]];
}
