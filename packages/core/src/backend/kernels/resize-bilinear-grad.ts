/**
 * `ResizeBilinearGrad` for the cpu and wasm backends, as the exact adjoint of the backend's own forward
 * `ResizeBilinear`. tfjs 4.22's kernels are wrong: the wasm one with half-pixel centres (PyTorch's default,
 * `align_corners=False`; relative error 0.54 against PyTorch), and the cpu one fails on non-square inputs (it
 * returns the gradient with height and width swapped).
 *
 * Bilinear resizing is separable: per image and channel, Y = Ry · X · Rwᵀ, with Ry the [Ho, H] matrix of row
 * weights (two non-zeros per row) and Rw the [Wo, W] one of column weights. So
 *
 *   dX = Ryᵀ · dY · Rw.
 *
 * Ry is read off the forward kernel itself: resizing the [1, H, 1, H] picture whose channel k is the one-hot
 * column e_k to [Ho, 1] yields Ry (as [1, Ho, 1, H]) with whatever alignCorners / halfPixelCenters arithmetic
 * the backend uses; Rw likewise. The two products are `BatchMatMul`s with the other axes folded into columns.
 */
import * as tf from '@tensorflow/tfjs-core';
import { withOps, type KernelArgs, type Ops } from '../kernel-utils.js';
import type { KernelDef } from '../registry.js';
import { resizeGradArgs, type ResizeAttrs } from './resize-nearest-grad.js';

/** The [1, outSize, inSize] interpolation matrix of one axis, from the backend's forward ResizeBilinear. */
function weights(ops: Ops, inSize: number, outSize: number, attrs: ResizeAttrs): tf.TensorInfo {
  const eye = new Float32Array(inSize * inSize);
  for (let k = 0; k < inSize; k++) eye[k * inSize + k] = 1;
  const img = ops.fromValues(eye, [1, inSize, 1, inSize], 'float32');
  const r = ops.run('ResizeBilinear', { images: img }, { ...attrs, size: [outSize, 1] });
  return ops.reshape(r, [1, outSize, inSize]);
}

function resizeBilinearGrad(backendName: string, args: KernelArgs): tf.TensorInfo {
  const { backend, dy, attrs, n, h, w, c, ho, wo } = resizeGradArgs(args);
  return withOps(backend, backendName, (ops) => {
    const ry = weights(ops, h, ho, attrs);
    const rw = weights(ops, w, wo, attrs);
    const mm = (a: tf.TensorInfo, b: tf.TensorInfo) =>
      ops.run('BatchMatMul', { a, b }, { transposeA: true, transposeB: false });
    // Rows: [Ho, N·Wo·C] → Ryᵀ· → [H, N, Wo, C].
    const dyRows = ops.reshape(ops.transpose(dy, [1, 0, 2, 3]), [1, ho, n * wo * c]);
    const t = ops.reshape(mm(ry, dyRows), [h, n, wo, c]);
    // Columns: [Wo, N·H·C] → Rwᵀ· → [W, N, H, C] → [N, H, W, C].
    const tCols = ops.reshape(ops.transpose(t, [2, 1, 0, 3]), [1, wo, n * h * c]);
    const dx = ops.reshape(mm(rw, tCols), [w, n, h, c]);
    return ops.transpose(dx, [1, 2, 0, 3]);
  });
}

/** The kernel for one backend (its forward ResizeBilinear, Transpose and BatchMatMul do the work). */
export const resizeBilinearGradKernels: readonly KernelDef[] = [
  {
    name: tf.ResizeBilinearGrad,
    backends: ['wasm', 'cpu'],
    fallback: 'none',
    kernel: (backendName) => (args) => resizeBilinearGrad(backendName, args),
  },
];
