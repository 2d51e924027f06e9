// Choosing and starting a backend in a browser page: tfjs's own webgpu and webgl (when the page imported them),
// wasm (with tfai's kernels; the `.wasm` files served with the page) and cpu. The export names no backend.
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import {
  BROWSER_BACKEND_ORDER,
  BackendUnavailableError,
  type BackendName,
  type SetBackendOptions,
} from '../../backend/backend-names.js';
import type { WebGPUAdapterReport } from '../../backend/webgpu/setup.js';

/** The automatic choice's order here. */
export const PLATFORM_BACKEND_ORDER = BROWSER_BACKEND_ORDER;

/** Whether tfjs has a factory for the backend in this page (webgpu: registered by the page, and `navigator.gpu`). */
export function backendAvailable(name: BackendName): boolean {
  switch (name) {
    case 'webgpu':
      return (
        tf.findBackendFactory('webgpu') !== null && 'gpu' in ((globalThis as { navigator?: object }).navigator ?? {})
      );
    case 'webgl':
    case 'wasm':
    case 'cpu':
      return tf.findBackendFactory(name) !== null;
    default:
      return false;
  }
}

/** The automatic choice: the first of the order that starts (a page without WebGL falls through to wasm). */
export async function automaticBackend(): Promise<BackendName> {
  for (const name of BROWSER_BACKEND_ORDER.filter(backendAvailable)) {
    if (name === 'cpu') return name;
    try {
      await activate(name, {});
      return name;
    } catch {
      /* next */
    }
  }
  return 'cpu';
}

/** Starts backend `name` and makes it tfjs's current one. */
export async function activate(name: BackendName, opts: SetBackendOptions): Promise<WebGPUAdapterReport | undefined> {
  if (!backendAvailable(name))
    throw new BackendUnavailableError(
      name,
      name === 'webgpu'
        ? "backend 'webgpu' is not available in this page: import '@tensorflow/tfjs-backend-webgpu' in a browser with WebGPU"
        : name === 'webgl'
          ? "backend 'webgl' is not available in this page: import '@tensorflow/tfjs-backend-webgl' (an optional peer of @tfai/core)"
          : `backend '${name}' is not available in a browser page`,
    );
  if (name === 'wasm') {
    if (opts.wasmPaths !== undefined) setWasmPaths(opts.wasmPaths);
    // The training kernels tfjs-backend-wasm lacks and tfai's faster ones, as in Node (threads: tfjs's own, where
    // the page is cross-origin isolated).
    (await import('../../backend/wasm/register.js')).registerTfaiKernels();
  }
  if (name === 'cpu') (await import('../../backend/kernels/register.js')).registerCpuKernels();
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    throw new BackendUnavailableError(name, `the ${name} backend failed to initialise: ${(e as Error).message}`);
  }
  if (!ok) throw new BackendUnavailableError(name, `the ${name} backend failed to initialise`);
  await tf.ready();
  return undefined;
}
