import * as tf from '@tensorflow/tfjs-core';
import './tfjs.js';
import { envVar } from '#platform/process';
import { PLATFORM_BACKEND_ORDER, activate, automaticBackend, backendAvailable } from '#platform/backend';
import { BACKEND_ORDER, BackendUnavailableError, type BackendName, type SetBackendOptions } from './backend-names.js';
import type { WebGPUAdapterReport } from './webgpu/setup.js';

export {
  BACKEND_ORDER,
  BROWSER_BACKEND_ORDER,
  BACKEND_PACKAGES,
  BackendUnavailableError,
  type BackendName,
  type SetBackendOptions,
} from './backend-names.js';
export { backendAvailable } from '#platform/backend';

/** The backends whose packages are installed here (in a page: those tfjs registered), best first. */
export function availableBackends(): BackendName[] {
  return PLATFORM_BACKEND_ORDER.filter(backendAvailable);
}

function parseBackendName(value: string, source: string): BackendName {
  const v = value.trim().toLowerCase();
  if ((BACKEND_ORDER as readonly string[]).includes(v) || v === 'webgl') return v as BackendName;
  throw new BackendUnavailableError(
    value,
    `${source}=${value} is not a tfai backend; use one of ${BACKEND_ORDER.join(', ')}, or webgl in a page`,
  );
}

let active: BackendName | undefined;
let pending: Promise<BackendName> | undefined;
let webgpu: WebGPUAdapterReport | undefined;

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
  const fromEnv = envVar('TFAI_BACKEND');
  let choice: BackendName;
  if (name) choice = parseBackendName(name, 'setBackend');
  else if (fromEnv) choice = parseBackendName(fromEnv, 'TFAI_BACKEND');
  else choice = await automaticBackend();
  const threadsAsked = choice === 'wasm' && opts.threads !== undefined;
  if (active === choice && tf.getBackend() === backendEngineName(choice) && !threadsAsked) return choice;
  const run = (pending ?? Promise.resolve(active as BackendName))
    .catch(() => active as BackendName)
    .then(async () => {
      const report = await activate(choice, opts);
      if (report) webgpu = report;
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
