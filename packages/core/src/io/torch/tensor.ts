// A tensor read from a PyTorch checkpoint, held in host memory (no tf memory until `toTensor()`), and the
// decoding of its storage bytes (little-endian) honouring the storage offset and the strides.
import * as tf from '@tensorflow/tfjs-core';
import { TorchCheckpointError } from '../../errors.js';

/** The PyTorch dtypes a checkpoint can hold that tfai reads. */
export type TorchDtype =
  'float32' | 'float16' | 'bfloat16' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** Host data of a {@link TorchTensor}: float16/bfloat16 are widened to float32 (exactly), the rest as stored. */
export type TorchData = Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

/** PyTorch's typed storage classes (`torch.FloatStorage`…) and their dtypes. */
export const STORAGE_DTYPES: Readonly<Record<string, TorchDtype>> = {
  FloatStorage: 'float32',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  DoubleStorage: 'float64',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

/** Bytes per element of each dtype. */
export const ELEMENT_SIZE: Readonly<Record<TorchDtype, number>> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

/**
 * A storage of a checkpoint (`data/<key>` in the zip format): its dtype, element count and, once read, its bytes.
 * @example
 * ```ts
 * new TorchStorage('0', 'float32', 6).numel; // 6
 * ```
 */
export class TorchStorage {
  /** The raw little-endian bytes, set by the reader once the storage is loaded. */
  bytes?: Uint8Array;
  constructor(
    /** The storage's key in the checkpoint: its record is `data/<key>` in the zip format. */
    readonly key: string,
    /** The element type, from PyTorch's storage class (`torch.FloatStorage` → `float32`). */
    readonly dtype: TorchDtype,
    /** Number of elements (not bytes) of the storage. */
    readonly numel: number,
    /** A legacy storage view: the root storage and the element offset into it. */
    readonly root?: {
      /** The storage this view is a slice of. */
      storage: TorchStorage;
      /** Index of the view's first element in the root storage, in elements. */
      offset: number;
    },
  ) {}
}

let f16Table: Float32Array | undefined;
function halfTable(): Float32Array {
  if (f16Table) return f16Table;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const f = h & 0x3ff;
    t[h] =
      e === 0 ? s * 2 ** -14 * (f / 1024) : e === 31 ? (f ? NaN : s * Infinity) : s * 2 ** (e - 15) * (1 + f / 1024);
  }
  return (f16Table = t);
}

const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes `count` elements starting at element `start` of little-endian storage bytes. On a little-endian host
 * the result is a view of `bytes` when aligned (no copy: the reader owns those bytes), else of an aligned copy.
 */
function decodeRun(bytes: Uint8Array, dtype: TorchDtype, start: number, count: number): TorchData {
  const size = ELEMENT_SIZE[dtype];
  // Only ever the bytes of this storage: a run outside them is a bug of the caller's checks, never a wider read.
  if (!(start >= 0 && count >= 0 && (start + count) * size <= bytes.length))
    throw new RangeError(`internal: run [${start}, ${start + count}) outside a storage of ${bytes.length} bytes`);
  let sub = bytes.subarray(start * size, (start + count) * size);
  if (LITTLE && sub.byteOffset % size !== 0) sub = new Uint8Array(sub); // an aligned copy
  const raw = sub.buffer;
  const off = sub.byteOffset;
  const dv = new DataView(raw, off, count * size);
  switch (dtype) {
    case 'float32':
      return LITTLE
        ? new Float32Array(raw, off, count)
        : Float32Array.from({ length: count }, (_, i) => dv.getFloat32(i * 4, true));
    case 'float64':
      return LITTLE
        ? new Float64Array(raw, off, count)
        : Float64Array.from({ length: count }, (_, i) => dv.getFloat64(i * 8, true));
    case 'int64': {
      if (LITTLE) return new BigInt64Array(raw, off, count);
      const out = new BigInt64Array(count);
      for (let i = 0; i < count; i++) out[i] = dv.getBigInt64(i * 8, true);
      return out;
    }
    case 'int32':
      return LITTLE
        ? new Int32Array(raw, off, count)
        : Int32Array.from({ length: count }, (_, i) => dv.getInt32(i * 4, true));
    case 'int16':
      return LITTLE
        ? new Int16Array(raw, off, count)
        : Int16Array.from({ length: count }, (_, i) => dv.getInt16(i * 2, true));
    case 'int8':
      return new Int8Array(raw, off, count);
    case 'uint8':
    case 'bool':
      return sub;
    case 'float16': {
      const t = halfTable();
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = t[dv.getUint16(i * 2, true)];
      return out;
    }
    case 'bfloat16': {
      const out = new Float32Array(count);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = dv.getUint16(i * 2, true) << 16;
      return out;
    }
  }
}

function emptyLike(d: TorchData, n: number): TorchData {
  return new (d.constructor as new (n: number) => TorchData)(n);
}

/** Bytes per element of a tensor's host data (float16/bfloat16 are widened to float32). */
export const HOST_ELEMENT_SIZE: Readonly<Record<TorchDtype, number>> = {
  ...ELEMENT_SIZE,
  float16: 4,
  bfloat16: 4,
};

/**
 * Checks a view `(offset, shape, stride)` of `storage` as PyTorch's `set_` does, overflow-safe: every dimension and
 * stride a non-negative safe integer, the offset too, and every element it reaches inside the storage (and a legacy
 * storage view inside its root). Returns the element count; throws {@link TorchCheckpointError} naming the tensor.
 */
export function checkView(
  file: string,
  name: string,
  storage: TorchStorage,
  offset: number,
  shape: readonly number[],
  stride: readonly number[],
): number {
  const bad = (why: string): never => {
    throw new TorchCheckpointError(
      file,
      `tensor '${name}' of shape [${shape.join(',')}] (offset ${offset}, stride [${stride.join(',')}]) ${why}`,
      name,
    );
  };
  const safe = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;
  if (shape.length !== stride.length) bad('has as many strides as dimensions');
  if (!shape.every(safe)) bad('has a dimension that is not a non-negative integer');
  if (!stride.every(safe)) bad('has a stride that is not a non-negative integer');
  if (!safe(offset)) bad('has a storage offset that is not a non-negative integer');
  let numel = 1;
  for (const n of shape) {
    numel *= n;
    if (numel > Number.MAX_SAFE_INTEGER) bad('has more elements than 2^53');
  }
  if (numel === 0) return 0;
  let last = offset;
  for (let d = 0; d < shape.length; d++) {
    const reach = (shape[d] - 1) * stride[d];
    if (!Number.isSafeInteger(reach) || last + reach > Number.MAX_SAFE_INTEGER) bad('reaches beyond 2^53 elements');
    last += reach;
  }
  if (last >= storage.numel)
    bad(`needs ${last + 1} elements of storage '${storage.key}', which holds ${storage.numel}: truncated or corrupt`);
  return numel;
}

/**
 * The elements of a tensor `(offset, shape, stride)` over `storage`, gathered into a contiguous row-major array
 * (a view of the storage's bytes when the tensor is one contiguous run). Throws {@link TorchCheckpointError} for a
 * view outside its storage ({@link checkView}).
 */
export function gatherTensor(
  file: string,
  name: string,
  storage: TorchStorage,
  offset: number,
  shape: readonly number[],
  stride: readonly number[],
): TorchData {
  const numel = checkView(file, name, storage, offset, shape, stride);
  const root = storage.root?.storage ?? storage;
  const base = (storage.root?.offset ?? 0) + offset;
  const bytes = root.bytes;
  if (!bytes)
    throw new TorchCheckpointError(file, `tensor '${name}': storage '${storage.key}' was never loaded`, storage.key);
  let last = offset;
  for (let d = 0; d < shape.length; d++) last += shape[d] > 0 ? (shape[d] - 1) * stride[d] : 0;
  if (numel === 0) return decodeRun(bytes, storage.dtype, 0, 0);
  // Contiguous (row-major strides, ignoring size-1 dimensions): one run.
  let expect = 1;
  let contiguous = true;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expect) contiguous = false;
    expect *= shape[d];
  }
  if (contiguous) return decodeRun(bytes, storage.dtype, base, numel);
  // Strided: decode the span the tensor covers once, then walk the index space.
  const span = decodeRun(bytes, storage.dtype, base, last - offset + 1);
  const out = emptyLike(span, numel);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < numel; i++) {
    (out as unknown as ArrayLike<unknown> & Record<number, unknown>)[i] = (span as unknown as ArrayLike<unknown>)[src];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      src += stride[d];
      if (idx[d] < shape[d]) break;
      src -= stride[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * A tensor of a PyTorch checkpoint, in host memory and in PyTorch's layout (row-major, PyTorch's shape).
 * `data` holds the values (float16/bfloat16 widened to float32; int64 as a `BigInt64Array`; possibly a view of the
 * checkpoint's bytes, shared with other tensors of the same storage: treat it as read-only); {@link toTensor}
 * makes a tf tensor: float32 for every float dtype (float64 is narrowed), int32 for the integers (int64 checked
 * to fit, as tfjs has no int64), bool for bool. `Module.loadStateDict` takes these directly.
 * @example
 * ```ts
 * const ckpt = await loadTorch('resnet18-f37072fd.pth');
 * const w = ckpt.stateDict()['conv1.weight']; // TorchTensor: dtype 'float32', shape [64, 3, 7, 7]
 * const t = w.toTensor(); // a tf.Tensor the caller disposes
 * ```
 */
export class TorchTensor {
  constructor(
    /** The dtype as saved by PyTorch (float16/bfloat16 data is already widened to float32 in `data`). */
    readonly dtype: TorchDtype,
    /** PyTorch's shape (`[out, in, kh, kw]` for a conv weight; `[]` for a scalar). */
    readonly shape: readonly number[],
    /** The values, flat, row-major (contiguous whatever the saved strides); read-only, may share the checkpoint's bytes. */
    readonly data: TorchData,
    /** `requires_grad` as saved (true for an `nn.Parameter` saved as such). */
    readonly requiresGrad = false,
    /** The file it came from, for error messages. */
    readonly file = '<buffer>',
  ) {}

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** The values, flat, as JS numbers (booleans for bool; int64 converted with `Number`). */
  values(): number[] | boolean[] {
    if (this.dtype === 'bool') return Array.from(this.data as Uint8Array, (v) => v !== 0);
    if (this.data instanceof BigInt64Array) return Array.from(this.data, (v) => Number(v));
    return Array.from(this.data as Exclude<TorchData, BigInt64Array>);
  }

  /**
   * A new tf tensor (the caller disposes it): float32 for float dtypes, int32 for integers, bool for bool.
   * `key` names the tensor in the error thrown when an int64 value does not fit in int32.
   */
  toTensor(key = '<tensor>'): tf.Tensor {
    const shape = [...this.shape];
    const d = this.data;
    switch (this.dtype) {
      case 'float32':
      case 'float16':
      case 'bfloat16':
        return tf.tensor(d as Float32Array, shape, 'float32');
      case 'float64':
        return tf.tensor(Float32Array.from(d as Float64Array), shape, 'float32');
      case 'int64': {
        const src = d as BigInt64Array;
        const out = new Int32Array(src.length);
        for (let i = 0; i < src.length; i++) {
          const v = src[i];
          if (v > 2147483647n || v < -2147483648n)
            throw new TorchCheckpointError(
              this.file,
              `tensor '${key}': int64 value ${v} does not fit in int32 (tfjs has no int64)`,
              key,
            );
          out[i] = Number(v);
        }
        return tf.tensor(out, shape, 'int32');
      }
      case 'int32':
        return tf.tensor(d as Int32Array, shape, 'int32');
      case 'int16':
      case 'int8':
      case 'uint8':
        return tf.tensor(Int32Array.from(d as Int16Array), shape, 'int32');
      case 'bool':
        return tf.tensor(d as Uint8Array, shape, 'bool');
    }
  }
}
