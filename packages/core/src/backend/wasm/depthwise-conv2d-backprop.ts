/**
 * The two gradients of a depthwise convolution (`DepthwiseConv2dNativeBackpropFilter` and `…BackpropInput`), which
 * tfjs-backend-wasm 4.22 lacks, each as one XNNPACK depthwise convolution. tfjs's gradient of a depthwise
 * convolution takes dilation 1 only, so these do too.
 *
 * With x: [N, H, W, C], filter [kh, kw, C, 1] (channel multiplier 1, PyTorch's `groups == channels`), dy
 * [N, Ho, Wo, C], stride (sh, sw) and padding (pt, pl):
 *
 *   dW[a, b, c] = Σ_{n, i, j} x[n, i·sh + a − pt, j·sw + b − pl, c] · dy[n, i, j, c]
 *
 * Fold the batch into the channels — x' = transpose(x, [1, 2, 0, 3]) viewed as [1, H, W, N·C] and the "filter"
 * dy' = transpose(dy, [1, 2, 0, 3]) viewed as [Ho, Wo, N·C, 1] — and this is a depthwise convolution of x' by dy'
 * at stride 1 and dilation (sh, sw), padded (pt, pl) at the top/left and cropped or padded at the bottom/right to
 * give exactly kh × kw; its output [1, kh, kw, N·C] viewed as [kh, kw, N, C] and summed over N is dW.
 *
 *   dx[n, y, x, c] = Σ_{a, b} dy_s[n, y + pt − a, x + pl − b, c] · W[a, b, c]
 *
 * where dy_s is dy with sh − 1 (sw − 1) zeros between its rows (columns): a depthwise convolution of dy_s, padded
 * kh − 1 − pt at the top, by the filter flipped in both spatial axes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { attrsOf, input, kernelBackend, withOps, type KernelArgs, type Ops } from '../kernel-utils.js';
import type { KernelDef } from '../registry.js';
import { splitPad, type Conv2DGradAttrs } from './conv2d-backprop-filter.js';

interface FilterAttrs extends Conv2DGradAttrs {
  dilations: [number, number] | number;
  filterShape: [number, number, number, number];
}
interface InputAttrs extends Conv2DGradAttrs {
  dilations: [number, number] | number;
  inputShape: [number, number, number, number];
}

type Shape4 = [number, number, number, number];

function convInfo(xShape: Shape4, filterShape: Shape4, a: Conv2DGradAttrs & { dilations: [number, number] | number }) {
  if (a.dataFormat === 'NCHW') throw new Error('wasm depthwise conv2d gradients support NHWC only');
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    a.strides,
    a.dilations,
    a.pad,
    a.dimRoundingMode,
    true,
  );
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1)
    throw new Error('wasm depthwise conv2d gradients support dilation 1 only (as tfjs’s gradient)');
  if (info.outChannels !== info.inChannels)
    throw new Error('wasm depthwise conv2d gradients support a channel multiplier of 1 only');
  return info;
}

const depthwise = (ops: Ops, x: tf.TensorInfo, filter: tf.TensorInfo, dilations: [number, number], pad: number[][]) =>
  ops.run('DepthwiseConv2dNative', { x, filter }, { strides: [1, 1], dilations, pad, dataFormat: 'NHWC' });

export function depthwiseBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const backend = kernelBackend(args);
  const x = input(args, 'x');
  const dy = input(args, 'dy');
  const attrs = attrsOf<FilterAttrs>(args);
  const info = convInfo(x.shape as Shape4, attrs.filterShape, attrs);
  const [n, h, w, c] = x.shape;
  const { filterHeight: kh, filterWidth: kw, outHeight: ho, outWidth: wo, strideHeight: sh, strideWidth: sw } = info;
  const rows = splitPad(info.padInfo.top, kh + (ho - 1) * sh - h - info.padInfo.top, h);
  const cols = splitPad(info.padInfo.left, kw + (wo - 1) * sw - w - info.padInfo.left, w);
  return withOps(backend, 'wasm', (ops) => {
    let xs = x;
    if (rows.keep < h || cols.keep < w) xs = ops.slice(x, [0, 0, 0, 0], [n, rows.keep, cols.keep, c]);
    const xT = ops.reshape(ops.transpose(xs, [1, 2, 0, 3]), [1, rows.keep, cols.keep, n * c]);
    const dyT = ops.reshape(ops.transpose(dy, [1, 2, 0, 3]), [ho, wo, n * c, 1]);
    const dW = depthwise(ops, xT, dyT, [sh, sw], [[0, 0], rows.pads, cols.pads, [0, 0]]);
    const summed = ops.run('Sum', { x: ops.reshape(dW, [kh, kw, n, c]) }, { axis: [2], keepDims: false });
    return ops.reshape(summed, [kh, kw, c, 1]);
  });
}

/** dy with `s − 1` zeros between rows and columns: [N, (Ho−1)·sh + 1, (Wo−1)·sw + 1, C]. */
function spread(ops: Ops, dy: tf.TensorInfo, sh: number, sw: number): tf.TensorInfo {
  if (sh === 1 && sw === 1) return dy;
  const [n, ho, wo, c] = dy.shape;
  const grid = ops.pad(ops.reshape(dy, [n, ho, 1, wo, 1, c]), [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  const full = ops.reshape(grid, [n, ho * sh, wo * sw, c]);
  return ops.slice(full, [0, 0, 0, 0], [n, (ho - 1) * sh + 1, (wo - 1) * sw + 1, c]);
}

export function depthwiseBackpropInput(args: KernelArgs): tf.TensorInfo {
  const backend = kernelBackend(args);
  const dy = input(args, 'dy');
  const filter = input(args, 'filter');
  const attrs = attrsOf<InputAttrs>(args);
  const info = convInfo(attrs.inputShape, filter.shape as Shape4, attrs);
  const [n, h, w, c] = attrs.inputShape;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  return withOps(backend, 'wasm', (ops) => {
    let ds = spread(ops, dy, sh, sw);
    // Rows of the output: y + pt − a over a ∈ [0, kh): pad the spread dy by kh − 1 − pt before and what makes
    // exactly h rows after (a negative amount is a crop).
    const before = [kh - 1 - info.padInfo.top, kw - 1 - info.padInfo.left];
    const after = [h + kh - 1 - ds.shape[1] - before[0], w + kw - 1 - ds.shape[2] - before[1]];
    const begin = [0, Math.max(-before[0], 0), Math.max(-before[1], 0), 0];
    const size = [n, ds.shape[1] - begin[1] + Math.min(after[0], 0), ds.shape[2] - begin[2] + Math.min(after[1], 0), c];
    if (size[1] < ds.shape[1] || size[2] < ds.shape[2]) ds = ops.slice(ds, begin, size);
    const pads = [
      [0, 0],
      [Math.max(before[0], 0), Math.max(after[0], 0)],
      [Math.max(before[1], 0), Math.max(after[1], 0)],
      [0, 0],
    ];
    const flipped = ops.run('Reverse', { x: filter }, { dims: [0, 1] });
    return depthwise(ops, ds, flipped, [1, 1], pads);
  });
}

/** The two kernels (wasm). */
export const depthwiseBackpropKernels: readonly KernelDef[] = [
  {
    name: tf.DepthwiseConv2dNativeBackpropFilter,
    backends: ['wasm'],
    fallback: 'none',
    kernel: () => depthwiseBackpropFilter,
  },
  {
    name: tf.DepthwiseConv2dNativeBackpropInput,
    backends: ['wasm'],
    fallback: 'none',
    kernel: () => depthwiseBackpropInput,
  },
];
