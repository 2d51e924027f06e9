// TensorBoard's event files, written and read without TensorFlow: each record is an `Event` protocol buffer
// (tensorboard's event.proto / summary.proto, the fields scalars need) framed as a TFRecord (uint64 length, masked
// CRC-32C of the length, the data, masked CRC-32C of the data; all little-endian).
import { readFile } from '#platform/fs';
import { FileError } from '../../errors.js';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/**
 * CRC-32C (Castagnoli), the checksum of TFRecord files.
 * @example
 * ```ts
 * crc32c(new TextEncoder().encode('123456789')); // 0xe3069283
 * ```
 */
export function crc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** TFRecord's masked CRC: `((c >>> 15) | (c << 17)) + 0xa282ead8` (mod 2³²). */
function maskedCrc(data: Uint8Array): number {
  const c = crc32c(data);
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
}

/**
 * One TFRecord: `uint64 length | uint32 masked crc32c(length) | data | uint32 masked crc32c(data)`.
 * @example
 * ```ts
 * const rec = tfRecord(encodeEvent({ wallTime: Date.now() / 1000, step: 0, fileVersion: 'brain.Event:2' }));
 * ```
 */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, BigInt(data.length), true);
  v.setUint32(8, maskedCrc(out.subarray(0, 8)), true);
  out.set(data, 12);
  v.setUint32(12 + data.length, maskedCrc(data), true);
  return out;
}

/** An event of a TensorBoard file: the file's version line, or one scalar (`Summary.Value.simple_value`). */
export interface TensorBoardEvent {
  /** Seconds since the epoch. */
  wallTime: number;
  /** The step (a non-negative integer). */
  step: number;
  /** Set on the first event of a file (`brain.Event:2`). */
  fileVersion?: string;
  /** A scalar; TensorBoard stores it as a float32. */
  scalar?: {
    /** The scalar's name, TensorBoard's chart title (`'train_loss'`, `'lr_0'`, `'accuracy'`). */
    tag: string;
    /** Its value at this step. */
    value: number;
  };
}

/** Protocol buffer writer: just the wire types these messages use. */
class Proto {
  private parts: number[] = [];
  varint(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`varint ${v}: not a non-negative safe integer`);
    while (v >= 0x80) {
      this.parts.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.parts.push(v);
    return this;
  }
  key(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }
  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2).varint(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }
  fixed(field: number, v: number, size: 4 | 8): this {
    const b = new DataView(new ArrayBuffer(size));
    if (size === 8) b.setFloat64(0, v, true);
    else b.setFloat32(0, v, true);
    this.key(field, size === 8 ? 1 : 5);
    for (let i = 0; i < size; i++) this.parts.push(b.getUint8(i));
    return this;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

const utf8 = new TextEncoder();

/**
 * Serialises an `Event` as protobuf does (fields in number order; proto3 leaves out a zero `wall_time`/`step`):
 * `wall_time` 1 (double), `step` 2 (int64), `file_version` 3 or `summary` 5 = `Summary{ value 1 = Value{ tag 1,
 * simple_value 2 (float) } }`.
 * @example
 * ```ts
 * encodeEvent({ wallTime: 1765000001.5, step: 3, scalar: { tag: 'train_loss', value: 0.69 } });
 * ```
 */
export function encodeEvent(e: TensorBoardEvent): Uint8Array {
  const p = new Proto();
  if (e.wallTime !== 0) p.fixed(1, e.wallTime, 8);
  if (e.step !== 0) p.key(2, 0).varint(e.step);
  if (e.fileVersion !== undefined) p.bytes(3, utf8.encode(e.fileVersion));
  else if (e.scalar) {
    const value = new Proto().bytes(1, utf8.encode(e.scalar.tag)).fixed(2, e.scalar.value, 4).done();
    p.bytes(5, new Proto().bytes(1, value).done());
  }
  return p.done();
}

/** Protocol buffer reader over one message. */
class Reader {
  pos = 0;
  constructor(
    readonly b: Uint8Array,
    private readonly where: () => string,
  ) {}
  get more(): boolean {
    return this.pos < this.b.length;
  }
  varint(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (this.pos >= this.b.length) throw new Error(`${this.where()}: truncated varint`);
      const x = this.b[this.pos++];
      v += (x & 0x7f) * mul;
      if (x < 0x80) return v;
      mul *= 0x80;
      if (mul > 2 ** 63) throw new Error(`${this.where()}: varint too long`);
    }
  }
  take(n: number): Uint8Array {
    if (this.pos + n > this.b.length) throw new Error(`${this.where()}: field runs past the message`);
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** Skips a field of wire type `wire`. */
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.take(8);
    else if (wire === 2) this.take(this.varint());
    else if (wire === 5) this.take(4);
    else throw new Error(`${this.where()}: unsupported wire type ${wire}`);
  }
}

const utf8d = new TextDecoder();

/** A little-endian view of exactly these bytes (a Buffer's `.buffer` is a shared pool). */
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

function decodeEvent(b: Uint8Array, where: () => string): TensorBoardEvent {
  const r = new Reader(b, where);
  const e: TensorBoardEvent = { wallTime: 0, step: 0 };
  while (r.more) {
    const key = r.varint();
    const [field, wire] = [Math.floor(key / 8), key % 8];
    if (field === 1 && wire === 1) e.wallTime = view(r.take(8)).getFloat64(0, true);
    else if (field === 2 && wire === 0) e.step = r.varint();
    else if (field === 3 && wire === 2) e.fileVersion = utf8d.decode(r.take(r.varint()));
    else if (field === 5 && wire === 2) {
      const s = new Reader(r.take(r.varint()), where);
      while (s.more) {
        const k = s.varint();
        if (k !== (1 << 3) + 2) {
          s.skip(k % 8);
          continue;
        }
        const v = new Reader(s.take(s.varint()), where);
        let tag = '';
        let value: number | undefined;
        while (v.more) {
          const kv = v.varint();
          if (kv === (1 << 3) + 2) tag = utf8d.decode(v.take(v.varint()));
          else if (kv === (2 << 3) + 5) value = view(v.take(4)).getFloat32(0, true);
          else v.skip(kv % 8);
        }
        if (value !== undefined) e.scalar = { tag, value };
      }
    } else r.skip(wire);
  }
  return e;
}

/**
 * Reads a TensorBoard event file (what `TensorBoardCallback` writes, or TensorFlow's and PyTorch's
 * `SummaryWriter`'s scalars): every record's two checksums are verified; a damaged or truncated record is a
 * `FileError` naming the file and the record.
 * @example
 * ```ts
 * const events = await readTensorBoardEvents('runs/Dec06_23-50-00_host/events.out.tfevents.1765000000.host.42.0');
 * const losses = events.filter((e) => e.scalar?.tag === 'train_loss').map((e) => e.scalar!.value);
 * ```
 */
export async function readTensorBoardEvents(file: string): Promise<TensorBoardEvent[]> {
  return parseTensorBoardEvents(new Uint8Array(await readFile(file)), file);
}

/**
 * {@link readTensorBoardEvents} on bytes already read (`name` is what errors call them).
 * @example
 * ```ts
 * parseTensorBoardEvents(bytes, 'events.bin');
 * ```
 */
export function parseTensorBoardEvents(bytes: Uint8Array, name = 'events'): TensorBoardEvent[] {
  const out: TensorBoardEvent[] = [];
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  while (pos < bytes.length) {
    const i = out.length;
    const bad = (why: string) => new FileError(name, `record ${i} at byte ${pos}: ${why}`);
    if (pos + 12 > bytes.length) throw bad('truncated header');
    const len = v.getBigUint64(pos, true);
    if (v.getUint32(pos + 8, true) !== maskedCrc(bytes.subarray(pos, pos + 8))) throw bad('length checksum mismatch');
    if (len > BigInt(bytes.length - pos - 16)) throw bad(`length ${len} runs past the end of the file`);
    const n = Number(len);
    const data = bytes.subarray(pos + 12, pos + 12 + n);
    if (v.getUint32(pos + 12 + n, true) !== maskedCrc(data)) throw bad('data checksum mismatch');
    try {
      out.push(decodeEvent(data, () => `${name}: record ${i}`));
    } catch (e) {
      throw bad(`not an Event (${(e as Error).message})`);
    }
    pos += 16 + n;
  }
  return out;
}
