import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import './tfjs.js';
import { installSpec } from '../io/optional.js';
import { TfaiError } from '../errors.js';
import {
  WEBGPU_PACKAGES,
  gpuDevicePresent,
  probeWebGPU,
  webgpuInstalled,
  type WebGPUAdapterReport,
} from './webgpu/setup.js';
import { withoutEmscriptenHandlers } from './uncaught.js';

/**
 * The backends tfai can run on, best first. `tensorflow` is native CPU (`@tensorflow/tfjs-node`); `webgpu` is
 * tfjs's WebGPU backend on Dawn (npm `webgpu`), on the vendor's Vulkan, Metal or D3D12 driver.
 */
export type BackendName = 'cuda' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';

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
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/** Thrown when a backend was asked for (by name or by `TFAI_BACKEND`) but cannot be loaded. */
export class BackendUnavailableError extends TfaiError {
  constructor(
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
}

const require = createRequire(import.meta.url);

function packageDir(pkg: string): string | undefined {
  try {
    return dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    return undefined;
  }
}

/**
 * True when a native tfjs-node binding is installed. We look for the compiled `tfjs_binding.node` before
 * requiring the package: a failed require leaves kernels half-registered in the shared engine.
 */
function nativeBindingPresent(pkg: string): boolean {
  const dir = packageDir(pkg);
  if (!dir) return false;
  const lib = join(dir, 'lib');
  if (!existsSync(lib)) return false;
  return readdirSync(lib).some((d) => d.startsWith('napi-v') && existsSync(join(lib, d, 'tfjs_binding.node')));
}

/** Whether the package behind a backend is installed (without loading it). */
export function backendAvailable(name: BackendName): boolean {
  switch (name) {
    case 'cuda':
    case 'tensorflow':
      return nativeBindingPresent(BACKEND_PACKAGES[name]);
    case 'webgpu':
      return webgpuInstalled();
    case 'wasm':
      return packageDir(BACKEND_PACKAGES.wasm) !== undefined;
    case 'cpu':
      return true;
  }
}

/**
 * The automatic choice: the first of {@link BACKEND_ORDER} that is installed, where `webgpu` counts only when
 * Dawn gives a hardware adapter (asked only where a GPU device exists: {@link gpuDevicePresent}).
 */
async function automaticBackend(): Promise<BackendName> {
  for (const name of availableBackends()) {
    if (name !== 'webgpu') return name;
    if (!gpuDevicePresent() && process.env.TFAI_WEBGPU_PROBE !== '1') continue;
    const { adapter } = await probeWebGPU();
    if (adapter && !adapter.software) return name;
  }
  return 'cpu';
}

/** The backends whose packages are installed here, best first. */
export function availableBackends(): BackendName[] {
  return BACKEND_ORDER.filter(backendAvailable);
}

function parseBackendName(value: string, source: string): BackendName {
  const v = value.trim().toLowerCase();
  if ((BACKEND_ORDER as readonly string[]).includes(v)) return v as BackendName;
  throw new BackendUnavailableError(
    value,
    `${source}=${value} is not a tfai backend; use one of ${BACKEND_ORDER.join(', ')}`,
  );
}

let active: BackendName | undefined;
let pending: Promise<BackendName> | undefined;
let webgpu: WebGPUAdapterReport | undefined;

async function activate(name: BackendName, opts: SetBackendOptions): Promise<void> {
  if (!backendAvailable(name)) {
    throw new BackendUnavailableError(
      name,
      `backend '${name}' is not installed: run \`npm install ${(name === 'webgpu' ? WEBGPU_PACKAGES : [BACKEND_PACKAGES[name]]).map(installSpec).join(' ')}\`` +
        (name === 'cuda' ? ' (needs CUDA 11.2 and cuDNN 8.1; its install downloads libtensorflow)' : ''),
    );
  }
  switch (name) {
    case 'webgpu':
      try {
        const { setupWebGPU } = await import('./webgpu/setup.js');
        webgpu = await setupWebGPU();
      } catch (e) {
        throw new BackendUnavailableError(name, `webgpu: ${(e as Error).message}`);
      }
      break;
    case 'cuda':
    case 'tensorflow':
      // Registers the 'tensorflow' backend and its kernels with the one shared tfjs engine.
      require(BACKEND_PACKAGES[name]);
      if (!(await tf.setBackend('tensorflow')))
        throw new BackendUnavailableError(name, `${BACKEND_PACKAGES[name]} failed to initialise`);
      break;
    case 'wasm':
      // Threads and the training kernels tfjs-backend-wasm lacks (see wasm/setup.ts).
      // …and without emscripten's process handlers, which dump its minified source on every uncaught error.
      await withoutEmscriptenHandlers(async () => {
        await (await import('./wasm/setup.js')).setupWasm(opts);
        if (!(await tf.setBackend('wasm')))
          throw new BackendUnavailableError(name, 'the wasm backend failed to initialise');
      });
      break;
    case 'cpu':
      // tfjs 4.22's cpu ResizeNearestNeighborGrad is wrong for batch > 1 (see kernels/register.ts).
      (await import('./kernels/register.js')).registerCpuKernels();
      if (!(await tf.setBackend('cpu')))
        throw new BackendUnavailableError(name, 'the cpu backend failed to initialise');
      break;
  }
  await tf.ready();
}

/**
 * Chooses the backend tfai computes on. With no name: `TFAI_BACKEND` if set, else the best installed one
 * (CUDA, WebGPU on a hardware adapter, native CPU, wasm, pure-JS cpu). A backend asked for by name that isn't
 * installed, or `webgpu` where Dawn finds no adapter, is an error naming what to install. `webgpu` asked for by
 * name runs on whatever adapter Dawn gives, a software one included ({@link webgpuAdapterInfo} says which).
 *
 * @example
 * ```ts
 * import { setBackend } from '@tfai/core/backend';
 * const name = await setBackend();      // 'wasm' on a machine without tfjs-node
 * await setBackend('cpu');              // force the pure-JS backend
 * ```
 */
export async function setBackend(name?: BackendName, opts: SetBackendOptions = {}): Promise<BackendName> {
  const fromEnv = process.env.TFAI_BACKEND;
  let choice: BackendName;
  if (name) choice = parseBackendName(name, 'setBackend');
  else if (fromEnv) choice = parseBackendName(fromEnv, 'TFAI_BACKEND');
  else choice = await automaticBackend();
  const threadsAsked = choice === 'wasm' && opts.threads !== undefined;
  if (active === choice && tf.getBackend() === backendEngineName(choice) && !threadsAsked) return choice;
  const run = (pending ?? Promise.resolve(active as BackendName))
    .catch(() => active as BackendName)
    .then(async () => {
      await activate(choice, opts);
      active = choice;
      return choice;
    });
  pending = run;
  return run;
}

/**
 * Makes sure a backend is chosen (automatically, as {@link setBackend} with no argument) and returns it.
 * Every async entry point of tfai calls it, so most users never need to.
 */
export async function ready(): Promise<BackendName> {
  if (active && tf.getBackend() === backendEngineName(active)) return active;
  if (pending) {
    try {
      return await pending;
    } catch {
      /* fall through to a fresh choice */
    }
  }
  return setBackend();
}

function backendEngineName(name: BackendName): string {
  return name === 'cuda' ? 'tensorflow' : name;
}

/**
 * The adapter the webgpu backend runs on (vendor, architecture, whether it is software, limits), once
 * `setBackend('webgpu')` succeeded; undefined before.
 *
 * @example
 * ```ts
 * await setBackend('webgpu');
 * const a = webgpuAdapterInfo();   // { vendor: 'nvidia', architecture: 'ampere', software: false, … }
 * ```
 */
export function webgpuAdapterInfo(): WebGPUAdapterReport | undefined {
  return webgpu;
}

/** The backend in use, or undefined before the first {@link ready}/{@link setBackend}. */
export function getBackend(): BackendName | undefined {
  return active;
}
