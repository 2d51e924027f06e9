/**
 * Convolution gradients as one XNNPACK matrix product plus JS loops over the wasm heap (the `conv-grad` fused
 * path; {@link fusedEnabled}). With x: [N, H, W, Ci], W: [kh, kw, Ci, Co] read as a [K, Co] matrix
 * (K = kh·kw·Ci), dy: [N, Ho, Wo, Co] read as [P, Co] (P = N·Ho·Wo) and colsᵀ = im2col(x)ᵀ: [K, P] (column p =
 * the kh × kw × Ci window output pixel p read, zeros where it hangs over the padding):
 *
 *   dW = colsᵀ · dy                     (im2col written transposed by a JS loop, then one product)
 *   dx = col2im(W · dyᵀ)                (dyᵀ by a JS loop, one product, then each window's values added back)
 *
 * The operands are laid out so that the product needs no transposed operand: tfjs-backend-wasm's Transpose
 * kernel is slow on large matrices (transposing a [4096, 576] im2col matrix took longer than the product), so
 * the only transposes are JS loops, and the product's right operand (the one XNNPACK packs per call) is the
 * smaller dy or dyᵀ. (An untransposed im2col [P, K] with `transposeA` was tried first: 1.2–2.6× slower for dW.)
 * The products go through the registered `BatchMatMul` (XNNPACK's fully-connected operator; batch-matmul.ts).
 */
import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { fusedEnabled } from '../fused.js';
import { heapF32, type Ops } from './kernel-utils.js';

/**
 * Whether the product form pays for this convolution's gradients (measured on ResNet-18's convolutions,
 * 64 × 64 inputs, batch 16, one wasm thread; see the kernels' files): for strided k × k filters (k > 1) always;
 * at stride 1 when the output has no more pixels P = N·Ho·Wo than a window has values K = kh·kw·Ci (deep, small
 * feature maps, where the composition's per-call filter rearrangement and XNNPACK's packing of it dominate).
 * 1 × 1 filters keep their matrix-product paths.
 */
export function convGradGemm(info: tf.backend_util.Conv2DInfo): boolean {
  if (!fusedEnabled('conv-grad')) return false;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return false;
  if (kh === 1 && kw === 1) return false;
  if (sh > 1 || sw > 1) return true;
  return info.batchSize * info.outHeight * info.outWidth <= kh * kw * info.inChannels;
}

/** The whole heap as floats (valid until it next grows: take it after the last allocation). */
function heap(backend: BackendWasm, t: tf.TensorInfo): Float32Array {
  return new Float32Array(heapF32(backend, t).buffer);
}

/** Float offset of a tensor's data in {@link heap}. */
function offsetOf(backend: BackendWasm, t: tf.TensorInfo): number {
  return heapF32(backend, t).byteOffset / 4;
}

/** Loop bounds along one axis: output positions q ∈ [q0, q1) whose tap t lands inside [0, size). */
function inside(t: number, s: number, pad: number, size: number, out: number): [number, number] {
  // q·s + t − pad ∈ [0, size)
  const q0 = Math.max(0, Math.ceil((pad - t) / s));
  const q1 = Math.min(out, Math.floor((size - 1 + pad - t) / s) + 1);
  return [q0, Math.max(q0, q1)];
}

/** colsT[(a, b, c), p] = x[n, i·sh + a − pt, j·sw + b − pl, c] (0 outside x): im2col, written transposed [K, P]. */
export function im2colT(
  h: Float32Array,
  xo: number,
  co: number,
  [n, hh, ww, ci]: readonly number[],
  info: tf.backend_util.Conv2DInfo,
): void {
  const { outHeight: ho, outWidth: wo, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const p = n * ho * wo;
  for (let a = 0; a < kh; a++) {
    const [i0, i1] = inside(a, sh, top, hh, ho);
    for (let b = 0; b < kw; b++) {
      const [j0, j1] = inside(b, sw, left, ww, wo);
      for (let c = 0; c < ci; c++) {
        const dst = co + ((a * kw + b) * ci + c) * p;
        if (i0 > 0 || i1 < ho || j0 > 0 || j1 < wo) h.fill(0, dst, dst + p);
        for (let m = 0; m < n; m++) {
          for (let i = i0; i < i1; i++) {
            const y = i * sh + a - top;
            let s = xo + ((m * hh + y) * ww + j0 * sw + b - left) * ci + c;
            let d = dst + (m * ho + i) * wo + j0;
            const step = sw * ci;
            for (let j = j0; j < j1; j++, s += step, d++) h[d] = h[s];
          }
        }
      }
    }
  }
}

/** dx[n, i·sh + a − pt, j·sw + b − pl, c] = Σ colsT[(a, b, c), p] over p = (n, i, j) and taps inside dx. */
export function col2imT(
  h: Float32Array,
  colsOff: number,
  dxo: number,
  [n, hh, ww, ci]: readonly number[],
  info: tf.backend_util.Conv2DInfo,
): void {
  const { outHeight: ho, outWidth: wo, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const p = n * ho * wo;
  h.fill(0, dxo, dxo + n * hh * ww * ci);
  for (let a = 0; a < kh; a++) {
    const [i0, i1] = inside(a, sh, top, hh, ho);
    for (let b = 0; b < kw; b++) {
      const [j0, j1] = inside(b, sw, left, ww, wo);
      for (let c = 0; c < ci; c++) {
        const src = colsOff + ((a * kw + b) * ci + c) * p;
        for (let m = 0; m < n; m++) {
          for (let i = i0; i < i1; i++) {
            const y = i * sh + a - top;
            let d = dxo + ((m * hh + y) * ww + j0 * sw + b - left) * ci + c;
            let s = src + (m * ho + i) * wo + j0;
            const step = sw * ci;
            for (let j = j0; j < j1; j++, s++, d += step) h[d] += h[s];
          }
        }
      }
    }
  }
}

/** b[j, i] = a[i, j] for a: [rows, cols], blocked for the cache. */
export function transposeInto(h: Float32Array, ao: number, bo: number, rows: number, cols: number): void {
  const B = 32;
  for (let i0 = 0; i0 < rows; i0 += B) {
    const i1 = Math.min(rows, i0 + B);
    for (let j0 = 0; j0 < cols; j0 += B) {
      const j1 = Math.min(cols, j0 + B);
      for (let i = i0; i < i1; i++) {
        const s = ao + i * cols;
        for (let j = j0; j < j1; j++) h[bo + j * rows + i] = h[s + j];
      }
    }
  }
}

/** dW [kh, kw, Ci, Co] = colsT · dy, colsT = im2col(x)ᵀ written transposed by JS (no transpose kernel). */
export function filterGradGemmT(
  ops: Ops,
  backend: BackendWasm,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = info;
  const p = info.batchSize * info.outHeight * info.outWidth;
  const k = kh * kw * ci;
  const colsT = ops.adopt(backend.makeOutput([k, p], 'float32'));
  im2colT(heap(backend, x), offsetOf(backend, x), offsetOf(backend, colsT), x.shape, info);
  const b = ops.reshape(dy, [p, co]);
  const dw = ops.run('BatchMatMul', { a: colsT, b }, { transposeA: false, transposeB: false });
  return ops.reshape(dw, [kh, kw, ci, co]);
}

/** dx [N, H, W, Ci] = col2im((W · dyᵀ)ᵀ): dyᵀ by a JS transpose, W as it is, col2im from the transposed columns. */
export function inputGradGemmT(
  ops: Ops,
  backend: BackendWasm,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = info;
  const p = info.batchSize * info.outHeight * info.outWidth;
  const k = kh * kw * ci;
  const dyT = ops.adopt(backend.makeOutput([co, p], 'float32'));
  transposeInto(heap(backend, dy), offsetOf(backend, dy), offsetOf(backend, dyT), p, co);
  const w = ops.reshape(filter, [k, co]);
  const colsT = ops.run('BatchMatMul', { a: w, b: dyT }, { transposeA: false, transposeB: false });
  const xShape = [info.batchSize, info.inHeight, info.inWidth, ci];
  const dx = ops.adopt(backend.makeOutput(xShape, 'float32'));
  col2imT(heap(backend, colsT), offsetOf(backend, colsT), offsetOf(backend, dx), xShape, info);
  return dx;
}
