// Writing PyTorch checkpoints in the zip format `torch.save` writes (PyTorch ≥ 1.6, what `torch.load(f,
// weights_only=True)` reads): `<name>/data.pkl` (a protocol-2 pickle, tensors as
// `torch._utils._rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())` with the storage as a persistent id
// `('storage', torch.FloatStorage, key, 'cpu', numel)`), one `<name>/data/<key>` record per tensor (stored, 64-byte
// aligned as PyTorch's writer aligns them), `<name>/byteorder` and `<name>/version` (3).
import { basename } from '#platform/path';
import * as tf from '@tensorflow/tfjs-core';
import { zipSync, type ZipOptions } from 'fflate';
import { TorchCheckpointError } from '../../errors.js';
import { atomicWrite } from '../safetensors.js';
import { ELEMENT_SIZE, TorchTensor, type TorchDtype } from './tensor.js';

/** What {@link saveTorch} writes: tensors (tf or host) inside dicts, lists and plain values. */
export type SaveTorchValue =
  | tf.Tensor
  | TorchTensor
  | null
  | boolean
  | number
  | bigint
  | string
  | readonly SaveTorchValue[]
  | { readonly [key: string]: SaveTorchValue };

/**
 * Options of {@link saveTorch}.
 * @example
 * ```ts
 * await saveTorch(sd, 'model.pth', { int64: (key) => key.endsWith('num_batches_tracked') || key === 'step' });
 * ```
 */
export interface SaveTorchOptions {
  /**
   * Whether an int32 tf tensor is stored as int64 (PyTorch's `num_batches_tracked`), given its dict key and its
   * dotted path. Default: keys that are or end in `.num_batches_tracked`.
   */
  int64?: (key: string, path: string) => boolean;
  /** The archive's folder name. Default: the file's name without extension (as torch.save), `archive` for bytes. */
  archiveName?: string;
}

const STORAGE_CLASS: Record<TorchDtype, string> = {
  float32: 'FloatStorage',
  float16: 'HalfStorage',
  bfloat16: 'BFloat16Storage',
  float64: 'DoubleStorage',
  int64: 'LongStorage',
  int32: 'IntStorage',
  int16: 'ShortStorage',
  int8: 'CharStorage',
  uint8: 'ByteStorage',
  bool: 'BoolStorage',
};

/** float32 → float16 bits, round to nearest even. */
function f32ToF16(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++; // a carry into the exponent is the right rounding
  return sign | h;
}

/** A tensor's little-endian bytes in `dtype`. */
function encode(dtype: TorchDtype, values: ArrayLike<number> | BigInt64Array): Uint8Array {
  const n = values.length;
  const out = new Uint8Array(n * ELEMENT_SIZE[dtype]);
  const dv = new DataView(out.buffer);
  const nums = values as ArrayLike<number>;
  switch (dtype) {
    case 'float32':
      for (let i = 0; i < n; i++) dv.setFloat32(i * 4, nums[i], true);
      break;
    case 'float64':
      for (let i = 0; i < n; i++) dv.setFloat64(i * 8, nums[i], true);
      break;
    case 'float16':
      for (let i = 0; i < n; i++) dv.setUint16(i * 2, f32ToF16(nums[i]), true);
      break;
    case 'bfloat16': {
      const f = new Float32Array(1);
      const u = new Uint32Array(f.buffer);
      for (let i = 0; i < n; i++) {
        f[0] = nums[i];
        const x = u[0];
        // round to nearest even on the dropped 16 bits (exact for values read from bfloat16)
        dv.setUint16(i * 2, Number.isNaN(nums[i]) ? 0x7fc0 : ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff, true);
      }
      break;
    }
    case 'int64':
      for (let i = 0; i < n; i++)
        dv.setBigInt64(i * 8, values instanceof BigInt64Array ? values[i] : BigInt(nums[i]), true);
      break;
    case 'int32':
      for (let i = 0; i < n; i++) dv.setInt32(i * 4, nums[i], true);
      break;
    case 'int16':
      for (let i = 0; i < n; i++) dv.setInt16(i * 2, nums[i], true);
      break;
    case 'int8':
      for (let i = 0; i < n; i++) dv.setInt8(i, nums[i]);
      break;
    case 'uint8':
    case 'bool':
      for (let i = 0; i < n; i++) out[i] = nums[i];
      break;
  }
  return out;
}

/** A minimal protocol-2 pickler, writing what CPython's pickler writes for these values. */
class Pickler {
  private chunks: number[] = [];
  private parts: Uint8Array[] = [];
  private memo = new Map<string, number>();
  private next = 0;
  private flush() {
    if (this.chunks.length) this.parts.push(Uint8Array.from(this.chunks));
    this.chunks = [];
  }
  op(...bytes: number[]) {
    for (const b of bytes) this.chunks.push(b);
  }
  private u32(n: number) {
    this.op(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  }
  private raw(b: Uint8Array) {
    this.flush();
    this.parts.push(b);
  }
  /** BINPUT of the top of the stack into the next memo slot, as CPython memoizes every object. */
  put() {
    const i = this.next++;
    if (i < 256) this.op(0x71, i);
    else {
      this.op(0x72);
      this.u32(i);
    }
    return i;
  }
  private get(i: number) {
    if (i < 256) this.op(0x68, i);
    else {
      this.op(0x6a);
      this.u32(i);
    }
  }
  global(module: string, name: string) {
    const k = `${module}\n${name}`;
    const i = this.memo.get(k);
    if (i !== undefined) return this.get(i);
    this.op(0x63);
    this.raw(new TextEncoder().encode(`${module}\n${name}\n`));
    this.memo.set(k, this.put());
  }
  int(v: number | bigint) {
    if (typeof v === 'number' && !Number.isSafeInteger(v))
      throw new TorchCheckpointError('<write>', `${v} is not an integer`);
    const b = BigInt(v);
    if (b >= 0n && b <= 0xffn) this.op(0x4b, Number(b));
    else if (b >= 0n && b <= 0xffffn) this.op(0x4d, Number(b) & 0xff, Number(b) >> 8);
    else if (b >= -(2n ** 31n) && b < 2n ** 31n) {
      this.op(0x4a);
      this.u32(Number(b));
    } else {
      // LONG1: little-endian two's complement, as pickle's encode_long
      const bytes: number[] = [];
      let x = b;
      for (;;) {
        bytes.push(Number(x & 0xffn));
        x >>= 8n;
        const top = bytes[bytes.length - 1] & 0x80;
        if ((x === 0n && !top) || (x === -1n && top)) break;
      }
      this.op(0x8a, bytes.length, ...bytes);
    }
  }
  float(v: number) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, false);
    this.op(0x47, ...b);
  }
  str(s: string) {
    const b = new TextEncoder().encode(s);
    this.op(0x58);
    this.u32(b.length);
    this.raw(b);
    this.put();
  }
  tuple(items: (() => void)[]) {
    if (items.length === 0) return this.op(0x29);
    if (items.length <= 3) {
      items.forEach((f) => f());
      this.op(0x84 + items.length);
    } else {
      this.op(0x28);
      items.forEach((f) => f());
      this.op(0x74);
    }
    this.put();
  }
  bytes(): Uint8Array {
    this.flush();
    const n = this.parts.reduce((a, p) => a + p.length, 0);
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

const isPlainObject = (v: unknown): v is Record<string, SaveTorchValue> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof tf.Tensor) && !(v instanceof TorchTensor);
const isTensor = (v: unknown): v is tf.Tensor | TorchTensor => v instanceof tf.Tensor || v instanceof TorchTensor;

/** A tensor's PyTorch dtype and values (int32 written as int64 where `int64(key, path)` says so). */
async function tensorData(
  t: tf.Tensor | TorchTensor,
  int64: (key: string, path: string) => boolean,
  key: string,
  path: string,
): Promise<{ dtype: TorchDtype; values: ArrayLike<number> | BigInt64Array }> {
  if (t instanceof TorchTensor)
    return { dtype: t.dtype, values: t.data instanceof BigInt64Array ? t.data : (t.data as ArrayLike<number>) };
  if (t.isDisposed) throw new TorchCheckpointError('<write>', `tensor '${path}' is disposed`, path);
  const data = await t.data();
  const dtype: TorchDtype | undefined =
    t.dtype === 'float32'
      ? 'float32'
      : t.dtype === 'bool'
        ? 'bool'
        : t.dtype === 'int32'
          ? int64(key, path)
            ? 'int64'
            : 'int32'
          : undefined;
  if (!dtype)
    throw new TorchCheckpointError(
      '<write>',
      `tensor '${path}' has dtype ${t.dtype}, which saveTorch does not write`,
      path,
    );
  return { dtype, values: data as ArrayLike<number> };
}

/** `torch._utils._rebuild_tensor_v2(storage, 0, shape, stride, False, OrderedDict())` for a contiguous tensor. */
function pickleTensorRebuild(p: Pickler, dtype: TorchDtype, storageKey: string, numel: number, shape: number[]): void {
  const stride = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  p.global('torch._utils', '_rebuild_tensor_v2');
  p.op(0x28); // MARK: the argument tuple
  p.op(0x28); // MARK: the persistent id
  p.str('storage');
  p.global('torch', STORAGE_CLASS[dtype]);
  p.str(storageKey);
  p.str('cpu');
  p.int(numel);
  p.op(0x74); // TUPLE
  p.put();
  p.op(0x51); // BINPERSID
  p.int(0);
  p.tuple(shape.map((d) => () => p.int(d)));
  p.tuple(stride.map((d) => () => p.int(d)));
  p.op(0x89); // NEWFALSE: requires_grad
  p.global('collections', 'OrderedDict');
  p.op(0x29, 0x52); // EMPTY_TUPLE, REDUCE: OrderedDict() backward hooks
  p.op(0x74); // TUPLE
  p.op(0x52); // REDUCE
}

/** The zip archive: records in torch.save's order; each storage's data starts on a 64-byte boundary (a padding extra field, id 'FB'). */
function zipArchive(archive: string, pkl: Uint8Array, storages: Uint8Array[]): Uint8Array {
  const records: [string, Uint8Array][] = [
    [`${archive}/data.pkl`, pkl],
    [`${archive}/byteorder`, new TextEncoder().encode('little')],
    ...storages.map((s, i): [string, Uint8Array] => [`${archive}/data/${i}`, s]),
    [`${archive}/version`, new TextEncoder().encode('3\n')],
  ];
  const files: Record<string, [Uint8Array, ZipOptions & { extra?: Record<number, Uint8Array> }]> = {};
  const mtime = new Date(1980, 0, 1, 0, 0, 0);
  let offset = 0;
  for (const [name, data] of records) {
    const fn = new TextEncoder().encode(name).length;
    const start = offset + 30 + fn + 4;
    const pad = (64 - (start % 64)) % 64;
    files[name] = [data, { level: 0, mtime, extra: { 0x4246: new Uint8Array(pad) } }];
    offset = start + pad + data.length;
  }
  return zipSync(files);
}

/**
 * A zip-format PyTorch checkpoint of `obj` as bytes (reads tensor data with `await t.data()`). A dict whose values
 * are all tensors is written as an `OrderedDict` (as `state_dict()` returns), other dicts as dicts.
 * @example
 * ```ts
 * const bytes = await serializeTorch(model.stateDict());
 * ```
 */
export async function serializeTorch(obj: SaveTorchValue, opts: SaveTorchOptions = {}): Promise<Uint8Array> {
  const int64 = opts.int64 ?? ((key: string) => /(^|\.)num_batches_tracked$/.test(key));
  const archive = opts.archiveName ?? 'archive';
  if (!/^[A-Za-z0-9_.-]+$/.test(archive))
    throw new TorchCheckpointError('<write>', `archive name '${archive}' must be letters, digits, '_', '.' or '-'`);
  const p = new Pickler();
  const storages: Uint8Array[] = [];
  const seen = new Set<unknown>();

  const tensor = async (t: tf.Tensor | TorchTensor, key: string, path: string) => {
    const { dtype, values } = await tensorData(t, int64, key, path);
    const key0 = String(storages.length);
    storages.push(encode(dtype, values));
    pickleTensorRebuild(p, dtype, key0, values.length, [...t.shape]);
  };

  const value = async (v: SaveTorchValue, key: string, path: string): Promise<void> => {
    if (isTensor(v)) return tensor(v, key, path);
    if (v === null) return p.op(0x4e);
    if (v === true) return p.op(0x88);
    if (v === false) return p.op(0x89);
    if (typeof v === 'bigint') return p.int(v);
    if (typeof v === 'number') return Number.isInteger(v) && Number.isSafeInteger(v) ? p.int(v) : p.float(v);
    if (typeof v === 'string') return p.str(v);
    if (seen.has(v)) throw new TorchCheckpointError('<write>', `'${path}' contains itself`, path);
    seen.add(v);
    if (Array.isArray(v)) {
      p.op(0x5d); // EMPTY_LIST
      for (let i = 0; i < v.length; i += 1000) {
        p.op(0x28);
        for (let j = i; j < Math.min(v.length, i + 1000); j++)
          await value(v[j] as SaveTorchValue, String(j), `${path}[${j}]`);
        p.op(0x65); // APPENDS
      }
    } else if (isPlainObject(v)) {
      const entries = Object.entries(v);
      if (entries.length && entries.every(([, x]) => isTensor(x))) {
        p.global('collections', 'OrderedDict');
        p.op(0x29, 0x52); // OrderedDict()
      } else p.op(0x7d); // EMPTY_DICT
      for (let i = 0; i < entries.length; i += 1000) {
        p.op(0x28);
        for (const [k, x] of entries.slice(i, i + 1000)) {
          p.str(k);
          await value(x, k, path ? `${path}.${k}` : k);
        }
        p.op(0x75); // SETITEMS
      }
    } else throw new TorchCheckpointError('<write>', `'${path}' is not a tensor, dict, list or plain value`, path);
    seen.delete(v);
  };

  p.op(0x80, 2); // PROTO 2
  await value(obj, '', '');
  p.op(0x2e); // STOP
  const pkl = p.bytes();

  return zipArchive(archive, pkl, storages);
}

/**
 * Writes `obj` (a state dict, or dicts/lists of tensors and plain values) as a zip-format PyTorch checkpoint that
 * `torch.load(file, weights_only=True)` reads, atomically (temporary file, then rename). Tensors keep PyTorch's
 * layouts (`model.stateDict()` already gives conv weights OIHW and linear weights [out, in]).
 * @example
 * ```ts
 * const sd = model.stateDict();
 * await saveTorch(sd, 'model.pth'); // torch.load('model.pth', weights_only=True) in Python
 * tf.dispose(Object.values(sd));
 * ```
 */
export async function saveTorch(obj: SaveTorchValue, file: string, opts: SaveTorchOptions = {}): Promise<void> {
  const stem =
    basename(file)
      .replace(/\.[^.]*$/, '')
      .replace(/[^A-Za-z0-9_.-]/g, '_') || 'archive';
  await atomicWrite(file, await serializeTorch(obj, { archiveName: stem, ...opts }));
}
