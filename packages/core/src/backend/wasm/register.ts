/**
 * Registers tfai's training kernels with tfjs's global kernel registry: the two tfjs-backend-wasm 4.22 lacks
 * (Conv2DBackpropFilter, UnsortedSegmentSum), faster compositions of slow ones (Conv2DBackpropInput, matrix
 * products with transposed or batched operands, Tile), and corrections of two wrong gradients (wasm MaxPoolGrad;
 * cpu and wasm ResizeNearestNeighborGrad and ResizeBilinearGrad). Each kernel's file explains its math.
 */
import '@tensorflow/tfjs-backend-wasm';
import { matMulKernels } from './batch-matmul.js';
import { conv2DBackpropFilterKernels } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputKernels } from './conv2d-backprop-input.js';
import { depthwiseBackpropKernels } from './depthwise-conv2d-backprop.js';
import { maxPoolGradKernels } from './max-pool-grad.js';
import { SHARED_KERNELS } from '../kernels/register.js';
import { sliceKernels } from './slice.js';
import { tileKernels } from './tile.js';
import { identityKernels } from './identity.js';
import { sumKernels } from './sum.js';
import { gatherKernels } from './gather.js';
import { nativeConvKernels, nativeFirst } from './native.js';
import { transposeKernels } from './transpose.js';
import { unsortedSegmentSumKernels } from './unsorted-segment-sum.js';
import { registerDeclaredKernels, registerKernels, restoreStockKernels, type KernelDef } from '../registry.js';

/** tfai's kernels of the wasm backend (and of cpu: {@link SHARED_KERNELS}). */
export const TFAI_KERNELS: readonly KernelDef[] = [
  // #29: convolutions and matrix products run oneDNN on the wasm heap when @tfai/native is built (native.ts),
  // else the wasm kernels they wrap.
  ...nativeConvKernels,
  ...nativeFirst(conv2DBackpropFilterKernels),
  ...nativeFirst(conv2DBackpropInputKernels),
  // #31: depthwise convolutions' gradients (ConvNeXt, EfficientNet), which wasm lacks.
  ...depthwiseBackpropKernels,
  ...unsortedSegmentSumKernels,
  // MaxPool's gradient and BatchNorm's training kernels run the addon's C++ loops when it is built (native.ts).
  ...nativeFirst(maxPoolGradKernels),
  ...nativeFirst(SHARED_KERNELS),
  ...nativeFirst(matMulKernels),
  ...tileKernels,
  // #20: Identity shares memory instead of copying it; Sum over leading axes (bias gradients) without a transpose;
  // GatherV2 along axis 0 (embedding lookups) as row copies; Transpose of the last two or first two axes.
  ...identityKernels,
  ...sumKernels,
  ...gatherKernels,
  ...transposeKernels,
  // #20 (lstm): Slice / Unpack / SplitV reading the heap, not a copy of the whole input per output (slice.ts).
  ...sliceKernels,
];

/**
 * Registers {@link TFAI_KERNELS} and every kernel registered through {@link registerKernels} before (a domain
 * package's own, or ours again after {@link unregisterTfaiKernels}). Idempotent.
 */
export function registerTfaiKernels(): void {
  registerKernels(TFAI_KERNELS);
  registerDeclaredKernels();
}

/** Puts tfjs's own kernels back (for measuring ours against them). */
export const unregisterTfaiKernels = restoreStockKernels;
