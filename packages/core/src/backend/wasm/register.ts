/**
 * Registers tfai's training kernels with tfjs's global kernel registry: the two tfjs-backend-wasm 4.22 lacks
 * (Conv2DBackpropFilter, UnsortedSegmentSum), faster compositions of slow ones (Conv2DBackpropInput, matrix
 * products with transposed or batched operands, Tile), and corrections of two wrong gradients (wasm MaxPoolGrad;
 * cpu and wasm ResizeNearestNeighborGrad). Each kernel's file explains its math.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { fastMatMul } from './batch-matmul.js';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { resizeNearestNeighborGradConfig } from './resize-nearest-grad.js';
import { fastTile } from './tile.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

/** Marks kernel functions registered here, so registering twice (or from two copies of this module) is a no-op. */
const MARK = Symbol.for('tfai.kernel');
type Marked = tf.KernelFunc & { [MARK]?: true };

/** A kernel to register: either a whole new function, or a wrapper around the stock one. */
interface Replacement {
  kernelName: string;
  backendName: string;
  kernelFunc?: tf.KernelFunc;
  wrap?: (stock: tf.KernelFunc) => tf.KernelFunc;
}

/** The kernels, by `${backendName}/${kernelName}`. */
export const TFAI_KERNELS: readonly Replacement[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  unsortedSegmentSumConfig,
  maxPoolGradConfig,
  resizeNearestNeighborGradConfig('wasm'),
  resizeNearestNeighborGradConfig('cpu'),
  { kernelName: tf.BatchMatMul, backendName: 'wasm', wrap: fastMatMul },
  { kernelName: tf._FusedMatMul, backendName: 'wasm', wrap: fastMatMul },
  { kernelName: tf.Tile, backendName: 'wasm', wrap: fastTile },
];

const keyOf = (k: Replacement): string => `${k.backendName}/${k.kernelName}`;

/** The kernels ours replaced (undefined: there was none), to put them back. */
const stockKernels = new Map<string, tf.KernelConfig | undefined>();

/**
 * Registers {@link TFAI_KERNELS} (or those of them whose `backend/kernel` key is in `only`), keeping the stock
 * kernel's setup/dispose functions (they bind the wasm functions other kernels share). Idempotent.
 */
export function registerTfaiKernels(only?: ReadonlySet<string>): void {
  for (const k of TFAI_KERNELS) {
    if (only && !only.has(keyOf(k))) continue;
    const stock = tf.getKernel(k.kernelName, k.backendName);
    if (stock && (stock.kernelFunc as Marked)[MARK]) continue;
    const kernelFunc: Marked | undefined = k.wrap ? (stock ? k.wrap(stock.kernelFunc) : undefined) : k.kernelFunc;
    if (!kernelFunc) continue;
    kernelFunc[MARK] = true;
    if (stock) tf.unregisterKernel(k.kernelName, k.backendName);
    stockKernels.set(keyOf(k), stock);
    tf.registerKernel({
      kernelName: k.kernelName,
      backendName: k.backendName,
      kernelFunc,
      ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}),
      ...(stock?.disposeFunc ? { disposeFunc: stock.disposeFunc } : {}),
    });
  }
}

/** Puts tfjs's own kernels back (for measuring ours against them). */
export function unregisterTfaiKernels(): void {
  for (const [key, stock] of stockKernels) {
    const [backendName, kernelName] = key.split('/');
    tf.unregisterKernel(kernelName, backendName);
    if (stock) tf.registerKernel(stock);
  }
  stockKernels.clear();
}
