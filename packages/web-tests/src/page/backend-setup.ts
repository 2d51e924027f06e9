// Choosing the page's tfjs backend. The export says nothing about the backend: the same files load on each.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import type { BackendInfo, PageBackend } from './api.js';

/**
 * Sets the backend (wasm: its `.wasm` files fetched from `wasmPath`) and reports what the page got.
 * @example
 * ```ts
 * const info = await setupBackend('wasm', '/wasm/');
 * ```
 */
export async function setupBackend(backend: PageBackend, wasmPath: string): Promise<BackendInfo> {
  if (backend === 'wasm') setWasmPaths(wasmPath);
  const ok = await tf.setBackend(backend);
  if (!ok) throw new Error(`backend ${backend} failed to initialise`);
  await tf.ready();
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
