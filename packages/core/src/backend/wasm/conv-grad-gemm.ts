/**
 * The gradient of a convolution with respect to its input as one XNNPACK matrix product plus JS loops over the
 * wasm heap (the `conv-grad` fused path; {@link fusedEnabled}). With W: [kh, kw, Ci, Co] read as a [K, Co]
 * matrix (K = kh·kw·Ci) and dy: [N, Ho, Wo, Co] read as [P, Co] (P = N·Ho·Wo):
 *
 *   colsᵀ = W · dyᵀ  [K, P]          (dyᵀ by a JS loop, then one product)
 *   dx = col2im(colsᵀ)               (column p's kh × kw × Ci window added back where output pixel p read it)
 *
 * The operands are laid out so that the product needs no transposed operand: tfjs-backend-wasm's Transpose
 * kernel is slow on large matrices, so the only transpose is a JS loop over dy, and the product's right operand
 * (the one XNNPACK packs per call) is dyᵀ, small where this path is used. The product goes through the
 * registered `BatchMatMul` (XNNPACK's fully-connected operator; batch-matmul.ts).
 *
 * The choice ({@link convGradGemm}) was made on ResNet-18's training step as the bench measures it (this path
 * against conv2d-backprop-input.ts's composition), not on single convolutions, whose timings were unstable. The
 * same form for dW (im2col, then colsᵀ · dy) was tried and dropped: it did not pay on the step.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { fusedEnabled } from '../fused.js';
import { type Ops } from '../kernel-utils.js';
import { f32 } from '../memory.js';

/**
 * Whether dx takes the product form: for strided k × k filters (k > 1), whose composition interleaves s² phases
 * through a 6-D transpose, and at stride 1 when the output has no more pixels P = N·Ho·Wo than a window has
 * values K = kh·kw·Ci (deep, small feature maps, where the composition's per-call filter rearrangement and
 * XNNPACK's packing of it dominate). 1 × 1 filters keep their matrix-product path.
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
  return new Float32Array(f32(backend, 'wasm', t).buffer);
}

/** Float offset of a tensor's data in {@link heap}. */
function offsetOf(backend: BackendWasm, t: tf.TensorInfo): number {
  return f32(backend, 'wasm', t).byteOffset / 4;
}

/** Loop bounds along one axis: output positions q ∈ [q0, q1) whose tap t lands inside [0, size). */
function inside(t: number, s: number, pad: number, size: number, out: number): [number, number] {
  // q·s + t − pad ∈ [0, size)
  const q0 = Math.max(0, Math.ceil((pad - t) / s));
  const q1 = Math.min(out, Math.floor((size - 1 + pad - t) / s) + 1);
  return [q0, Math.max(q0, q1)];
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
