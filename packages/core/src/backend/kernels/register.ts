/**
 * The kernels shared by the wasm and cpu backends (registrable without loading tfjs-backend-wasm): fixes of tfjs
 * 4.22's cpu ResizeNearestNeighborGrad (wrong for batch > 1, ignores halfPixelCenters) and ResizeBilinearGrad (fails
 * on non-square inputs), and the fused LSTM chunk, BatchNorm (training), cross-entropy and dropout, the same JS
 * loops on both.
 */
import { lstmChunkKernels } from './lstm-chunk.js';
import { batchNormKernels } from './batch-norm-train.js';
import { crossEntropyKernels } from './cross-entropy.js';
import { dropoutKernels } from './dropout.js';
import { registerKernels, type KernelDef } from '../registry.js';
import { resizeBilinearGradKernels } from './resize-bilinear-grad.js';
import { resizeNearestNeighborGradKernels } from './resize-nearest-grad.js';

export const SHARED_KERNELS: readonly KernelDef[] = [
  ...resizeNearestNeighborGradKernels,
  ...resizeBilinearGradKernels,
  ...lstmChunkKernels,
  ...batchNormKernels,
  ...crossEntropyKernels,
  ...dropoutKernels,
];

/** Registers {@link SHARED_KERNELS} on cpu. Idempotent. */
export function registerCpuKernels(): void {
  registerKernels(SHARED_KERNELS, ['cpu']);
}
