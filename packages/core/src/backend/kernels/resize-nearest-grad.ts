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
import * as tf from '@tensorflow/tfjs';
import { Ops, attrsOf, input, kernelBackend, type KernelArgs } from '../kernel-utils.js';
import type { KernelDef } from '../registry.js';

interface Attrs {
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

function resizeNearestNeighborGrad(backendName: string, args: KernelArgs): tf.TensorInfo {
  const backend = kernelBackend(args);
  const images = input(args, 'images');
  const dy = input(args, 'dy');
  const { alignCorners, halfPixelCenters } = attrsOf<Attrs>(args);
  const [n, h, w, c] = images.shape;
  const [, ho, wo] = dy.shape;

  const ops = new Ops(backend, backendName);
  try {
    const positions = ops.fromValues(
      Float32Array.from({ length: h * w }, (_, i) => i),
      [1, h, w, 1],
      'float32',
    );
    const attrs = { alignCorners, halfPixelCenters, size: [ho, wo] };
    const srcInfo = ops.run('ResizeNearestNeighbor', { images: positions }, attrs);
    const src = backend.readSync(srcInfo.dataId);
    const rows = new Int32Array(n * ho * wo);
    for (let b = 0; b < n; b++) for (let p = 0; p < ho * wo; p++) rows[b * ho * wo + p] = b * h * w + Number(src[p]);
    const indices = ops.fromValues(rows, [n * ho * wo, 1], 'int32');
    const updates = ops.reshape(dy, [n * ho * wo, c]);
    const dx = ops.run('ScatterNd', { indices, updates }, { shape: [n * h * w, c] });
    const out = ops.reshape(dx, [n, h, w, c]);
    ops.disposeAll(out);
    return out;
  } catch (e) {
    ops.disposeAll();
    throw e;
  }
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
