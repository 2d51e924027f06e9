// Choosing and starting a backend in Node: native bindings found on disk, Dawn's WebGPU, wasm with threads.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  BACKEND_ORDER,
  BACKEND_PACKAGES,
  BackendUnavailableError,
  type BackendName,
  type SetBackendOptions,
} from '../../backend/backend-names.js';
import { withoutEmscriptenHandlers } from '../../backend/uncaught.js';
import {
  WEBGPU_PACKAGES,
  gpuDevicePresent,
  probeWebGPU,
  webgpuInstalled,
  type WebGPUAdapterReport,
} from '../../backend/webgpu/setup.js';

/** The automatic choice's order here. */
export const PLATFORM_BACKEND_ORDER = BACKEND_ORDER;

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
    case 'webgl':
      return false;
  }
}

/**
 * The automatic choice: the first of {@link BACKEND_ORDER} that is installed, where `webgpu` counts only when
 * Dawn gives a hardware adapter (asked only where a GPU device exists: {@link gpuDevicePresent}).
 */
export async function automaticBackend(): Promise<BackendName> {
  for (const name of BACKEND_ORDER.filter(backendAvailable)) {
    if (name !== 'webgpu') return name;
    if (!gpuDevicePresent() && process.env.TFAI_WEBGPU_PROBE !== '1') continue;
    const { adapter } = await probeWebGPU();
    if (adapter && !adapter.software) return name;
  }
  return 'cpu';
}

/** Starts backend `name` (made tfjs's current backend); returns the WebGPU adapter's report for webgpu. */
export async function activate(name: BackendName, opts: SetBackendOptions): Promise<WebGPUAdapterReport | undefined> {
  let webgpu: WebGPUAdapterReport | undefined;
  if (name === 'webgl') throw new BackendUnavailableError(name, 'webgl exists in browser pages only');
  if (!backendAvailable(name)) {
    throw new BackendUnavailableError(
      name,
      `backend '${name}' is not installed: run \`npm install ${name === 'webgpu' ? WEBGPU_PACKAGES.join(' ') : BACKEND_PACKAGES[name]}\`` +
        (name === 'cuda' ? ' (needs CUDA 11.2 and cuDNN 8.1; its install downloads libtensorflow)' : ''),
    );
  }
  switch (name) {
    case 'webgpu':
      try {
        const { setupWebGPU } = await import('../../backend/webgpu/setup.js');
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
        await (await import('../../backend/wasm/setup.js')).setupWasm(opts);
        if (!(await tf.setBackend('wasm')))
          throw new BackendUnavailableError(name, 'the wasm backend failed to initialise');
      });
      break;
    case 'cpu':
      // tfjs 4.22's cpu ResizeNearestNeighborGrad is wrong for batch > 1 (see kernels/register.ts).
      (await import('../../backend/kernels/register.js')).registerCpuKernels();
      if (!(await tf.setBackend('cpu')))
        throw new BackendUnavailableError(name, 'the cpu backend failed to initialise');
      break;
  }
  await tf.ready();
  return webgpu;
}
