/**
 * `ResizeNearestNeighborGrad` for webgpu, as the exact adjoint of webgpu's own forward `ResizeNearestNeighbor`
 * (the same construction as the cpu/wasm kernel in ../kernels/resize-nearest-grad.ts). tfjs-backend-webgpu 4.22's
 * kernel ignores `halfPixelCenters` (PyTorch's `nearest-exact`), so its gradient lands on the wrong pixels.
 *
 *   dx[n, p, c] = Σ_{(i, j) : src(i, j) = p} dy[n, i, j, c]
 *
 * src is read off the forward kernel: resizing a [1, H, W, 1] picture whose values are their own flat indices
 * (exact in float32) gives src of every output pixel. Everything stays on the device (webgpu has no synchronous
 * read in Node): rows n·H·W + src are built with Cast and Add, and dy's [N·Ho·Wo, C] rows are summed into
 * [N·H·W, C] by one `ScatterNd`, which adds repeated indices.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelDef } from '../registry.js';
import { withOps, type KernelArgs } from '../kernel-utils.js';
import { resizeGradArgs, sourcePixels } from '../kernels/resize-nearest-grad.js';

function resizeNearestNeighborGrad(args: KernelArgs): tf.TensorInfo {
  const { backend, dy, attrs, n, h, w, c, ho, wo } = resizeGradArgs(args);
  return withOps(backend, 'webgpu', (ops) => {
    const src = sourcePixels(ops, [h, w], [ho, wo], attrs);
    const srcInt = ops.reshape(ops.run('Cast', { x: src }, { dtype: 'int32' }), [1, ho * wo]);
    const offsets = ops.fromValues(
      Int32Array.from({ length: n }, (_, b) => b * h * w),
      [n, 1],
      'int32',
    );
    const rows = ops.reshape(ops.run('Add', { a: srcInt, b: offsets }), [n * ho * wo, 1]);
    const updates = ops.reshape(dy, [n * ho * wo, c]);
    const dx = ops.run('ScatterNd', { indices: rows, updates }, { shape: [n * h * w, c] });
    return ops.reshape(dx, [n, h, w, c]);
  });
}

/** The kernel (webgpu). */
export const resizeNearestNeighborGradWebGPUKernels: readonly KernelDef[] = [
  {
    name: tf.ResizeNearestNeighborGrad,
    backends: ['webgpu'],
    fallback: 'none',
    kernel: () => resizeNearestNeighborGrad,
  },
];
