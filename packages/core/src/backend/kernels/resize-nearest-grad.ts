/**
 * `ResizeNearestNeighborGrad` for the cpu and wasm backends, as the exact adjoint of the backend's own forward
 * `ResizeNearestNeighbor`. tfjs 4.22's kernels are wrong: the cpu one reads dy at the *input's* batch stride
 * (wrong for batch > 1), and both ignore `halfPixelCenters`.
 *
 * The forward pass copies one source pixel to each output pixel, y[n, i, j, c] = x[n, src(i, j), c], so
 *
 *   dx[n, p, c] = Σ_{(i, j) : src(i, j) = p} dy[n, i, j, c].
 *
 * src is read off the forward kernel itself: resizing a one-image, one-channel picture whose pixel values are
 * their own flat indices (y·W + x, exact in float32) yields src for every output pixel, whatever alignCorners /
 * halfPixelCenters rounding the backend uses. The sum is then one `ScatterNd` (which adds repeated indices) of dy,
 * viewed as [N·Ho·Wo, C] rows, into [N·H·W, C] at rows n·H·W + src.
 */
import * as tf from '@tensorflow/tfjs-core';
import { attrsOf, withOps, input, kernelBackend, type KernelArgs, type Ops } from '../kernel-utils.js';
import type { KernelDef } from '../registry.js';

/** A resize kernel's pixel-centre attributes. */
export interface ResizeAttrs {
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

/**
 * What a resize gradient kernel reads: its backend, `dy`, the pixel-centre attributes, and the sizes of the
 * forward input `images` [N, H, W, C] and of `dy` [N, Ho, Wo, C].
 */
export function resizeGradArgs(args: KernelArgs) {
  const images = input(args, 'images');
  const dy = input(args, 'dy');
  const { alignCorners, halfPixelCenters } = attrsOf<ResizeAttrs>(args);
  const [n, h, w, c] = images.shape;
  const [, ho, wo] = dy.shape;
  const attrs: ResizeAttrs = { alignCorners, halfPixelCenters };
  return { backend: kernelBackend(args), dy, attrs, n, h, w, c, ho, wo };
}

/**
 * The flat source index y·W + x of every output pixel of the backend's own forward `ResizeNearestNeighbor` from
 * [H, W] to [Ho, Wo], as a float32 [1, Ho, Wo, 1] tensor (read off the kernel by resizing a picture of indices).
 */
export function sourcePixels(ops: Ops, [h, w]: number[], [ho, wo]: number[], attrs: ResizeAttrs): tf.TensorInfo {
  const positions = ops.fromValues(
    Float32Array.from({ length: h * w }, (_, i) => i),
    [1, h, w, 1],
    'float32',
  );
  return ops.run('ResizeNearestNeighbor', { images: positions }, { ...attrs, size: [ho, wo] });
}

function resizeNearestNeighborGrad(backendName: string, args: KernelArgs): tf.TensorInfo {
  const { backend, dy, attrs, n, h, w, c, ho, wo } = resizeGradArgs(args);
  return withOps(backend, backendName, (ops) => {
    const src = backend.readSync(sourcePixels(ops, [h, w], [ho, wo], attrs).dataId);
    const rows = new Int32Array(n * ho * wo);
    for (let b = 0; b < n; b++) for (let p = 0; p < ho * wo; p++) rows[b * ho * wo + p] = b * h * w + Number(src[p]);
    const indices = ops.fromValues(rows, [n * ho * wo, 1], 'int32');
    const updates = ops.reshape(dy, [n * ho * wo, c]);
    const dx = ops.run('ScatterNd', { indices, updates }, { shape: [n * h * w, c] });
    return ops.reshape(dx, [n, h, w, c]);
  });
}

/** The kernel for one backend (its forward ResizeNearestNeighbor and ScatterNd do the work). */
export const resizeNearestNeighborGradKernels: readonly KernelDef[] = [
  {
    name: tf.ResizeNearestNeighborGrad,
    backends: ['wasm', 'cpu'],
    fallback: 'none',
    kernel: (backendName) => (args) => resizeNearestNeighborGrad(backendName, args),
  },
];
