// The one way into tfjs's private backend memory, for every tfai kernel written as a loop over a tensor's values
// (the kernels in ./wasm/, the optimizer's fused step, the SIMD loops): allocate outputs, view a tensor's values in
// place (a view of the wasm heap, the cpu backend's own typed array), read and replace a tensor's stored values,
// reference counts, and the wasm module's `WebAssembly.Memory`. Only this file reaches past tfjs's public types.
import * as tf from '@tensorflow/tfjs-core';

/** The backends whose memory tfai's loop kernels reach: wasm (its heap) and cpu (JS typed arrays). */
export type MemoryBackend = 'wasm' | 'cpu';

/** One tensor's entry in a backend's data store (wasm `dataIdMap`, cpu `data`). */
interface DataEntry {
  refCount: number;
  /** wasm: the byte offset of the tensor's data in the heap. */
  memoryOffset?: number | null;
  /** cpu: the stored values. */
  values?: unknown;
}

interface DataStore {
  has(id: tf.DataId): boolean;
  get(id: tf.DataId): DataEntry | undefined;
}

/** The compiled wasm module's members reached here (the heap, and its `WebAssembly.Memory` under either name). */
interface WasmModule {
  HEAPU8?: Uint8Array;
  wasmMemory?: unknown;
  asm?: { memory?: unknown };
}

/**
 * The members of tfjs-backend-wasm's `BackendWasm` and tfjs's `MathBackendCPU` used here, none of them in
 * `KernelBackend`'s public type (typed here so that neither backend is imported at run time).
 */
interface Internals {
  /** wasm: a new output, uninitialised heap memory. */
  makeOutput?(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** wasm: a typed-array view of a tensor's data in the heap. */
  typedArrayFromHeap?(t: tf.TensorInfo): unknown;
  dataIdMap?: DataStore;
  wasm?: WasmModule;
  /** cpu: a new tensor holding `values` (kept, not copied). */
  makeTensorInfo?(shape: number[], dtype: tf.DataType, values: Float32Array | Int32Array): tf.TensorInfo;
  data?: DataStore;
}

function internals(backend: tf.KernelBackend): tf.KernelBackend & Internals {
  return backend as tf.KernelBackend & Internals;
}

/** The current backend's name when it is one whose memory tfai reaches (wasm or cpu), else undefined. */
export function memoryBackend(): MemoryBackend | undefined {
  const name = tf.getBackend();
  return name === 'wasm' || name === 'cpu' ? name : undefined;
}

/** `name` as a {@link MemoryBackend}; throws for a backend whose memory tfai does not reach. */
export function memoryName(name: string): MemoryBackend {
  if (name !== 'wasm' && name !== 'cpu') throw new Error(`backend memory: no loop kernels on backend ${name}`);
  return name;
}

/** The product of the dimensions. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Allocates a kernel's outputs (wasm: uninitialised heap memory, so the kernel must write every element; cpu:
 * zeros). Allocate every output before taking {@link f32} views: an allocation can grow wasm's heap and replace
 * its buffer.
 * @example
 * ```ts
 * const [y] = allocate(backend, 'wasm', [{ shape: x.shape, dtype: 'float32' }]);
 * f32(backend, 'wasm', y).set(f32(backend, 'wasm', x));
 * ```
 */
export function allocate(
  backend: tf.KernelBackend,
  name: MemoryBackend,
  specs: readonly { shape: number[]; dtype: 'float32' | 'int32' }[],
): tf.TensorInfo[] {
  const b = internals(backend);
  if (name === 'wasm') {
    const make = b.makeOutput?.bind(b);
    if (!make) throw new Error('backend memory: the wasm backend has no makeOutput');
    return specs.map((s) => make(s.shape, s.dtype));
  }
  const make = b.makeTensorInfo?.bind(b);
  if (!make) throw new Error('backend memory: the cpu backend has no makeTensorInfo');
  return specs.map((s) => {
    const size = sizeOf(s.shape);
    return make(s.shape, s.dtype, s.dtype === 'int32' ? new Int32Array(size) : new Float32Array(size));
  });
}

/** {@link allocate} of one float32 tensor of the current backend, as a kept `tf.Tensor` (the caller disposes it). */
export function allocateTensor(name: MemoryBackend, shape: number[]): tf.Tensor {
  const backend = tf.backend();
  const [info] = allocate(backend, name, [{ shape, dtype: 'float32' }]);
  return tf.keep(tf.engine().makeTensorFromTensorInfo(info, backend));
}

/** The values of `t` in place (no copy): a heap view on wasm, the stored array on cpu. */
export function valuesOf(backend: tf.KernelBackend, name: MemoryBackend, t: tf.TensorInfo): Float32Array | Int32Array {
  const b = internals(backend);
  const v = name === 'wasm' ? b.typedArrayFromHeap?.(t) : b.data?.get(t.dataId)?.values;
  if (v instanceof Float32Array || v instanceof Int32Array) return v;
  throw new Error(`backend memory: a ${t.dtype} tensor of shape [${t.shape}] has no float32/int32 values on ${name}`);
}

/**
 * The wasm backend's whole heap as bytes (the array tensors' views are views of), or undefined off wasm. Taken
 * after any allocation: growing the heap replaces it.
 */
export function wasmHeap(backend: tf.KernelBackend): Uint8Array | undefined {
  return internals(backend).wasm?.HEAPU8;
}

/** {@link valuesOf} for a float32 tensor. */
export function f32(backend: tf.KernelBackend, name: MemoryBackend, t: tf.TensorInfo): Float32Array {
  const v = valuesOf(backend, name, t);
  if (!(v instanceof Float32Array)) throw new Error(`backend memory: expected a float32 tensor, got ${t.dtype}`);
  return v;
}

/** {@link valuesOf} for an int32 tensor. */
export function i32(backend: tf.KernelBackend, name: MemoryBackend, t: tf.TensorInfo): Int32Array {
  const v = valuesOf(backend, name, t);
  if (!(v instanceof Int32Array)) throw new Error(`backend memory: expected an int32 tensor, got ${t.dtype}`);
  return v;
}

/**
 * Whether `t` is a float32 tensor of `size` elements whose values this module can view on the current backend
 * `name` (live, held by that backend's data store, with heap memory on wasm or a Float32Array on cpu).
 */
export function viewable(name: MemoryBackend, t: tf.Tensor | undefined, size: number): boolean {
  if (!t || t.isDisposed || t.dtype !== 'float32' || t.size !== size) return false;
  const b = internals(tf.backend());
  const store = name === 'wasm' ? b.dataIdMap : b.data;
  const e = store?.has(t.dataId) ? store.get(t.dataId) : undefined;
  if (!e) return false;
  if (name === 'wasm') return typeof e.memoryOffset === 'number' && b.wasm?.HEAPU8 !== undefined;
  return e.values instanceof Float32Array && e.values.length === size;
}

/** How many holders share `t`'s data (tensors, reshapes, clones, an Identity's shared output). */
export function refCountOf(t: tf.TensorInfo): number {
  return tf.backend().refCount(t.dataId);
}

/**
 * cpu only: replaces the values stored for `t` by `values` (the same length). cpu's `read` hands out the stored
 * array itself, so a kernel that must change a tensor in place swaps a new array in rather than writing the old one.
 */
export function replaceValues(t: tf.TensorInfo, values: Float32Array): void {
  const e = internals(tf.backend()).data?.get(t.dataId);
  if (!e) throw new Error('backend memory: replaceValues needs a cpu tensor');
  e.values = values;
}

// The WebAssembly JS API, typed here (core's TypeScript libs have no DOM, and @types/node declares only part of it).
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
export interface WasmApi {
  Memory: new (desc: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
}
/** `globalThis.WebAssembly`, or undefined in a runtime without it. */
export const WASM = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** The wasm backend's `WebAssembly.Memory` (imported by the threaded build, exported by the others), or undefined. */
export function wasmMemoryOf(backend: tf.KernelBackend): WasmMemory | undefined {
  const mod = internals(backend).wasm;
  const mem = mod?.wasmMemory ?? mod?.asm?.memory;
  if (!WASM || !(mem instanceof WASM.Memory) || mod?.HEAPU8?.buffer !== mem.buffer) return undefined;
  return mem;
}
