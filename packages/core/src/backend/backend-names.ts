// The backends' names, their packages and the options of setBackend: shared by Node's and a page's choice.
import { TfaiError } from '../errors.js';

/**
 * The backends tfai can run on. `tensorflow` is native CPU (`@tensorflow/tfjs-node`); `webgpu` is tfjs's WebGPU
 * backend (in Node on Dawn, npm `webgpu`, on the vendor's Vulkan, Metal or D3D12 driver; in a page the browser's);
 * `webgl` exists in pages only.
 */
export type BackendName = 'cuda' | 'webgpu' | 'tensorflow' | 'webgl' | 'wasm' | 'cpu';

/**
 * The automatic choice's order. `webgpu` counts only on a hardware adapter: a software one (Mesa's llvmpipe)
 * is used only when asked for by name.
 *
 * @example
 * ```ts
 * BACKEND_ORDER; // ['cuda', 'webgpu', 'tensorflow', 'wasm', 'cpu']
 * ```
 */
export const BACKEND_ORDER: readonly BackendName[] = ['cuda', 'webgpu', 'tensorflow', 'wasm', 'cpu'];

/**
 * The automatic choice's order in a browser page: WebGPU where the page registered tfjs's webgpu backend
 * (`import '@tensorflow/tfjs-backend-webgpu'`) and the browser has an adapter, then WebGL, wasm and cpu.
 *
 * @example
 * ```ts
 * BROWSER_BACKEND_ORDER; // ['webgpu', 'webgl', 'wasm', 'cpu']
 * ```
 */
export const BROWSER_BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/**
 * The npm package that provides each backend (webgpu also needs `webgpu`, Dawn's Node bindings).
 *
 * @example
 * ```ts
 * BACKEND_PACKAGES.webgpu; // '@tensorflow/tfjs-backend-webgpu'
 * ```
 */
export const BACKEND_PACKAGES: Readonly<Record<BackendName, string>> = {
  cuda: '@tensorflow/tfjs-node-gpu',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  tensorflow: '@tensorflow/tfjs-node',
  webgl: '@tensorflow/tfjs-backend-webgl',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/** Thrown when a backend was asked for (by name or by `TFAI_BACKEND`) but cannot be loaded. */
export class BackendUnavailableError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'BackendUnavailableError';
  constructor(
    /** The backend that was asked for, as given (a {@link BackendName} such as `'cuda'`, or a misspelt one). */
    readonly backend: string,
    reason: string,
  ) {
    super(reason);
  }
}

/** Options of {@link setBackend}. */
export interface SetBackendOptions {
  /**
   * wasm only: number of threads (default: `TFAI_WASM_THREADS`, else the number of cores; at most 8; 1 uses the
   * single-threaded build). Asking for a different count than the running wasm backend's re-creates it, which
   * invalidates the tensors it holds, so choose it at the first call. Threads split XNNPACK's large kernels
   * (convolutions) but add a synchronisation per kernel and lose when the cores are busy with other work;
   * dispatch-bound models (many small ops) can be faster on 1, so measure per model.
   */
  threads?: number;
  /**
   * wasm in a page only: where the page serves tfjs-backend-wasm's `.wasm` files (a folder URL ending in `/`, or
   * one URL per file name), passed to tfjs's `setWasmPaths`. Default: beside the page's script.
   */
  wasmPaths?: string | Record<string, string>;
}
