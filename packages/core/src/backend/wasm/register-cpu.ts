/**
 * The cpu backend's share of tfai's kernel fixes (tfjs 4.22's cpu ResizeNearestNeighborGrad is wrong for
 * batch > 1 and ignores halfPixelCenters; its ResizeBilinearGrad fails on non-square inputs), registrable
 * without loading tfjs-backend-wasm; and the cpu pair of the fused LSTM chunk.
 */
import { lstmChunkKernels } from './lstm-chunk.js';
import { batchNormKernels } from './fused-batchnorm.js';
import { crossEntropyKernel } from './fused-cross-entropy.js';
import { dropoutKernel } from './fused-dropout.js';
import { registerKernels, type Replacement } from './registry.js';
import { resizeBilinearGradConfig } from './resize-bilinear-grad.js';
import { resizeNearestNeighborGradConfig } from './resize-nearest-grad.js';

export const CPU_KERNELS: readonly Replacement[] = [
  resizeNearestNeighborGradConfig('cpu'),
  resizeBilinearGradConfig('cpu'),
  // #20 (lstm): the fused LSTM chunk's cpu pair (lstm-chunk.ts).
  ...lstmChunkKernels('cpu'),
  // Fused BatchNorm (training), cross-entropy and dropout (#20), the same JS loops as on wasm.
  ...batchNormKernels('cpu'),
  crossEntropyKernel('cpu'),
  dropoutKernel('cpu'),
];

/** Registers {@link CPU_KERNELS}. Idempotent. */
export function registerCpuKernels(): void {
  registerKernels(CPU_KERNELS);
}
