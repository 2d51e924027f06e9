/**
 * `Conv2DBackpropInput` (the gradient of a 2-D convolution with respect to its input) as one XNNPACK convolution,
 * replacing tfjs-backend-wasm's scalar loop.
 *
 * With dy: [N, Ho, Wo, Co], W: [kh, kw, Ci, Co], stride (sh, sw) and padding (pt, pl) of the forward convolution,
 * along one spatial axis (the other is alike):
 *
 *   dx[y] = Σ_{i, a : i·s + a = y + pt} dy[i] · W[a]          (a sum over co; dy is zero outside [0, Ho))
 *
 * Split the output rows by phase: y + pt = q·s + r with 0 ≤ r < s. The taps that reach phase r are a = r + m·s,
 * from dy row i = q − m, so with M = ⌈k / s⌉ and W taken as zero for a ≥ k,
 *
 *   dx_r[q] = Σ_{m < M} dy[q − m] · W[r + m·s] = Σ_{m' < M} dy[q − (M − 1) + m'] · F_r[m'],
 *   F_r[m'] = W[r + (M − 1 − m')·s]      (the phase's taps, flipped)
 *
 * a stride-1 correlation of dy padded by M − 1 rows on top. All s_h·s_w phases share it, so one convolution
 * with filter F: [Mh, Mw, Co, sh·sw·Ci] (output channel (rh·sw + rw)·Ci + ci) computes them all, as
 * Z[n, q, p, (rh, rw, ci)] = dx[n, q·sh + rh − pt, p·sw + rw − pl, ci]. Interleaving the phases (reshape to
 * [.., sh, sw, Ci], transpose, reshape) and cropping the padding gives dx. For stride 1, F is just W flipped
 * with its channel axes swapped and no rearrangement is needed. The work is ⌈k/s⌉²·s² / k² times a forward
 * convolution's (1 for stride 1; 16/9 for 3 × 3 at stride 2, against 4 for convolving a zero-dilated dy).
 *
 * F is built by a JS loop straight into the wasm heap: wasm's Reverse kernel is far slower than this copy.
 * A strided 1 × 1 filter, whose phases but one are empty, takes a shorter path ({@link strided1x1}).
 *
 * Where it measured faster (strided k × k filters, and deep small feature maps at stride 1; `conv-grad` in
 * fused.ts switches it off), dx is instead one matrix product and a col2im loop (conv-grad-gemm.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convGradGemm, inputGradGemmT } from './conv-grad-gemm.js';
import type { Conv2DGradAttrs } from './conv2d-backprop-filter.js';
import { attrsOf, withOps, input, type KernelArgs, type Ops } from '../kernel-utils.js';
import { f32 } from '../memory.js';
import type { KernelDef } from '../registry.js';

interface Attrs extends Conv2DGradAttrs {
  inputShape: [number, number, number, number];
}

/** F[m'h, m'w, co, (rh·sw + rw)·ci + c] = W[rh + (Mh−1−m'h)·sh, rw + (Mw−1−m'w)·sw, c, co] (0 beyond W). */
export function phaseFilter(
  w: Float32Array,
  f: Float32Array,
  [kh, kw, ci, co]: number[],
  sh: number,
  sw: number,
): void {
  const [mh, mw] = [Math.ceil(kh / sh), Math.ceil(kw / sw)];
  const p = sh * sw * ci;
  f.fill(0);
  for (let i = 0; i < mh; i++) {
    for (let j = 0; j < mw; j++) {
      for (let rh = 0; rh < sh; rh++) {
        const a = rh + (mh - 1 - i) * sh;
        if (a >= kh) continue;
        for (let rw = 0; rw < sw; rw++) {
          const b = rw + (mw - 1 - j) * sw;
          if (b >= kw) continue;
          const src = (a * kw + b) * ci * co;
          const dst = (i * mw + j) * co * p + (rh * sw + rw) * ci;
          for (let o = 0; o < co; o++) for (let c = 0; c < ci; c++) f[dst + o * p + c] = w[src + c * co + o];
        }
      }
    }
  }
}

/**
 * The plan along one axis (forward kernel k, stride s, leading padding pad, input size, dy size): compute phase
 * rows q ∈ [⌊pad/s⌋, ⌈(size + pad)/s⌉), which cover dx; convolution paddings (a negative one crops dy
 * instead); and where dx starts in the interleaved result.
 */
function axisPlan(k: number, s: number, pad: number, size: number, outSize: number) {
  const m = Math.ceil(k / s);
  const q0 = Math.floor(pad / s);
  const q1 = Math.ceil((size + pad) / s);
  const before = m - 1 - q0;
  const after = q1 - outSize;
  return {
    m,
    pads: [Math.max(before, 0), Math.max(after, 0)] as [number, number],
    /** dy rows to keep (negative paddings crop dy). */
    keep: [Math.max(-before, 0), outSize + Math.min(after, 0)] as [number, number],
    rows: q1 - q0,
    /** Offset of dx's first row in the interleaved output. */
    offset: pad - q0 * s,
  };
}

/**
 * A strided 1 × 1 convolution's dx, where all phases but the first are empty: dx[n, i·sh − pt, j·sw − pl] =
 * dy[n, i, j] · Wᵀ and zero elsewhere. One matrix product, then zero rows/columns spread in by two constant pads
 * of reshaped views, then dx's window cut out (or zero-padded where dy does not reach).
 */
function strided1x1(
  ops: Ops,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const [n, ho, wo, co] = dy.shape;
  const { strideHeight: sh, strideWidth: sw, inHeight: h, inWidth: w, inChannels: ci } = info;
  const { top, left } = info.padInfo;
  const a = ops.reshape(dy, [n * ho * wo, co]);
  const b = ops.reshape(filter, [ci, co]);
  let z = ops.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: true });
  z = ops.pad(ops.reshape(z, [n * ho * wo, 1, ci]), [
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  z = ops.pad(ops.reshape(z, [n * ho, 1, wo * sw * ci]), [
    [0, 0],
    [0, sh - 1],
    [0, 0],
  ]);
  z = ops.reshape(z, [n, ho * sh, wo * sw, ci]);
  const [rows, cols] = [Math.min(h, ho * sh - top), Math.min(w, wo * sw - left)];
  if (top > 0 || left > 0 || rows < ho * sh || cols < wo * sw) {
    z = ops.slice(z, [0, top, left, 0], [n, rows, cols, ci]);
  }
  if (rows < h || cols < w)
    z = ops.pad(z, [
      [0, 0],
      [0, h - rows],
      [0, w - cols],
      [0, 0],
    ]);
  return z;
}

export function conv2DBackpropInput(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend;
  if (!(backend instanceof BackendWasm)) throw new Error('wasm Conv2DBackpropInput called on another backend');
  const dy = input(args, 'dy');
  const filter = input(args, 'filter');
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrsOf<Attrs>(args);
  if (dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropInput supports NHWC only');
  const [kh, kw, ci, co] = filter.shape;
  const info = tf.backend_util.computeConv2DInfo(inputShape, [kh, kw, ci, co], strides, 1, pad, dimRoundingMode);
  const { strideHeight: sh, strideWidth: sw, inHeight: h, inWidth: w } = info;
  const [n, ho, wo] = dy.shape;
  const rows = axisPlan(kh, sh, info.padInfo.top, h, ho);
  const cols = axisPlan(kw, sw, info.padInfo.left, w, wo);

  return withOps(backend, 'wasm', (ops) => {
    if (convGradGemm(info)) {
      return inputGradGemmT(ops, backend, dy, filter, info);
    }
    if (kh === 1 && kw === 1 && (sh > 1 || sw > 1)) {
      return strided1x1(ops, dy, filter, info);
    }
    const fShape = [rows.m, cols.m, co, sh * sw * ci];
    const f = backend.makeOutput(fShape, 'float32');
    ops.adopt(f);
    phaseFilter(f32(backend, 'wasm', filter), f32(backend, 'wasm', f), [kh, kw, ci, co], sh, sw);

    const [r0, r1] = rows.keep;
    const [c0, c1] = cols.keep;
    const dyc = r0 > 0 || c0 > 0 || r1 < ho || c1 < wo ? ops.slice(dy, [0, r0, c0, 0], [n, r1 - r0, c1 - c0, co]) : dy;
    let z = ops.run(
      'Conv2D',
      { x: dyc, filter: f },
      { strides: [1, 1], dilations: [1, 1], pad: [[0, 0], rows.pads, cols.pads, [0, 0]], dataFormat: 'NHWC' },
    );
    if (sh > 1 || sw > 1) {
      z = ops.reshape(z, [n, rows.rows, cols.rows, sh, sw, ci]);
      z = ops.transpose(z, [0, 1, 3, 2, 4, 5]);
      z = ops.reshape(z, [n, rows.rows * sh, cols.rows * sw, ci]);
    }
    if (rows.offset > 0 || cols.offset > 0 || z.shape[1] > h || z.shape[2] > w) {
      z = ops.slice(z, [0, rows.offset, cols.offset, 0], [n, h, w, ci]);
    }
    return z;
  });
}

/** The kernel (wasm). */
export const conv2DBackpropInputKernels: readonly KernelDef[] = [
  { name: tf.Conv2DBackpropInput, backends: ['wasm'], fallback: 'none', kernel: () => conv2DBackpropInput },
];
