import { cpuCount } from '#platform/os';
import { envVar } from '#platform/process';
import type { SetBackendOptions } from '../backend.js';
import { setNativeThreads } from './native.js';
import { registerTfaiKernels } from './register.js';
import {
  MAX_WASM_THREADS,
  initWasm,
  requestedWasmThreads,
  shutdownWasm,
  threadsUnavailable,
  wasmThreadCount,
} from './threads.js';

export { shutdownWasm, wasmThreadCount } from './threads.js';

/**
 * The number of wasm threads to use: `opts.threads`, else `TFAI_WASM_THREADS`, else the number of cores; at most
 * {@link MAX_WASM_THREADS}.
 */
export function wasmThreadsWanted(opts: SetBackendOptions = {}): number {
  const env = envVar('TFAI_WASM_THREADS');
  const [value, source] =
    opts.threads !== undefined
      ? [opts.threads, 'setBackend option threads']
      : env
        ? [Number(env), 'TFAI_WASM_THREADS']
        : [cpuCount(), 'the number of cores'];
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${source} must be a positive integer, got ${String(value)}`);
  }
  return Math.min(value, MAX_WASM_THREADS);
}

/**
 * Prepares the wasm backend: registers the training kernels tfjs-backend-wasm 4.22 lacks or runs as scalar
 * loops, and unless it already runs as wanted, starts it (making it tfjs's current backend) with the wanted
 * number of threads ({@link wasmThreadsWanted}). A running backend keeps its count unless `opts.threads` asks
 * for another; then it is re-created, and the tensors held on it become invalid. If the threaded build fails to
 * start, falls back to one thread with a warning.
 */
export async function setupWasm(opts: SetBackendOptions): Promise<void> {
  registerTfaiKernels();
  const running = requestedWasmThreads();
  // Without an explicit count, a running backend keeps its own.
  if (opts.threads === undefined && running !== undefined) return;
  let threads = wasmThreadsWanted(opts);
  // oneDNN's threads (native kernels, #29) follow the same setting, whether or not wasm can run threaded.
  setNativeThreads(threads);
  const blocked = threadsUnavailable();
  if (threads > 1 && blocked) {
    console.warn(`tfai: wasm runs on 1 thread: ${blocked}`);
    threads = 1;
  }
  if (running === threads) return;
  if (wasmThreadCount() !== undefined) shutdownWasm();
  try {
    await initWasm(threads);
  } catch (e) {
    if (threads === 1) throw e;
    console.warn(`tfai: wasm with ${threads} threads failed (${String(e)}); using 1 thread`);
    shutdownWasm();
    await initWasm(1);
  }
}
