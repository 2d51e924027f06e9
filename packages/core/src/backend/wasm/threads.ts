/**
 * WebAssembly threads for tfjs-backend-wasm under Node.
 *
 * tfjs-backend-wasm ships a threaded build (pthreads as emscripten workers, driving XNNPACK's thread pool) but
 * switches it off in Node (`WASM_HAS_MULTITHREAD_SUPPORT` is false there; tfjs issue #3830) because its loader
 * hands emscripten `blob:` URLs, which Node's `Worker` refuses:
 *
 * 1. the worker script is `URL.createObjectURL(new Blob([wasmWorkerContents]))`;
 * 2. each worker is then sent the module's main script as a `Blob` to `importScripts`.
 *
 * At runtime, without touching node_modules, we: write the same worker script (tfjs exports it from
 * `wasm-out/tfjs-backend-wasm-threaded-simd.worker.js`) to a file in the OS temp directory, preceded by a
 * message listener that replaces the Blob of (2) with the path of the identical main script tfjs ships in
 * `wasm-out/`; answer (1) with that file's path while the backend initialises; and set the flag. The C++ side
 * sizes its pool as min(requested, cores / 2) (it assumes two hyper-threads per core) from `os.cpus()`, so while
 * initialising we also make `os.cpus()` report at least 2 × requested entries.
 *
 * (Node hands every 'message' listener the same deserialised object, so the first listener's edit is what
 * emscripten's sees.) Workers inherit node's command-line flags; see {@link threadsUnavailable}.
 *
 * emscripten keeps running pthread workers ref'ed, which would keep Node's event loop alive forever; once the
 * backend is up we unref every worker (the main thread blocks on them while computing anyway), so processes
 * exit normally. {@link shutdownWasm} terminates them explicitly.
 */
import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { BackendWasm, getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

/** emscripten pre-spawns 8 pthread workers and tfjs caps XNNPACK's pool at 8 threads. */
export const MAX_WASM_THREADS = 8;

const require = createRequire(import.meta.url);
const WASM_OUT = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');

/** Path of the pthread worker script for Node, written once per content into the temp directory. */
function pthreadWorkerFile(): string {
  const exported: unknown = require(join(WASM_OUT, 'tfjs-backend-wasm-threaded-simd.worker.js'));
  const contents = (exported as { wasmWorkerContents?: unknown }).wasmWorkerContents;
  if (typeof contents !== 'string') throw new Error('tfjs-backend-wasm has no wasmWorkerContents');
  const mainScript = join(WASM_OUT, 'tfjs-backend-wasm-threaded-simd.js');
  const source = [
    "'use strict';",
    '// emscripten pthread worker for tfjs-backend-wasm under Node, written by tfai (backend/wasm/threads.ts).',
    "// Registered before emscripten's own listener: load the main script from its file instead of a Blob.",
    "require('node:worker_threads').parentPort.on('message', (d) => {",
    `  if (d && d.cmd === 'load') d.urlOrBlob = ${JSON.stringify(mainScript)};`,
    '});',
    // As tfjs does before making its Blob: the script's "\n" escapes arrive as real newlines inside string literals.
    contents.replace(/\n/g, '\\n'),
    '',
  ].join('\n');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const file = join(os.tmpdir(), `tfai-wasm-pthread-${hash}.cjs`);
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, source);
    renameSync(tmp, file);
  }
  return file;
}

/** Replaces `obj[key]` and returns a function that puts the original back. */
function swap<T extends object>(obj: T, key: keyof T & string, value: unknown): () => void {
  const original: unknown = Reflect.get(obj, key);
  Reflect.set(obj, key, value);
  return () => Reflect.set(obj, key, original);
}

/** The patches that let emscripten start its workers under Node, for the duration of the initialisation. */
function patchForInit(threads: number): () => void {
  const workerFile = pthreadWorkerFile();
  const createObjectURL = URL.createObjectURL.bind(URL);
  const cpus = os.cpus.bind(os);
  const restores = [
    swap(URL, 'createObjectURL', (obj: Blob) =>
      obj instanceof Blob && obj.type === 'application/javascript' ? workerFile : createObjectURL(obj),
    ),
  ];
  if (cpus().length < 2 * threads) {
    restores.push(
      swap(os, 'cpus', () => {
        const real = cpus();
        return Array.from({ length: 2 * threads }, (_, i) => real[i % real.length]);
      }),
    );
  }
  return () => restores.forEach((restore) => restore());
}

/**
 * Why pthread workers cannot start in this process, if they cannot: workers inherit node's command-line flags,
 * and `--input-type` (allowed with `-e` only) stops a worker from loading its script.
 */
export function threadsUnavailable(): string | undefined {
  const flag = process.execArgv.find((a) => a.startsWith('--input-type'));
  return flag ? `node was started with ${flag}, which worker threads inherit and cannot run with` : undefined;
}

/** The backend {@link initWasm} last started, and with how many threads. */
let started: { backend: BackendWasm; threads: number } | undefined;

/** The initialised wasm backend, if any (without initialising it). */
function wasmBackend(): BackendWasm | undefined {
  const backend = tf.engine().registry.wasm;
  return backend instanceof BackendWasm ? backend : undefined;
}

/** The emscripten pthread workers of the initialised wasm backend. */
export function wasmWorkers(): Worker[] {
  const backend = wasmBackend();
  const pthread: unknown = backend ? Reflect.get(backend.wasm, 'PThread') : undefined;
  if (typeof pthread !== 'object' || pthread === null) return [];
  const lists = ['runningWorkers', 'unusedWorkers'].map((k): unknown => Reflect.get(pthread, k));
  return lists.flatMap((l) => (Array.isArray(l) ? l.filter((w): w is Worker => w instanceof Worker) : []));
}

/** The thread count the running wasm backend was asked for through {@link initWasm}, if it was. */
export function requestedWasmThreads(): number | undefined {
  const backend = wasmBackend();
  return backend && started?.backend === backend ? started.threads : undefined;
}

/** Number of threads XNNPACK uses in the initialised wasm backend, or undefined before it is initialised. */
export function wasmThreadCount(): number | undefined {
  return wasmBackend() ? getThreadsCount() : undefined;
}

/**
 * Initialises tfjs's 'wasm' backend with `threads` threads (1: the single-threaded SIMD build) and makes it the
 * current backend. The wasm backend must not be initialised yet ({@link shutdownWasm} first).
 */
export async function initWasm(threads: number): Promise<void> {
  const multithread = threads > 1;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', multithread);
  setThreadsCount(threads);
  const restore = multithread ? patchForInit(threads) : undefined;
  let ok: boolean;
  try {
    ok = await tf.setBackend('wasm');
  } finally {
    restore?.();
    // Any later initialisation that bypasses us must not try the threaded build.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  }
  if (!ok) throw new Error(`the wasm backend failed to initialise with ${threads} thread(s)`);
  for (const worker of wasmWorkers()) worker.unref();
  const backend = wasmBackend();
  if (backend) started = { backend, threads };
}

/**
 * Disposes the wasm backend (its tensors become invalid) and terminates its threads, keeping it registered so
 * that it can be initialised again. No-op when it isn't initialised.
 */
export function shutdownWasm(): void {
  const engine = tf.engine();
  if (!wasmBackend()) return;
  const entry = engine.registryFactory.wasm;
  started = undefined;
  tf.removeBackend('wasm');
  if (entry) tf.registerBackend('wasm', entry.factory, entry.priority);
}
