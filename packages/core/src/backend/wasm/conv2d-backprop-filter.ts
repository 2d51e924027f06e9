/**
 * `Conv2DBackpropFilter` (the gradient of a 2-D convolution with respect to its filter), which tfjs-backend-wasm
 * 4.22 lacks, as one XNNPACK convolution.
 *
 * With x: [N, H, W, Ci], dy: [N, Ho, Wo, Co], stride (sh, sw) and padding (pt, pl) of the forward convolution,
 *
 *   dW[a, b, ci, co] = Σ_{n, i, j} x[n, i·sh + a − pt, j·sw + b − pl, ci] · dy[n, i, j, co]
 *
 * (x is zero outside its bounds). Read ci as a batch index, n as an input channel and (i, j) as a filter tap, and
 * this is itself a convolution: the input x' = transpose(x, [3, 1, 2, 0]) of shape [Ci, H, W, N], convolved with
 * the "filter" dy' = transpose(dy, [1, 2, 0, 3]) of shape [Ho, Wo, N, Co] at stride 1 and dilation (sh, sw), with
 * padding (pt, pl) at the top/left and whatever at the bottom/right makes the output exactly kh × kw. That output
 * is dW' [Ci, kh, kw, Co] and dW = transpose(dW', [1, 2, 0, 3]). A negative bottom/right padding (rows of x the
 * forward convolution never read) becomes a crop of x.
 *
 * A 1 × 1 filter without leading padding is a plain matrix product, dW[0, 0] = xsᵀ · dy over the N·Ho·Wo pixels
 * the forward convolution read (xs = x[:, ::sh, ::sw, :]), faster than the convolution above. xs is taken
 * without a strided-slice kernel (slow in wasm): x cropped or zero-padded to [N, Ho·sh, Wo·sw, Ci], viewed as
 * [N·Ho, sh, Wo, sw·Ci], sliced to [N·Ho, 1, Wo, Ci].
 *
 * (im2col + one XNNPACK product was tried for dW as well, as conv-grad-gemm.ts does for dx: it did not pay on
 * ResNet-18's training step, measured by the bench.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { attrsOf, withOps, input, kernelBackend, type KernelArgs, type Ops } from '../kernel-utils.js';
import type { KernelDef } from '../registry.js';

/** The attributes of the forward convolution that the two conv2d gradient kernels are given. */
export interface Conv2DGradAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

interface Attrs extends Conv2DGradAttrs {
  filterShape: [number, number, number, number];
}

/** Padding (before, after) of one spatial axis: non-negative parts go to the convolution, negative "after" crops. */
export function splitPad(before: number, after: number, size: number): { pads: [number, number]; keep: number } {
  return { pads: [before, Math.max(after, 0)], keep: size + Math.min(after, 0) };
}

/** dW of a 1 × 1 convolution without leading padding: xsᵀ · dy, xs the pixels at multiples of the stride. */
function pointwise(ops: Ops, x: tf.TensorInfo, dy: tf.TensorInfo, sh: number, sw: number): tf.TensorInfo {
  const [n, h, w, ci] = x.shape;
  const [, ho, wo, co] = dy.shape;
  let xs = x;
  if (sh > 1 || sw > 1) {
    const [rows, cols] = [ho * sh, wo * sw];
    if (rows < h || cols < w) xs = ops.slice(xs, [0, 0, 0, 0], [n, Math.min(rows, h), Math.min(cols, w), ci]);
    if (rows > h || cols > w) {
      xs = ops.pad(xs, [
        [0, 0],
        [0, Math.max(rows - h, 0)],
        [0, Math.max(cols - w, 0)],
        [0, 0],
      ]);
    }
    xs = ops.slice(ops.reshape(xs, [n * ho, sh, wo, sw * ci]), [0, 0, 0, 0], [n * ho, 1, wo, ci]);
  }
  const a = ops.reshape(xs, [n * ho * wo, ci]);
  const b = ops.reshape(dy, [n * ho * wo, co]);
  return ops.reshape(ops.run('BatchMatMul', { a, b }, { transposeA: true, transposeB: false }), [1, 1, ci, co]);
}

export function conv2DBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const backend = kernelBackend(args);
  const x = input(args, 'x');
  const dy = input(args, 'dy');
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrsOf<Attrs>(args);
  if (dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropFilter supports NHWC only');
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  const [, h, w, ci] = x.shape;
  const { outHeight: ho, outWidth: wo, strideHeight: sh, strideWidth: sw } = info;
  const rows = splitPad(info.padInfo.top, kh + (ho - 1) * sh - h - info.padInfo.top, h);
  const cols = splitPad(info.padInfo.left, kw + (wo - 1) * sw - w - info.padInfo.left, w);

  return withOps(backend, 'wasm', (ops) => {
    if (kh === 1 && kw === 1 && info.padInfo.top === 0 && info.padInfo.left === 0) {
      return pointwise(ops, x, dy, sh, sw);
    }
    let xs = x;
    if (rows.keep < h || cols.keep < w) xs = ops.slice(x, [0, 0, 0, 0], [x.shape[0], rows.keep, cols.keep, ci]);
    const xT = ops.transpose(xs, [3, 1, 2, 0]);
    const dyT = ops.transpose(dy, [1, 2, 0, 3]);
    const dW = ops.run(
      'Conv2D',
      { x: xT, filter: dyT },
      { strides: [1, 1], dilations: [sh, sw], pad: [[0, 0], rows.pads, cols.pads, [0, 0]], dataFormat: 'NHWC' },
    );
    return ops.transpose(dW, [1, 2, 0, 3]);
  });
}

/** The kernel (wasm). */
export const conv2DBackpropFilterKernels: readonly KernelDef[] = [
  { name: tf.Conv2DBackpropFilter, backends: ['wasm'], fallback: 'none', kernel: () => conv2DBackpropFilter },
];
