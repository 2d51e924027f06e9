import { randomHex, sha256Hex, sha256HexOfChunks } from '#platform/crypto';
import { open, readdir, readFile, rename, rm, writeFile } from '#platform/fs';
import { basename, dirname, join } from '#platform/path';
import { pid as processId, processAlive } from '#platform/process';
import * as tf from '@tensorflow/tfjs-core';
import { SafetensorsError } from '../errors.js';
import type { StateDict } from '../nn/module.js';

/**
 * safetensors: 8-byte little-endian header length, a JSON header `{name: {dtype, shape, data_offsets}}`
 * (offsets relative to the end of the header), then raw little-endian data. We read F32, F64/F16/BF16→float32,
 * I64/U32/U64→int32 (with a range check), I32, I16/U16/I8/U8/BOOL→int32, and write F32, I32 and I64 (int32
 * tensors listed in `int64`).
 *
 * The reader is as strict as the reference implementation (huggingface/safetensors `Metadata::validate`):
 * the header is at most {@link MAX_SAFETENSORS_HEADER_BYTES}, valid UTF-8 JSON, an object; every offset and
 * dimension is a safe non-negative integer; the ranges, sorted, start at 0, follow one another without gap or
 * overlap and end exactly at the end of the data; each range holds exactly `product(shape) × dtype size`
 * bytes; `__metadata__` maps strings to strings. Every violation is a {@link SafetensorsError} naming the file
 * (and the tensor). Views are built on the given bytes only (a subarray's `byteOffset`/`byteLength` are
 * respected), and the returned records have no prototype (a tensor named `__proto__` is just a key).
 */
type Dtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'U64' | 'I32' | 'U32' | 'I16' | 'U16' | 'I8' | 'U8' | 'BOOL';
const BYTES: Readonly<Record<Dtype, number>> = Object.freeze(
  Object.assign(Object.create(null) as Record<Dtype, number>, {
    F64: 8,
    F32: 4,
    F16: 2,
    BF16: 2,
    I64: 8,
    U64: 8,
    I32: 4,
    U32: 4,
    I16: 2,
    U16: 2,
    I8: 1,
    U8: 1,
    BOOL: 1,
  }),
);
/** Dtypes of the format that this reader knows but does not convert (a clear error instead of "unknown"). */
const UNSUPPORTED = new Set(['F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F4', 'F6_E2M3', 'F6_E3M2', 'C64']);

/** Largest header accepted, in bytes (the reference implementation's `MAX_HEADER_SIZE`). */
export const MAX_SAFETENSORS_HEADER_BYTES = 100_000_000;

/** One tensor's entry of a validated header: offsets are relative to the start of the data section. */
export interface SafetensorsTensorInfo {
  /** The format's dtype name: `F32`, `F16`, `BF16`, `F64`, `I64`, `I32`, `U8`, `BOOL`… */
  dtype: string;
  /** The tensor's shape, PyTorch's layout (`[]` for a scalar). */
  shape: number[];
  /** `[begin, end)` byte offsets of its data relative to the data section (the header's `data_offsets`). */
  dataOffsets: [number, number];
}

/** A validated safetensors header (see {@link parseSafetensorsHeader}); records have no prototype. */
export interface SafetensorsHeader {
  /** Tensor entries by name, in data order. */
  tensors: Record<string, SafetensorsTensorInfo>;
  /** The header's `__metadata__`: free-form string pairs (empty object when absent). */
  metadata: Record<string, string>;
  /** Byte offset of the data section within the buffer given (8 + header length). */
  dataStart: number;
}

/** What {@link parseSafetensors} returns: tensors plus the header's free-form `__metadata__`. */
export interface SafetensorsContent {
  /** The tensors by name, in tf memory (float32, int32 or bool); the caller disposes them. */
  tensors: StateDict;
  /** The header's `__metadata__`: free-form string pairs (empty object when absent). */
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

const show = (v: unknown): string => {
  try {
    const s = JSON.stringify(v) ?? String(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(v);
  }
};
const quote = (name: string): string => show(name);

/**
 * Reads and validates the header of safetensors bytes without allocating any tensor; `file` only names the
 * source in errors. Throws a {@link SafetensorsError} for anything the reference reader would refuse.
 * @example
 * ```ts
 * const { tensors } = parseSafetensorsHeader(await readFile('model.safetensors'), 'model.safetensors');
 * console.log(tensors['0.weight'].shape);
 * ```
 */
export function parseSafetensorsHeader(buf: Uint8Array, file = '<buffer>'): SafetensorsHeader {
  const fail: Fail = (why, tensor) => {
    throw new SafetensorsError(file, why, tensor);
  };
  const { header, dataStart } = readHeaderObject(buf, fail);
  const metadata = Object.create(null) as Record<string, string>;
  const entries: [string, SafetensorsTensorInfo][] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') readMetadata(raw, metadata, fail);
    else entries.push([name, readTensorEntry(name, raw, fail)]);
  }
  return { tensors: checkLayout(entries, buf.byteLength - dataStart, fail), metadata, dataStart };
}

/** Throws a {@link SafetensorsError} for the file being read; `tensor` names the entry at fault. */
type Fail = (why: string, tensor?: string) => never;

/** The 8-byte length, then the header's UTF-8 JSON object, checked against the file's size. */
function readHeaderObject(buf: Uint8Array, fail: Fail): { header: object; dataStart: number } {
  if (!(buf instanceof Uint8Array)) fail('input is not a byte array');
  if (buf.byteLength < 8) fail(`file is ${buf.byteLength} bytes, too short for a safetensors header`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(MAX_SAFETENSORS_HEADER_BYTES))
    fail(`header length ${n64} exceeds the ${MAX_SAFETENSORS_HEADER_BYTES}-byte limit: not a safetensors file`);
  const n = Number(n64);
  if (n > buf.byteLength - 8)
    fail(`header length ${n} exceeds the file size (${buf.byteLength} bytes): truncated or not safetensors`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, 8 + n));
  } catch {
    return fail('header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail("header does not start with '{': not a safetensors file");
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return fail(`header is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    return fail('header is not a JSON object');
  return { header, dataStart: 8 + n };
}

/** `__metadata__`: null, or an object of strings (copied into `into`). */
function readMetadata(raw: unknown, into: Record<string, string>, fail: Fail): void {
  if (raw === null) return;
  if (typeof raw !== 'object' || Array.isArray(raw)) fail(`__metadata__ is ${show(raw)}, not an object of strings`);
  for (const [k, v] of Object.entries(raw as object)) {
    if (typeof v !== 'string') fail(`__metadata__ key ${quote(k)} is ${show(v)}, not a string`);
    into[k] = v as string;
  }
}

/** One tensor's entry: a known dtype, a shape of safe non-negative integers, offsets spanning exactly its bytes. */
function readTensorEntry(name: string, raw: unknown, fail: Fail): SafetensorsTensorInfo {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`malformed header entry ${show(raw)}`, name);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== 'string') return fail(`dtype ${show(dtype)} is not a string`, name);
  if (!Object.hasOwn(BYTES, dtype))
    fail(
      UNSUPPORTED.has(dtype) ? `dtype ${dtype} is not supported by this reader` : `unknown dtype ${show(dtype)}`,
      name,
    );
  if (!Array.isArray(shape)) return fail(`shape ${show(shape)} is not a list`, name);
  let count = 1;
  for (const d of shape as unknown[]) {
    if (!Number.isSafeInteger(d) || (d as number) < 0)
      fail(`shape ${show(shape)}: dimension ${show(d)} is not a non-negative integer`, name);
    count *= d as number;
    if (!Number.isSafeInteger(count)) fail(`shape ${show(shape)} overflows`, name);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2) return fail(`data_offsets ${show(offsets)} is not a pair`, name);
  const [a, b] = offsets as unknown[];
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || (a as number) < 0 || (b as number) < (a as number))
    fail(`data_offsets ${show(offsets)} are not integers 0 <= begin <= end`, name);
  const nbytes = count * BYTES[dtype as Dtype];
  if (!Number.isSafeInteger(nbytes)) fail(`shape ${show(shape)} of ${dtype} overflows`, name);
  if ((b as number) - (a as number) !== nbytes)
    fail(`${(b as number) - (a as number)} bytes for shape [${shape as number[]}] of ${dtype} (needs ${nbytes})`, name);
  return { dtype, shape: [...(shape as number[])], dataOffsets: [a as number, b as number] };
}

/** The tensors, in offset order, must tile the data section exactly: no overlap, no gap, nothing past the end. */
function checkLayout(
  entries: [string, SafetensorsTensorInfo][],
  dataLen: number,
  fail: Fail,
): Record<string, SafetensorsTensorInfo> {
  entries.sort(([, x], [, y]) => x.dataOffsets[0] - y.dataOffsets[0] || x.dataOffsets[1] - y.dataOffsets[1]);
  let pos = 0;
  const tensors = Object.create(null) as Record<string, SafetensorsTensorInfo>;
  for (const [name, info] of entries) {
    const [a, b] = info.dataOffsets;
    if (a !== pos)
      fail(
        a < pos
          ? `data [${a}, ${b}) overlaps the previous tensor (which ends at ${pos})`
          : `gap before data [${a}, ${b}) (previous tensor ends at ${pos})`,
        name,
      );
    if (b > dataLen) fail(`data [${a}, ${b}) beyond the end of the file (${dataLen} data bytes): truncated`, name);
    pos = b;
    tensors[name] = info;
  }
  if (pos !== dataLen)
    fail(
      `the tensors cover ${pos} of ${dataLen} data bytes: the data section has trailing bytes or the file is not safetensors`,
    );
  return tensors;
}

/**
 * Parses safetensors bytes into tensors (after {@link parseSafetensorsHeader}'s validation); `file` only
 * names the source in errors. On any error no tensor is left allocated.
 * @example
 * ```ts
 * const { tensors, metadata } = parseSafetensors(await readFile('model.safetensors'), 'model.safetensors');
 * tf.dispose(Object.values(tensors));
 * ```
 */
export function parseSafetensors(buf: Uint8Array, file = '<buffer>'): SafetensorsContent {
  const header = parseSafetensorsHeader(buf, file);
  const tensors = Object.create(null) as StateDict;
  try {
    for (const [name, info] of Object.entries(header.tensors)) {
      const [a, b] = info.dataOffsets;
      const bytes = buf.subarray(header.dataStart + a, header.dataStart + b);
      tensors[name] = decode(name, info.dtype as Dtype, info.shape, bytes, (why) => {
        throw new SafetensorsError(file, why, name);
      });
    }
  } catch (err) {
    tf.dispose(Object.values(tensors));
    throw err;
  }
  return { tensors, metadata: header.metadata };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A copy of `bytes` as a typed array of `n`-byte elements (host order = file order on little-endian hosts). */
function copyAs<T extends Float32Array | Int32Array | Uint16Array>(
  Ctor: new (n: number) => T,
  count: number,
  bytes: Uint8Array,
): T {
  const out = new Ctor(count);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

function decode(name: string, dtype: Dtype, shape: number[], bytes: Uint8Array, fail: (w: string) => never): tf.Tensor {
  const count = bytes.byteLength / BYTES[dtype];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32': {
      if (LITTLE_ENDIAN) return tf.tensor(copyAs(Float32Array, count, bytes), shape, 'float32');
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
    case 'BF16': {
      // bfloat16 is the top half of a float32: shifting its bits up is exact.
      const bits = new Uint32Array(count);
      for (let i = 0; i < count; i++) bits[i] = dv.getUint16(i * 2, true) << 16;
      return tf.tensor(new Float32Array(bits.buffer), shape, 'float32');
    }
    case 'I64':
    case 'U64': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = dtype === 'I64' ? dv.getBigInt64(i * 8, true) : dv.getBigUint64(i * 8, true);
        if (v > 2147483647n || v < -2147483648n)
          fail(`${dtype === 'I64' ? 'int64' : 'uint64'} value ${v} at index ${i} does not fit in int32`);
        out[i] = Number(v);
      }
      return tf.tensor(out, shape, 'int32');
    }
    case 'U32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = dv.getUint32(i * 4, true);
        if (v > 2147483647) fail(`uint32 value ${v} at index ${i} does not fit in int32`);
        out[i] = v;
      }
      return tf.tensor(out, shape, 'int32');
    }
    case 'I32': {
      if (LITTLE_ENDIAN) return tf.tensor(copyAs(Int32Array, count, bytes), shape, 'int32');
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = dv.getInt32(i * 4, true);
      return tf.tensor(out, shape, 'int32');
    }
    case 'I16':
    case 'U16':
    case 'I8':
    case 'U8':
    case 'BOOL': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++)
        out[i] =
          dtype === 'I16'
            ? dv.getInt16(i * 2, true)
            : dtype === 'U16'
              ? dv.getUint16(i * 2, true)
              : dtype === 'I8'
                ? dv.getInt8(i)
                : dv.getUint8(i);
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
  let buf: Uint8Array;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw new SafetensorsError(path, `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseSafetensors(buf, path);
}

/** Options of {@link serializeSafetensors}. */
export interface SaveSafetensorsOptions {
  /** String pairs written as the header's `__metadata__` (default: none; Hugging Face's `save_pretrained` writes `{ format: 'pt' }`). */
  metadata?: Record<string, string>;
  /** Names of int32 tensors to store as I64 (as PyTorch's `num_batches_tracked`). */
  int64?: Iterable<string>;
  /**
   * A `__metadata__` key under which to store the hex SHA-256 of the data section (everything after the
   * header), so that a reader can check the tensors without a checksum kept elsewhere.
   */
  dataSha256Key?: string;
}

/** The hex SHA-256 of the data section of safetensors bytes whose header was validated. */
export function safetensorsDataSha256(buf: Uint8Array, header: SafetensorsHeader): string {
  return sha256Hex(buf.subarray(header.dataStart));
}

/** Serialises tensors to safetensors bytes (reads their data, awaited in one batch: not for hot loops). */
export async function serializeSafetensors(tensors: StateDict, opts: SaveSafetensorsOptions = {}): Promise<Uint8Array> {
  const int64 = new Set(opts.int64 ?? []);
  const names = Object.keys(tensors).sort();
  let header: Record<string, unknown> = {};
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
      throw new SafetensorsError(
        '<write>',
        `tensor '${name}' has dtype ${t.dtype}, which safetensors output does not support`,
      );
    }
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    chunks.push(bytes);
  }
  if (opts.metadata || opts.dataSha256Key !== undefined) {
    const meta: Record<string, string> = { ...opts.metadata };
    if (opts.dataSha256Key !== undefined) {
      meta[opts.dataSha256Key] = sha256HexOfChunks(chunks);
    }
    // `__metadata__` first, as the reference writer puts it.
    header = { __metadata__: meta, ...header };
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
  const utf8 = new TextEncoder();
  json += ' '.repeat((8 - ((8 + utf8.encode(json).length) % 8)) % 8);
  const head = utf8.encode(json);
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

const TMP_RE = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/**
 * Removes temporaries of `path` left by writers that died before renaming them (a `kill -9` in the middle
 * of {@link atomicWrite}): those of processes that no longer run.
 */
async function removeOrphanedTemporaries(path: string): Promise<void> {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = TMP_RE.exec(n);
    if (!m || m[1] !== base) continue;
    const pid = Number(m[2]);
    if (pid !== processId() && !processAlive(pid)) await rm(join(dir, n), { force: true });
  }
}

/**
 * Writes a file atomically: to a temporary file beside it (`.<name>.<pid>.<random>.tmp`), synced, then renamed
 * over the target, so a crash never leaves a half-written file in its place. Temporaries of the same target
 * left by dead processes are removed first.
 * @example
 * ```ts
 * await atomicWrite('models/notes.json', JSON.stringify({ epochs: 3 }));
 * ```
 */
export async function atomicWrite(path: string, data: Uint8Array | string): Promise<void> {
  await removeOrphanedTemporaries(path);
  const tmp = join(dirname(path), `.${basename(path)}.${processId()}.${randomHex(6)}.tmp`);
  try {
    await writeFile(tmp, data);
    const fh = await open(tmp, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
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
export async function saveSafetensors(
  path: string,
  tensors: StateDict,
  opts: SaveSafetensorsOptions = {},
): Promise<void> {
  await atomicWrite(path, await serializeSafetensors(tensors, opts));
}
