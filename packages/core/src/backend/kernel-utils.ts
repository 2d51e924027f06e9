// Helpers for writing kernels out of other kernels.
import * as tf from '@tensorflow/tfjs-core';

/** The arguments tfjs passes to a kernel function. */
export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The backend a kernel function was handed, as the `KernelBackend` it always is. */
export function kernelBackend(args: KernelArgs): tf.KernelBackend {
  const { backend } = args;
  if (!(backend instanceof tf.KernelBackend)) throw new Error('kernel called without a tfjs backend');
  return backend;
}

/** A kernel's input, which tfjs guarantees by name; throws if it is missing. */
export function input(args: KernelArgs, name: string): tf.TensorInfo {
  const t = args.inputs[name];
  if (!t) throw new Error(`kernel input '${name}' is missing`);
  return t;
}

/** A kernel's attributes, typed as the caller knows them to be (tfjs's kernel attrs are untyped maps). */
export function attrsOf<T extends object>(args: KernelArgs): T {
  return (args.attrs ?? {}) as T;
}

/**
 * A small façade over one backend's kernels, for composing a kernel out of others. Intermediates made through
 * it are remembered and released by {@link Ops.disposeAll}, except the one returned. (A reshape shares its
 * input's data with a reference count, so releasing the input of a kept reshape is safe.)
 */
export class Ops {
  private readonly made: tf.TensorInfo[] = [];

  constructor(
    readonly backend: tf.KernelBackend,
    readonly backendName: string,
  ) {}

  /**
   * Runs the kernel registered as `name` for this backend directly on TensorInfos (no tape, no engine
   * bookkeeping), as tfjs's own kernels call each other.
   */
  run(name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
    const kernel = tf.getKernel(name, this.backendName);
    if (!kernel) throw new Error(`kernel ${name} is not registered for backend ${this.backendName}`);
    const out = kernel.kernelFunc({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) throw new Error(`kernel ${name} returned ${out.length} outputs, expected one`);
    this.made.push(out);
    return out;
  }

  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  slice(x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
    return this.run('Slice', { x }, { begin, size });
  }

  pad(x: tf.TensorInfo, paddings: [number, number][], constantValue = 0): tf.TensorInfo {
    return this.run('PadV2', { x }, { paddings, constantValue });
  }

  /** Takes charge of a tensor made elsewhere (released by {@link Ops.disposeAll} unless kept). */
  adopt(t: tf.TensorInfo): tf.TensorInfo {
    this.made.push(t);
    return t;
  }

  /** Makes a tensor on this backend from values computed in JS. */
  fromValues(values: Float32Array | Int32Array, shape: number[], dtype: 'float32' | 'int32'): tf.TensorInfo {
    const dataId = this.backend.write(values, shape, dtype);
    const out = { dataId, shape, dtype };
    this.made.push(out);
    return out;
  }

  /** Releases every intermediate except `keep`. */
  disposeAll(keep?: tf.TensorInfo): void {
    for (const t of this.made) if (t !== keep) this.backend.disposeData(t.dataId);
    this.made.length = 0;
  }
}

/**
 * Runs `body` with a fresh {@link Ops} on `backend`, then releases every intermediate except the tensor `body`
 * returns (all of them if it throws): the one shape of a kernel composed out of others.
 *
 * @example
 * return withOps(backend, 'wasm', (ops) => ops.reshape(ops.transpose(x, [1, 0]), [n]));
 */
export function withOps(
  backend: tf.KernelBackend,
  backendName: string,
  body: (ops: Ops) => tf.TensorInfo,
): tf.TensorInfo {
  const ops = new Ops(backend, backendName);
  try {
    const out = body(ops);
    ops.disposeAll(out);
    return out;
  } catch (e) {
    ops.disposeAll();
    throw e;
  }
}
