import '@tensorflow/tfjs-backend-wasm';
import type { SetBackendOptions } from '../backend.js';

/**
 * Prepares the wasm backend before it is initialised: thread count, and registration of the training kernels
 * that tfjs-backend-wasm 4.22 lacks or runs as scalar loops. Idempotent.
 */
export async function setupWasm(_opts: SetBackendOptions): Promise<void> {
  // Filled in by the wasm-kernels work (issue 2, item 4).
}
