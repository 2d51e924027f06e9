// The thread count a measurement reports, read from tfjs-backend-wasm's own API (core keeps its thread set-up private).
import * as tf from '@tensorflow/tfjs-core';
import { BackendWasm, getThreadsCount } from '@tensorflow/tfjs-backend-wasm';

/**
 * Number of threads XNNPACK uses in the initialised wasm backend (what `setBackend('wasm', { threads })` got), or
 * null while the wasm backend is not initialised (webgpu).
 * @example
 * ```ts
 * await setBackend('wasm', { threads: 2 });
 * wasmThreadCount(); // 2 (1 where threads are unavailable)
 * ```
 */
export function wasmThreadCount(): number | null {
  return tf.engine().registry.wasm instanceof BackendWasm ? getThreadsCount() : null;
}
