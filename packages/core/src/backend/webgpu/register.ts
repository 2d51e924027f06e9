/**
 * tfai's kernels for tfjs-backend-webgpu 4.22, registered in tfjs's global kernel registry by
 * {@link registerWebGPUKernels} (from setupWebGPU). The webgpu parity suite (`*.webgpu.test.ts`) compares every
 * kernel and gradient tfai trains with against the cpu backend; an entry here is one it found missing or wrong.
 */
import { registerKernels, type KernelDef } from '../registry.js';
import { maxPoolGradWebGPUKernels } from './max-pool-grad.js';
import { resizeNearestNeighborGradWebGPUKernels } from './resize-nearest-grad.js';

/**
 * The kernels; see each entry's file for its math: MaxPoolGrad (ties to the first maximum, as PyTorch) and
 * ResizeNearestNeighborGrad (honours halfPixelCenters).
 */
export const WEBGPU_KERNELS: readonly KernelDef[] = [
  ...maxPoolGradWebGPUKernels,
  ...resizeNearestNeighborGradWebGPUKernels,
];

/** Registers {@link WEBGPU_KERNELS}. Idempotent. */
export function registerWebGPUKernels(): void {
  registerKernels(WEBGPU_KERNELS);
}
