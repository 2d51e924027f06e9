import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { SafetensorsError } from '../errors.js';
import {
  MAX_SAFETENSORS_HEADER_BYTES,
  parseSafetensors,
  parseSafetensorsHeader,
  serializeSafetensors,
} from './safetensors.js';

/** A safetensors file from a header (object or raw text) and data bytes, with a correct length prefix. */
function file(header: unknown, data: ArrayLike<number> = [], headerLength?: bigint): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const head = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + head.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(head.length), true);
  out.set(head, 8);
  out.set(Array.from(data), 8 + head.length);
  return out;
}
const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);

/** Asserts a SafetensorsError whose message names the file (and the tensor, when given) and matches `re`. */
function refuses(bytes: Uint8Array, re: RegExp, tensor?: string): void {
  const before = tf.memory().numTensors;
  let err: unknown;
  try {
    tf.dispose(Object.values(parseSafetensors(bytes, 'bad.safetensors').tensors));
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(SafetensorsError);
  const e = err as SafetensorsError;
  expect(e.message).toMatch(/^bad\.safetensors: /);
  expect(e.message).toMatch(re);
  expect(e.file).toBe('bad.safetensors');
  if (tensor !== undefined) {
    expect(e.tensor).toBe(tensor);
    expect(e.message).toContain(JSON.stringify(tensor));
  }
  expect(tf.memory().numTensors).toBe(before);
}

const W = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };

describe('parseSafetensors refuses every malformed file the reference reader refuses', () => {
  it('too short for the length prefix', () => refuses(new Uint8Array(5), /5 bytes, too short/));
  it('header length above the 100 MB cap', () =>
    refuses(file('{}', [], BigInt(MAX_SAFETENSORS_HEADER_BYTES + 1)), /exceeds the 100000000-byte limit/));
  it('header length above 2^53 (not a number we can trust)', () =>
    refuses(file('{}', [], 2n ** 63n), /exceeds the 100000000-byte limit/));
  it('header length beyond the file', () => refuses(file('{}', [], 100n), /exceeds the file size/));
  it('header not UTF-8', () => {
    const b = file('{"a":1}');
    b[10] = 0xff;
    refuses(b, /not valid UTF-8/);
  });
  it("header not starting with '{'", () => refuses(file(' {}'), /does not start with/));
  it('header not JSON', () => refuses(file('{"w": '), /not valid JSON/));
  it('header JSON that is not one object', () => refuses(file('{}{}'), /not valid JSON/));
  it('entry not an object', () => refuses(file({ w: [1, 2] }), /malformed header entry/, 'w'));
  it('unknown dtype', () => refuses(file({ w: { ...W, dtype: 'F128' } }, f32(1, 2)), /unknown dtype "F128"/, 'w'));
  it('dtype known to the format but not converted', () =>
    refuses(file({ w: { ...W, dtype: 'F8_E4M3', shape: [8] } }, f32(1, 2)), /F8_E4M3 is not supported/, 'w'));
  it('dtype not a string', () => refuses(file({ w: { ...W, dtype: 4 } }, f32(1, 2)), /dtype 4 is not a string/, 'w'));
  it('shape not a list', () => refuses(file({ w: { ...W, shape: 2 } }, f32(1, 2)), /shape 2 is not a list/, 'w'));
  it('negative dimension', () =>
    refuses(file({ w: { ...W, shape: [-2] } }, f32(1, 2)), /dimension -2 is not a non-negative integer/, 'w'));
  it('fractional dimension', () => refuses(file({ w: { ...W, shape: [0.5, 4] } }, f32(1, 2)), /dimension 0.5/, 'w'));
  it('string dimension', () => refuses(file({ w: { ...W, shape: ['2'] } }, f32(1, 2)), /dimension "2"/, 'w'));
  it('shape product overflowing', () =>
    refuses(file({ w: { ...W, shape: [2 ** 30, 2 ** 30, 2 ** 30] } }, f32(1, 2)), /overflows/, 'w'));
  it('offsets as strings (no string concatenation)', () =>
    refuses(
      file({ w: { ...W, data_offsets: ['0', '8'] } }, f32(1, 2)),
      /data_offsets \["0","8"\] are not integers/,
      'w',
    ));
  it('fractional offsets', () =>
    refuses(file({ w: { ...W, data_offsets: [0.5, 8.5] } }, f32(1, 2)), /are not integers/, 'w'));
  it('negative offsets', () =>
    refuses(file({ w: { ...W, data_offsets: [-8, 0] } }, f32(1, 2)), /are not integers 0 <= begin/, 'w'));
  it('begin after end', () =>
    refuses(file({ w: { ...W, shape: [0], data_offsets: [8, 0] } }, f32(1, 2)), /begin <= end/, 'w'));
  it('offsets not a pair', () =>
    refuses(file({ w: { ...W, data_offsets: [0, 8, 16] } }, f32(1, 2)), /is not a pair/, 'w'));
  it('range length not shape × dtype size', () =>
    refuses(file({ w: { ...W, shape: [3] } }, f32(1, 2)), /8 bytes for shape \[3\] of F32 \(needs 12\)/, 'w'));
  it('overlapping ranges', () =>
    refuses(file({ a: W, b: { ...W, data_offsets: [4, 12] } }, f32(1, 2, 3)), /overlaps the previous tensor/, 'b'));
  it('gap between ranges', () =>
    refuses(
      file(
        { a: { ...W, shape: [1], data_offsets: [0, 4] }, b: { ...W, shape: [1], data_offsets: [8, 12] } },
        f32(1, 2, 3),
      ),
      /gap before data \[8, 12\)/,
      'b',
    ));
  it('first range not at 0', () =>
    refuses(file({ w: { ...W, data_offsets: [4, 12] } }, f32(1, 2, 3)), /gap before data \[4, 12\)/, 'w'));
  it('range beyond the data (truncated file)', () =>
    refuses(file({ w: W }, f32(1)), /beyond the end of the file \(4 data bytes\)/, 'w'));
  it('trailing bytes after the last tensor', () => refuses(file({ w: W }, f32(1, 2, 3)), /cover 8 of 12 data bytes/));
  it('__metadata__ with a non-string value', () =>
    refuses(file({ __metadata__: { epochs: 3 } }), /__metadata__ key "epochs" is 3, not a string/));
  it('__metadata__ not an object', () => refuses(file({ __metadata__: ['a'] }), /__metadata__ is \["a"\]/));
  it('int64 value outside int32', () => {
    const d = new Uint8Array(8);
    new DataView(d.buffer).setBigInt64(0, 2n ** 40n, true);
    refuses(
      file({ step: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, d),
      /int64 value 1099511627776 at index 0 does not fit in int32/,
      'step',
    );
  });
});

describe('parseSafetensors reads only what it is given', () => {
  it('respects a subarray: the same bytes at any offset of a bigger buffer give the same tensors', async () => {
    const inner = file({ w: W }, f32(1.5, -2));
    const big = new Uint8Array(300).fill(0x7f);
    big.set(inner, 100);
    const { tensors } = parseSafetensors(big.subarray(100, 100 + inner.length));
    expect(Array.from(await tensors.w.data())).toEqual([1.5, -2]);
    tf.dispose(Object.values(tensors));
    // A header that claims more data than the slice holds is refused, although the underlying buffer has it.
    const claims = file({ w: { ...W, shape: [4], data_offsets: [0, 16] } }, f32(1.5, -2));
    big.set(claims, 100);
    refuses(big.subarray(100, 100 + claims.length), /beyond the end of the file \(8 data bytes\)/, 'w');
  });

  it("a tensor named '__proto__' is a plain key of a prototype-less record", async () => {
    const { tensors, metadata } = parseSafetensors(
      file(`{"__proto__":${JSON.stringify(W)},"__metadata__":{"__proto__":"x","constructor":"y"}}`, f32(3, 4)),
    );
    expect(Object.getPrototypeOf(tensors)).toBeNull();
    expect(Object.getPrototypeOf(metadata)).toBeNull();
    expect(Object.keys(tensors)).toEqual(['__proto__']);
    expect(Array.from(await tensors['__proto__'].data())).toEqual([3, 4]);
    expect(metadata.constructor).toBe('y');
    expect(metadata['__proto__']).toBe('x');
    expect(({} as Record<string, unknown>).dtype).toBeUndefined();
    tf.dispose(Object.values(tensors));
  });

  it('validates the header without allocating tensors', () => {
    const before = tf.memory().numTensors;
    const h = parseSafetensorsHeader(
      file({ b: { ...W, data_offsets: [8, 16] }, a: W, __metadata__: { k: 'v' } }, f32(1, 2, 3, 4)),
    );
    expect(Object.keys(h.tensors)).toEqual(['a', 'b']);
    expect(h.tensors.b).toEqual({ dtype: 'F32', shape: [2], dataOffsets: [8, 16] });
    expect(h.metadata).toEqual({ k: 'v' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('accepts empty tensors and an empty file', () => {
    const { tensors } = parseSafetensors(file({ e: { dtype: 'F32', shape: [0, 3], data_offsets: [0, 0] } }));
    expect(tensors.e.shape).toEqual([0, 3]);
    tf.dispose(Object.values(tensors));
    expect(Object.keys(parseSafetensors(file({})).tensors)).toEqual([]);
  });
});

describe('parseSafetensors converts half and double precision to float32 exactly', () => {
  it('F16: normal, subnormal, zero, infinities, NaN', async () => {
    const bits = [0x3c00, 0xc000, 0x3555, 0x7bff, 0x0001, 0x03ff, 0x8000, 0x7c00, 0xfc00, 0x7e00];
    const d = new Uint8Array(new Uint16Array(bits).buffer);
    const { tensors } = parseSafetensors(
      file({ h: { dtype: 'F16', shape: [bits.length], data_offsets: [0, d.length] } }, d),
    );
    const v = Array.from(await tensors.h.data());
    expect(v.slice(0, 9)).toEqual([1, -2, 0.333251953125, 65504, 2 ** -24, 1023 * 2 ** -24, -0, Infinity, -Infinity]);
    expect(Object.is(v[6], -0)).toBe(true);
    expect(v[9]).toBeNaN();
    expect(tensors.h.dtype).toBe('float32');
    tf.dispose(Object.values(tensors));
  });

  it('BF16: the top 16 bits of a float32, exactly', async () => {
    const values = [1, -2.5, 3.140625, 1e38, -1.1754943508222875e-38, 0];
    const top = new Uint16Array(values.map((x) => new Uint32Array(new Float32Array([x]).buffer)[0] >>> 16));
    const expected = Array.from(top, (b) => new Float32Array(new Uint32Array([b << 16]).buffer)[0]);
    const d = new Uint8Array(top.buffer);
    const { tensors } = parseSafetensors(file({ b: { dtype: 'BF16', shape: [2, 3], data_offsets: [0, d.length] } }, d));
    expect(tensors.b.shape).toEqual([2, 3]);
    expect(Array.from(await tensors.b.data())).toEqual(expected);
    expect(expected.slice(0, 3)).toEqual([1, -2.5, 3.140625]);
    tf.dispose(Object.values(tensors));
  });

  it('F64 rounds to the nearest float32', async () => {
    const d = new Uint8Array(new Float64Array([0.1, 1e300, 2]).buffer);
    const { tensors } = parseSafetensors(file({ x: { dtype: 'F64', shape: [3], data_offsets: [0, 24] } }, d));
    expect(Array.from(await tensors.x.data())).toEqual([Math.fround(0.1), Infinity, 2]);
    tf.dispose(Object.values(tensors));
  });
});

describe('fuzzing: random mutations of valid files', () => {
  let base: Uint8Array;
  beforeAll(async () => {
    const sd = {
      'a.weight': tf.tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      'a.bias': tf.tensor([0.5, -0.5]),
      'bn.num_batches_tracked': tf.tensor([7], [1], 'int32'),
    };
    base = await serializeSafetensors(sd, { metadata: { format: 'pt' }, int64: ['bn.num_batches_tracked'] });
    tf.dispose(Object.values(sd));
  });
  const halves = file(
    {
      h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
      b: { dtype: 'BF16', shape: [2], data_offsets: [4, 8] },
      u: { dtype: 'U8', shape: [3], data_offsets: [8, 11] },
    },
    [0, 0x3c, 0, 0xc0, 0x80, 0x3f, 0x20, 0x41, 1, 2, 3],
  );
  const headerOf = (b: Uint8Array) =>
    JSON.parse(
      new TextDecoder().decode(b.subarray(8, 8 + Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true)))),
    ) as Record<string, Record<string, unknown>>;
  const dataOf = (b: Uint8Array) => b.subarray(8 + Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true)));

  const weird = fc.oneof(
    fc.jsonValue(),
    fc.constantFrom('0', '8', -1, 0.5, 2 ** 53, Infinity, null, '__proto__', 'BF16', 'F8_E5M2'),
    fc.array(fc.oneof(fc.integer({ min: -4, max: 64 }), fc.constantFrom('1', 0.5, null)), { maxLength: 4 }),
  );
  const mutation = fc.oneof(
    fc.record({
      kind: fc.constant('flips' as const),
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 6 }),
    }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('append' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
    fc.record({
      kind: fc.constant('header' as const),
      tensor: fc.nat(),
      field: fc.constantFrom('dtype', 'shape', 'data_offsets', '__proto__', 'extra'),
      value: weird,
      rename: fc.option(fc.constantFrom('__proto__', 'constructor', '__metadata__', 'toString', ''), {
        nil: undefined,
      }),
    }),
    fc.record({ kind: fc.constant('length' as const), length: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) }),
  );

  type Mutation =
    | { kind: 'flips'; flips: [number, number][] }
    | { kind: 'truncate'; at: number }
    | { kind: 'append'; extra: Uint8Array }
    | { kind: 'header'; tensor: number; field: string; value: unknown; rename?: string }
    | { kind: 'length'; length: bigint };
  function apply(src: Uint8Array, m: Mutation): Uint8Array {
    const b = new Uint8Array(src);
    switch (m.kind) {
      case 'flips':
        for (const [p, bit] of m.flips) b[p % b.length] ^= 1 << bit;
        return b;
      case 'truncate':
        return b.subarray(0, m.at % b.length);
      case 'append': {
        const out = new Uint8Array(b.length + m.extra.length);
        out.set(b);
        out.set(m.extra, b.length);
        return out;
      }
      case 'length':
        new DataView(b.buffer).setBigUint64(0, m.length, true);
        return b;
      case 'header': {
        const h = headerOf(b);
        const names = Object.keys(h);
        const name = names[m.tensor % names.length];
        const entry = { ...h[name] };
        Object.defineProperty(entry, m.field, { value: m.value, enumerable: true, writable: true, configurable: true });
        const next: Record<string, unknown> = {};
        for (const k of names)
          Object.defineProperty(next, k === name && m.rename !== undefined ? m.rename : k, {
            value: k === name ? entry : h[k],
            enumerable: true,
            writable: true,
            configurable: true,
          });
        return file(next, dataOf(b));
      }
    }
  }

  /** Parses `bytes` placed in a fresh buffer of exactly its size and inside bigger buffers padded two ways. */
  async function outcome(bytes: Uint8Array, pad: number): Promise<string> {
    const big = new Uint8Array(bytes.length + 64).fill(pad);
    big.set(bytes, 32);
    const view = big.subarray(32, 32 + bytes.length);
    try {
      const { tensors, metadata } = parseSafetensors(view, 'fuzz.safetensors');
      expect(Object.getPrototypeOf(tensors)).toBeNull();
      expect(Object.getPrototypeOf(metadata)).toBeNull();
      const parts: string[] = [JSON.stringify(Object.entries(metadata))];
      for (const [k, t] of Object.entries(tensors))
        parts.push(
          `${k}:${t.dtype}:${t.shape}:${Array.from(await t.data()).map((x) => (Object.is(x, -0) ? '-0' : String(x)))}`,
        );
      tf.dispose(Object.values(tensors));
      return parts.join('|');
    } catch (e) {
      if (!(e instanceof SafetensorsError)) throw e;
      expect(e.message.startsWith('fuzz.safetensors: ')).toBe(true);
      return `error:${e.message}`;
    }
  }

  it('gives only SafetensorsErrors, never reads past its input, never leaks a tensor (5 s)', async () => {
    const before = tf.memory().numTensors;
    let runs = 0;
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(base, halves), mutation, async (src, m) => {
        runs++;
        const bytes = apply(src, m as Mutation);
        // Exact-size buffer: a read past the end would throw a RangeError, not a SafetensorsError.
        const exact = await outcome(new Uint8Array(bytes), 0x00);
        // The same bytes inside buffers padded with 0x00 and 0xff: any read outside would change the values.
        expect(await outcome(bytes, 0x00)).toBe(exact);
        expect(await outcome(bytes, 0xff)).toBe(exact);
        if (!exact.startsWith('error:')) accepted++;
        expect(tf.memory().numTensors).toBe(before);
      }),
      { numRuns: 1_000_000, interruptAfterTimeLimit: 5_000, seed: 17 },
    );
    console.log(`safetensors fuzz: ${runs} mutated files, ${accepted} still valid`);
    expect(runs).toBeGreaterThan(200);
    expect(accepted).toBeGreaterThan(0); // some mutations (a flipped data bit, a renamed tensor) stay valid
    expect(tf.memory().numTensors).toBe(before);
  }, 30_000);
});
