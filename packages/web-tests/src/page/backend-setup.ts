// Choosing the page's backend through tfai's `setBackend` (as a user's page does). The export says nothing about
// the backend: the same files load on each.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setBackend } from '@tfai/core';
import type { BackendInfo, PageBackend } from './api.js';

/**
 * Sets the backend (wasm: its `.wasm` files fetched from `wasmPath`) and reports what the page got.
 * @example
 * ```ts
 * const info = await setupBackend('wasm', '/wasm/');
 * ```
 */
export async function setupBackend(backend: PageBackend, wasmPath: string): Promise<BackendInfo> {
  // tfai's own set-up (wasm: its kernels registered beside tfjs's, the .wasm files from `wasmPath`).
  await setBackend(backend, { wasmPaths: wasmPath });
  const info: BackendInfo = { backend: tf.getBackend(), isolated: self.crossOriginIsolated };
  if (backend === 'wasm') {
    info.wasmThreads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    info.wasmSimd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    const wasm = performance
      .getEntriesByType('resource')
      .map((e) => e.name)
      .find((n) => n.endsWith('.wasm'));
    info.wasmFile = wasm?.slice(wasm.lastIndexOf('/') + 1);
  }
  return info;
}
