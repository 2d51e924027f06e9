// Direct access to a tensor's values inside a kernel, on wasm (views of the module's heap) and cpu (the backend's
// own typed arrays), for the fused kernels written as JS loops (fused-batchnorm.ts, fused-cross-entropy.ts,
// fused-dropout.ts, lstm-chunk.ts, dot-bias.ts; on wasm only: gather.ts, sum.ts, transpose.ts).
import * as tf from '@tensorflow/tfjs';

/** The backends the fused JS-loop kernels are registered for. */
export type LoopBackend = 'wasm' | 'cpu';

/** The wasm backend's members used here (`BackendWasm` without importing tfjs-backend-wasm at run time). */
interface WasmLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): unknown;
}

/** The cpu backend's members used here (`MathBackendCPU`). */
interface CpuLike {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array | Int32Array): tf.TensorInfo;
  data: { get(dataId: tf.DataId): { values?: unknown } | undefined };
}

/**
 * Allocates a kernel's outputs (wasm: uninitialised heap memory, so the kernel must write every element).
 * Allocate every output before taking {@link f32} views: an allocation can grow wasm's heap and replace its buffer.
 */
export function allocate(
  backend: tf.KernelBackend,
  name: LoopBackend,
  specs: readonly { shape: number[]; dtype: 'float32' | 'int32' }[],
): tf.TensorInfo[] {
  if (name === 'wasm') {
    const b = backend as unknown as WasmLike;
    return specs.map((s) => b.makeOutput(s.shape, s.dtype));
  }
  const b = backend as unknown as CpuLike;
  return specs.map((s) => {
    const size = s.shape.reduce((a, d) => a * d, 1);
    return b.makeTensorInfo(s.shape, s.dtype, s.dtype === 'int32' ? new Int32Array(size) : new Float32Array(size));
  });
}

/** The values of `t` in place (no copy): a heap view on wasm, the stored array on cpu. */
export function valuesOf(backend: tf.KernelBackend, name: LoopBackend, t: tf.TensorInfo): Float32Array | Int32Array {
  const v =
    name === 'wasm'
      ? (backend as unknown as WasmLike).typedArrayFromHeap(t)
      : (backend as unknown as CpuLike).data.get(t.dataId)?.values;
  if (v instanceof Float32Array || v instanceof Int32Array) return v;
  throw new Error(`fused kernel: a ${t.dtype} input of shape [${t.shape}] has no float32/int32 values on ${name}`);
}

/** {@link valuesOf} for a float32 tensor. */
export function f32(backend: tf.KernelBackend, name: LoopBackend, t: tf.TensorInfo): Float32Array {
  const v = valuesOf(backend, name, t);
  if (!(v instanceof Float32Array)) throw new Error(`fused kernel: expected a float32 tensor, got ${t.dtype}`);
  return v;
}

/** {@link valuesOf} for an int32 tensor. */
export function i32(backend: tf.KernelBackend, name: LoopBackend, t: tf.TensorInfo): Int32Array {
  const v = valuesOf(backend, name, t);
  if (!(v instanceof Int32Array)) throw new Error(`fused kernel: expected an int32 tensor, got ${t.dtype}`);
  return v;
}

/** Whether the fused kernel `kernelName` can run on tfjs's current backend (wasm or cpu, and registered there). */
export function loopKernelAvailable(kernelName: string): boolean {
  const b = tf.getBackend();
  return (b === 'wasm' || b === 'cpu') && tf.getKernel(kernelName, b) !== undefined;
}
