/**
 * Registers tfai's training kernels with tfjs's global kernel registry: the two tfjs-backend-wasm 4.22 lacks
 * (Conv2DBackpropFilter, UnsortedSegmentSum), faster compositions of slow ones (Conv2DBackpropInput, matrix
 * products with transposed or batched operands, Tile), and corrections of two wrong gradients (wasm MaxPoolGrad;
 * cpu and wasm ResizeNearestNeighborGrad and ResizeBilinearGrad). Each kernel's file explains its math.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { fastMatMul } from './batch-matmul.js';
import { batchNormKernels } from './fused-batchnorm.js';
import { crossEntropyKernel } from './fused-cross-entropy.js';
import { dropoutKernel } from './fused-dropout.js';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { lstmChunkKernels } from './lstm-chunk.js';
import { dotBiasConfigs } from './dot-bias.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { CPU_KERNELS } from './register-cpu.js';
import { resizeBilinearGradConfig } from './resize-bilinear-grad.js';
import { resizeNearestNeighborGradConfig } from './resize-nearest-grad.js';
import { sliceKernels } from './slice.js';
import { fastTile } from './tile.js';
import { sharedIdentity } from './identity.js';
import { fastSum } from './sum.js';
import { fastGather } from './gather.js';
import { fastTranspose } from './transpose.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';
import { registerKernels, restoreStockKernels, type Replacement } from './registry.js';

/** The kernels; `registerTfaiKernels` filters them by `${backendName}/${kernelName}`. */
export const TFAI_KERNELS: readonly Replacement[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  unsortedSegmentSumConfig,
  maxPoolGradConfig,
  resizeNearestNeighborGradConfig('wasm'),
  resizeBilinearGradConfig('wasm'),
  ...CPU_KERNELS,
  { kernelName: tf.BatchMatMul, backendName: 'wasm', wrap: fastMatMul },
  { kernelName: tf._FusedMatMul, backendName: 'wasm', wrap: fastMatMul },
  { kernelName: tf.Tile, backendName: 'wasm', wrap: fastTile },
  // #20: Identity shares memory instead of copying it; Sum over leading axes (bias gradients) without a transpose;
  // GatherV2 along axis 0 (embedding lookups) as row copies; Transpose of the last two or first two axes.
  { kernelName: tf.Identity, backendName: 'wasm', wrap: sharedIdentity },
  { kernelName: tf.Sum, backendName: 'wasm', wrap: fastSum },
  { kernelName: tf.GatherV2, backendName: 'wasm', wrap: fastGather },
  { kernelName: tf.Transpose, backendName: 'wasm', wrap: fastTranspose },
  // #20 (lstm): one LSTM layer over a whole chunk, forward and backward (lstm-chunk.ts; cpu's pair is in CPU_KERNELS).
  ...lstmChunkKernels('wasm'),
  // #20 (lstm): Slice / Unpack / SplitV reading the heap, not a copy of the whole input per output (slice.ts).
  ...sliceKernels,
  // Fused BatchNorm (training), cross-entropy and dropout: new kernels, used by backend/fused-ops.ts (#20).
  ...batchNormKernels('wasm'),
  crossEntropyKernel('wasm'),
  dropoutKernel('wasm'),
  // #20 (issue-20d): collaborative filtering's EmbeddingDotBias as one kernel forward, one backward (wasm, cpu).
  ...dotBiasConfigs,
];

/** Registers {@link TFAI_KERNELS}, or those whose `backend/kernel` key is in `only`. Idempotent. */
export function registerTfaiKernels(only?: ReadonlySet<string>): void {
  registerKernels(TFAI_KERNELS, only);
}

/** Puts tfjs's own kernels back (for measuring ours against them). */
export const unregisterTfaiKernels = restoreStockKernels;
