// The one line that names the backend in use, as the demo and the training log print it.
import * as tf from '@tensorflow/tfjs-core';
import { getBackend } from './backend.js';
import { describeNativeKernels, nativeKernelStatus } from './wasm/native.js';

/**
 * The backend in use in one line: its name and, on wasm, whether @tfai/native's oneDNN kernels run (and on which
 * ISA and how many threads) or why not.
 * @example
 * ```ts
 * await setBackend();
 * console.log(`backend: ${describeBackend()}`); // backend: wasm + native oneDNN 2.6.3 (avx512_core, 2 threads)
 * ```
 */
export function describeBackend(): string {
  const name = getBackend() ?? tf.getBackend();
  if (name !== 'wasm') return name;
  return nativeKernelStatus().enabled
    ? `wasm + native ${describeNativeKernels()}`
    : `wasm (native kernels ${describeNativeKernels()})`;
}
