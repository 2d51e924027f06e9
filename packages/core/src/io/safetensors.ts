import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { SafetensorsError } from '../errors.js';
import type { StateDict } from '../nn/module.js';

/**
 * safetensors: 8-byte little-endian header length, a JSON header `{name: {dtype, shape, data_offsets}}`
 * (offsets relative to the end of the header), then raw little-endian data. We read F32, F16→F32, I64→int32
 * (with a range check), I32, U8/I8/BOOL→int32, and write F32, I32 and I64 (int32 tensors listed in `int64`).
 */
type Dtype = 'F32' | 'F16' | 'F64' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';
const BYTES: Record<Dtype, number> = { F32: 4, F16: 2, F64: 8, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

interface HeaderEntry {
  dtype: Dtype;
  shape: number[];
  data_offsets: [number, number];
}

/** What {@link parseSafetensors} returns: tensors plus the header's free-form `__metadata__`. */
export interface SafetensorsContent {
  tensors: StateDict;
  metadata: Record<string, string>;
}

function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Parses safetensors bytes; `file` only names the source in errors. */
export function parseSafetensors(buf: Uint8Array, file = '<buffer>'): SafetensorsContent {
  const fail = (why: string): never => {
    throw new SafetensorsError(file, why);
  };
  if (buf.byteLength < 8) fail(`file is ${buf.byteLength} bytes, too short for a safetensors header`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > buf.byteLength - 8 || n > 100_000_000) fail(`header length ${n} exceeds the file size (${buf.byteLength} bytes): truncated or not safetensors`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, 8 + n))) as Record<string, unknown>;
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');
  const dataStart = 8 + n;
  const dataLen = buf.byteLength - dataStart;
  const tensors: StateDict = {};
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  try {
    for (const [name, raw] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      const e = raw as HeaderEntry;
      if (!e || !(e.dtype in BYTES) || !Array.isArray(e.shape) || !Array.isArray(e.data_offsets))
        fail(`tensor '${name}': malformed header entry ${JSON.stringify(raw)}`);
      const [a, b] = e.data_offsets;
      const count = e.shape.reduce((x, y) => x * y, 1);
      if (b - a !== count * BYTES[e.dtype]) fail(`tensor '${name}': ${b - a} bytes for shape [${e.shape}] of ${e.dtype}`);
      if (b > dataLen || a < 0) fail(`tensor '${name}': data [${a}, ${b}) beyond the end of the file (${dataLen} data bytes): truncated`);
      const dv = new DataView(buf.buffer, buf.byteOffset + dataStart + a, b - a);
      tensors[name] = decode(name, e.dtype, e.shape, count, dv, fail);
    }
  } catch (err) {
    tf.dispose(Object.values(tensors));
    throw err;
  }
  return { tensors, metadata };
}

function decode(name: string, dtype: Dtype, shape: number[], count: number, dv: DataView, fail: (w: string) => never): tf.Tensor {
  switch (dtype) {
    case 'F32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = dv.getFloat32(i * 4, true);
      return tf.tensor(out, shape, 'float32');
    }
    case 'F64': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = dv.getFloat64(i * 8, true);
      return tf.tensor(out, shape, 'float32');
    }
    case 'F16': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = f16ToF32(dv.getUint16(i * 2, true));
      return tf.tensor(out, shape, 'float32');
    }
    case 'I64': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = dv.getBigInt64(i * 8, true);
        if (v > 2147483647n || v < -2147483648n) fail(`tensor '${name}': int64 value ${v} does not fit in int32`);
        out[i] = Number(v);
      }
      return tf.tensor(out, shape, 'int32');
    }
    case 'I32':
    case 'I16':
    case 'I8':
    case 'U8':
    case 'BOOL': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++)
        out[i] = dtype === 'I32' ? dv.getInt32(i * 4, true) : dtype === 'I16' ? dv.getInt16(i * 2, true) : dtype === 'I8' ? dv.getInt8(i) : dv.getUint8(i);
      return tf.tensor(out, shape, 'int32');
    }
  }
}

/**
 * Reads a `.safetensors` file into tensors (PyTorch names and layouts).
 * @example
 * ```ts
 * const { tensors } = await loadSafetensors('resnet18.safetensors');
 * model.loadStateDict(tensors);
 * tf.dispose(Object.values(tensors));
 * ```
 */
export async function loadSafetensors(path: string): Promise<SafetensorsContent> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw new SafetensorsError(path, `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseSafetensors(buf, path);
}

/** Options of {@link serializeSafetensors}. */
export interface SaveSafetensorsOptions {
  metadata?: Record<string, string>;
  /** Names of int32 tensors to store as I64 (as PyTorch's `num_batches_tracked`). */
  int64?: Iterable<string>;
}

/** Serialises tensors to safetensors bytes (reads their data, awaited in one batch: not for hot loops). */
export async function serializeSafetensors(tensors: StateDict, opts: SaveSafetensorsOptions = {}): Promise<Uint8Array> {
  const int64 = new Set(opts.int64 ?? []);
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (opts.metadata) header.__metadata__ = opts.metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const data = await Promise.all(names.map((n) => tensors[n].data()));
  for (const [i, name] of names.entries()) {
    const t = tensors[name];
    let bytes: Uint8Array;
    let dtype: Dtype;
    if (t.dtype === 'float32') {
      const d = data[i] as Float32Array;
      const out = new DataView(new ArrayBuffer(d.length * 4));
      for (let i = 0; i < d.length; i++) out.setFloat32(i * 4, d[i], true);
      bytes = new Uint8Array(out.buffer);
      dtype = 'F32';
    } else if (t.dtype === 'int32' || t.dtype === 'bool') {
      const d = data[i] as Int32Array;
      const wide = int64.has(name);
      const out = new DataView(new ArrayBuffer(d.length * (wide ? 8 : 4)));
      for (let i = 0; i < d.length; i++) {
        if (wide) out.setBigInt64(i * 8, BigInt(d[i]), true);
        else out.setInt32(i * 4, d[i], true);
      }
      bytes = new Uint8Array(out.buffer);
      dtype = wide ? 'I64' : 'I32';
    } else {
      throw new SafetensorsError('<write>', `tensor '${name}' has dtype ${t.dtype}, which safetensors output does not support`);
    }
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    chunks.push(bytes);
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.from(json, 'utf-8');
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let pos = 8 + head.length;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

/**
 * Writes a file atomically: to a temporary file beside it, then renamed over the target, so a crash never
 * leaves a half-written file in its place.
 */
export async function atomicWrite(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data);
    const fh = await open(tmp, 'r');
    await fh.sync();
    await fh.close();
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Saves tensors to a `.safetensors` file (atomically).
 * @example
 * ```ts
 * await saveSafetensors('model.safetensors', model.stateDict(), { int64: ['bn1.num_batches_tracked'] });
 * ```
 */
export async function saveSafetensors(path: string, tensors: StateDict, opts: SaveSafetensorsOptions = {}): Promise<void> {
  await atomicWrite(path, await serializeSafetensors(tensors, opts));
}
