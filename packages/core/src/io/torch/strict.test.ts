// The PyTorch reader as an attacker sees it: views outside their storage, negative dimensions, deep nesting,
// huge integers, bad code points, expansion and inflation bombs — and a fuzz of mutated real checkpoints.
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { PickleError, TorchCheckpointError } from '../../errors.js';
import { loadPickle, parseTorch } from './load.js';
import { unpickle } from './pickle.js';
import { TorchTensor } from './tensor.js';
import { TORCH_FIXTURES } from '@tfai/test-utils';

// ---- a tiny pickle writer (protocol 2 opcodes, as torch.save's legacy format uses) ----
type P = number[];
const cat = (...parts: P[]): P => parts.flat();
const i32 = (n: number): P => [...new Uint8Array(new Int32Array([n]).buffer)];
const int = (n: number): P => [0x4a, ...i32(n)]; // BININT
const str = (s: string): P => {
  const b = [...new TextEncoder().encode(s)];
  return [0x58, ...i32(b.length), ...b]; // BINUNICODE
};
const tup = (...items: P[]): P => [0x28, ...items.flat(), 0x74]; // MARK … TUPLE
const glob = (m: string, n: string): P => [0x63, ...new TextEncoder().encode(`${m}\n${n}\n`)];
const dict = (entries: [string, P][]): P => [0x7d, 0x28, ...entries.flatMap(([k, v]) => [...str(k), ...v]), 0x75];
const pickle = (body: P): P => [0x80, 0x02, ...body, 0x2e];

interface View {
  storage: string;
  offset: number;
  size: number[];
  stride: number[];
  view?: [string, number, number];
}
/** A legacy (`_use_new_zipfile_serialization=False`) checkpoint of float32 storages and tensors over them. */
function legacyFile(storages: Record<string, number[]>, tensors: Record<string, View>): Uint8Array {
  const magic = [0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
  const obj = dict(
    Object.entries(tensors).map(([k, t]) => [
      k,
      cat(
        glob('torch._utils', '_rebuild_tensor_v2'),
        tup(
          cat(
            tup(
              str('storage'),
              glob('torch', 'FloatStorage'),
              str(t.storage),
              str('cpu'),
              int(storages[t.storage].length),
              t.view ? tup(str(t.view[0]), int(t.view[1]), int(t.view[2])) : [0x4e],
            ),
            [0x51], // BINPERSID
          ),
          int(t.offset),
          tup(...t.size.map(int)),
          tup(...t.stride.map(int)),
          [0x89],
          [0x4e],
        ),
        [0x52], // REDUCE
      ),
    ]),
  );
  const keys = [0x5d, 0x28, ...Object.keys(storages).flatMap(str), 0x65];
  const parts = [
    pickle(magic),
    pickle([0x4d, 0xe9, 0x03]),
    pickle(dict([['little_endian', [0x88]]])),
    pickle(obj),
    pickle(keys),
  ];
  for (const v of Object.values(storages)) {
    parts.push([...new Uint8Array(new BigInt64Array([BigInt(v.length)]).buffer)]);
    parts.push([...new Uint8Array(new Float32Array(v).buffer)]);
  }
  return Uint8Array.from(parts.flat());
}

const caught = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
};

describe('parseTorch: every view inside its storage, read from the bytes it was given only', () => {
  const ok = legacyFile({ s: [1, 2, 3, 4] }, { w: { storage: 's', offset: 1, size: [2], stride: [1] } });

  it('a well-formed hand-written legacy file reads, the same inside a bigger buffer', () => {
    expect((parseTorch(ok, 'ok.pth').stateDict().w as TorchTensor).values()).toEqual([2, 3]);
    const big = new Uint8Array(ok.length + 64).fill(0x7f);
    big.set(ok, 32);
    expect(
      parseTorch(big.subarray(32, 32 + ok.length), 'ok.pth')
        .stateDict()
        .w.values(),
    ).toEqual([2, 3]);
  });

  it('a negative tensor offset, also for an empty tensor: a TorchCheckpointError naming file and key', () => {
    for (const size of [[2], [0]]) {
      const f = legacyFile({ s: [1, 2, 3, 4] }, { w: { storage: 's', offset: -1, size, stride: [1] } });
      const e = caught(() => parseTorch(f, 'neg.pth'));
      expect(e).toBeInstanceOf(TorchCheckpointError);
      expect((e as TorchCheckpointError).key).toBe('w');
      expect((e as Error).message).toMatch(
        /^neg\.pth: tensor 'w' of shape .* storage offset that is not a non-negative/,
      );
    }
  });

  it('a legacy storage view with a negative offset (the old escape: bytes before the storage) is refused', () => {
    const f = legacyFile(
      { s: [1, 2, 3, 4] },
      { w: { storage: 's', offset: 0, size: [2], stride: [1], view: ['v', -2, 2] } },
    );
    // Inside a bigger buffer too: nothing before the view is ever read.
    const big = new Uint8Array(f.length + 16).fill(0x41);
    big.set(f, 16);
    for (const b of [f, big.subarray(16)]) {
      const e = caught(() => parseTorch(b, 'view.pth'));
      expect(e).toBeInstanceOf(TorchCheckpointError);
      expect((e as TorchCheckpointError).key).toBe('v');
      expect((e as Error).message).toBe(
        "view.pth: storage view 'v' (offset -2, 2 elements) is not inside storage 's' of 4",
      );
    }
  });

  it('negative dimensions, negative strides, an extent past the storage, 2^53 overflow: typed errors', () => {
    const cases: [View, RegExp][] = [
      [{ storage: 's', offset: 0, size: [-4], stride: [1] }, /dimension that is not a non-negative integer/],
      [{ storage: 's', offset: 0, size: [-1, -1, 5], stride: [1, 1, 1] }, /dimension that is not/],
      [{ storage: 's', offset: 3, size: [2], stride: [-1] }, /stride that is not a non-negative integer/],
      [{ storage: 's', offset: 1, size: [2, 2], stride: [2, 1] }, /needs 5 elements of storage 's', which holds 4/],
      [{ storage: 's', offset: 0, size: [2 ** 30, 2 ** 30, 2 ** 30], stride: [0, 0, 0] }, /more elements than 2\^53/],
      [{ storage: 's', offset: 0, size: [2, 2], stride: [2 ** 31 - 1, 2 ** 31 - 1] }, /needs \d+ elements/],
    ];
    for (const [view, why] of cases) {
      const e = caught(() => parseTorch(legacyFile({ s: [1, 2, 3, 4] }, { w: view }), 'dims.pth'));
      expect(e, JSON.stringify(view)).toBeInstanceOf(TorchCheckpointError);
      expect((e as Error).message).toMatch(/^dims\.pth: tensor 'w'/);
      expect((e as Error).message).toMatch(why);
    }
  });
});

describe('the pickle VM: nesting, long integers, code points', () => {
  it('50 KB of nested tuples, nested tuple dict keys, nested lists: a PickleError, not a stack overflow', async () => {
    const deepTuple = Uint8Array.from(pickle([0x29, ...new Array<number>(50_000).fill(0x85)])); // () then TUPLE1s
    const e1 = caught(() => unpickle(deepTuple, { file: 'deep.pkl' }));
    expect(e1).toBeInstanceOf(PickleError);
    expect((e1 as Error).message).toMatch(/^deep\.pkl: containers nested deeper than 1000 levels \(at byte 1002\)/);
    // As a dict key (the string form of the key was recursive).
    const key = [0x29, ...new Array<number>(900).fill(0x85)];
    const shallowKey = Uint8Array.from(pickle([0x7d, ...key, 0x4e, 0x73]));
    const k = Object.keys(unpickle(shallowKey).value as object)[0];
    expect(k).toBe(`${'('.repeat(901)}${')'.repeat(901)}`);
    const deepKey = Uint8Array.from(pickle([0x7d, 0x29, ...new Array<number>(50_000).fill(0x85), 0x4e, 0x73]));
    expect(() => unpickle(deepKey, { file: 'key.pkl' })).toThrow(PickleError);
    // A key repeating one shared tuple at every level (2^60 elements spelt out): refused by length.
    const dag = Uint8Array.from(
      pickle([0x7d, 0x29, ...Array.from({ length: 60 }, () => [0x32, 0x86]).flat(), 0x4e, 0x73]),
    );
    expect(() => unpickle(dag, { file: 'dag.pkl' })).toThrow(/dag\.pkl: dict key longer than 65536 characters/);
    // Lists nested top-down through the memo (each appended into after being nested): the VM's count misses it,
    // the conversion to JS values (an explicit stack) stops at the limit.
    const topDown: number[] = [0x5d, 0x72, ...i32(0)];
    for (let i = 1; i < 5000; i++)
      topDown.push(0x5d, 0x72, ...i32(i), 0x30, 0x6a, ...i32(i - 1), 0x6a, ...i32(i), 0x61, 0x30);
    topDown.push(0x6a, ...i32(0));
    const lists = Uint8Array.from(pickle(topDown));
    expect(() => unpickle(lists)).not.toThrow(); // the VM itself is fine with it
    const e2 = await loadPickle(lists).catch((x: unknown) => x);
    expect(e2).toBeInstanceOf(PickleError);
    expect((e2 as Error).message).toMatch(/^<buffer>: containers nested deeper than 1000 levels \(at '\[0\]\[0\]/);
  });

  it('LONG4: linear time, exact value, refused past 64 KiB; a bad code point and an oversized INT are typed', () => {
    const n = 60_000;
    const body = new Uint8Array(n);
    body[n - 1] = 0x01; // 2^(8·(n−1))
    const long4 = Uint8Array.from(pickle([0x8b, ...i32(n), ...body]));
    expect(unpickle(long4).value).toBe(1n << BigInt(8 * (n - 1)));
    const neg = Uint8Array.from(pickle([0x8b, ...i32(3), 0xff, 0xff, 0xff]));
    expect(unpickle(neg).value).toBe(-1);
    const huge = Uint8Array.from(pickle([0x8b, ...i32(1 << 20), ...new Uint8Array(1 << 20)]));
    expect(() => unpickle(huge, { file: 'long.pkl' })).toThrow(
      /^long\.pkl: long integer of 1048576 bytes \(the limit is 65536\) \(at byte 2\)$/,
    );
    const cp = Uint8Array.from(pickle([0x56, ...new TextEncoder().encode('\\U00110000\n')]));
    const e = caught(() => unpickle(cp, { file: 'cp.pkl' }));
    expect(e).toBeInstanceOf(PickleError);
    expect((e as Error).message).toMatch(/cp\.pkl: UNICODE argument has code point 0x110000/);
    const digits = Uint8Array.from(pickle([0x49, ...new TextEncoder().encode(`${'9'.repeat(5000)}\n`)]));
    expect(() => unpickle(digits, { file: 'int.pkl' })).toThrow(/int\.pkl: INT argument of 5000 digits/);
  });
});

describe('budgets on totals', () => {
  it('stride-0 views over one 1-element storage: refused once the total passes what the storages justify', () => {
    const views: Record<string, View> = {};
    for (let i = 0; i < 1000; i++) views[`t${i}`] = { storage: 's', offset: 0, size: [(1 << 20) + i], stride: [0] };
    const bomb = legacyFile({ s: [7] }, views);
    expect(bomb.length).toBeLessThan(125_000);
    const e = caught(() => parseTorch(bomb, 'stride0.pth'));
    expect(e).toBeInstanceOf(TorchCheckpointError);
    // Each view is just over 4 MiB; the budget is 2 × 4 bytes + 16 MiB: the fourth is refused.
    expect((e as TorchCheckpointError).key).toBe('t3');
    expect((e as Error).message).toMatch(/brings the tensors to 16777240 bytes, more than the 16777224 its storages/);
    // The caller can raise the budget; identical views (tied weights) are counted and held once.
    const few = legacyFile({ s: [7] }, Object.fromEntries(Object.entries(views).slice(0, 6)));
    const ckpt = parseTorch(few, 'few.pth', { maxTensorBytes: 64 << 20 });
    expect(ckpt.stateDict().t5.size).toBe((1 << 20) + 5);
    expect(ckpt.stateDict().t5.values().slice(-2)).toEqual([7, 7]);
    const tied: Record<string, View> = {};
    for (let i = 0; i < 100; i++) tied[`t${i}`] = { storage: 's', offset: 0, size: [1 << 20], stride: [0] };
    const t = parseTorch(legacyFile({ s: [7] }, tied), 'tied.pth').stateDict();
    expect(t.t99.data).toBe(t.t0.data);
  });

  it('a zip record that inflates past its declared size, or the total cap, is stopped while inflating', async () => {
    const files = unzipSync(new Uint8Array(await readFile(`${TORCH_FIXTURES}mixed_zip.pth`)));
    // Storage 0 deflated but declared 24 bytes long: the directory lies about a 4 MB record.
    files['mixed_zip/data/0'] = new Uint8Array(4 << 20);
    const zipped = zipSync(
      Object.fromEntries(Object.entries(files).map(([k, v]) => [k, [v, { level: k.endsWith('/0') ? 9 : 0 }]])),
    );
    const cd =
      zipped.length -
      22 -
      (() => {
        const v = new DataView(zipped.buffer, zipped.byteOffset);
        return v.getUint32(zipped.length - 22 + 12, true);
      })();
    // Find storage 0's central directory entry and set its uncompressed size to 24.
    const name = new TextEncoder().encode('mixed_zip/data/0');
    const dv = new DataView(zipped.buffer, zipped.byteOffset);
    for (
      let p = cd;
      p < zipped.length - 22;
      p += 46 + dv.getUint16(p + 28, true) + dv.getUint16(p + 30, true) + dv.getUint16(p + 32, true)
    )
      if (dv.getUint16(p + 28, true) === name.length && name.every((c, j) => zipped[p + 46 + j] === c))
        dv.setUint32(p + 24, 24, true);
    expect(() => parseTorch(zipped, 'liar.pth')).toThrow(
      /^liar\.pth: record 'mixed_zip\/data\/0' inflates past the 24 bytes it declares$/,
    );
    // Honest sizes but more than the cap: refused at the cap, raised by the caller it loads.
    const honest = zipSync(
      Object.fromEntries(Object.entries(files).map(([k, v]) => [k, [v, { level: k.endsWith('/0') ? 9 : 0 }]])),
    );
    expect(() => parseTorch(honest, 'cap.pth', { maxInflatedBytes: 1 << 20 })).toThrow(
      /cap\.pth: record 'mixed_zip\/data\/0' brings the inflated records to over 1048576 bytes/,
    );
    expect(
      parseTorch(honest, 'cap.pth', { maxInflatedBytes: 8 << 20 })
        .stateDict('state_dict')
        .f32.values(),
    ).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('fuzz: mutated real checkpoints (zip and legacy)', () => {
  type Mutation =
    | { kind: 'flips'; flips: [number, number][] }
    | { kind: 'truncate'; at: number }
    | { kind: 'append'; extra: Uint8Array }
    | { kind: 'splice'; at: number; extra: Uint8Array }
    | { kind: 'int'; nth: number; value: number }
    | { kind: 'deflate' };
  const mutation = fc.oneof(
    fc.record({
      kind: fc.constant('flips' as const),
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 6 }),
    }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('append' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
    fc.record({
      kind: fc.constant('splice' as const),
      at: fc.nat(),
      extra: fc.uint8Array({ minLength: 1, maxLength: 8 }),
    }),
    fc.record({
      kind: fc.constant('int' as const),
      nth: fc.nat(),
      value: fc.oneof(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.constantFrom(-1, 0, 1, 2, 3, 6, 2 ** 20, 2 ** 31 - 1, -(2 ** 31)),
      ),
    }),
    fc.constant({ kind: 'deflate' as const }),
  );

  /** Applies a mutation to the pickle of a zip checkpoint (re-zipped) or to a legacy file's bytes. */
  function apply(src: Uint8Array, zip: boolean, m: Mutation): Uint8Array {
    if (m.kind === 'deflate') {
      if (!zip) return src;
      const files = unzipSync(src);
      return zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, [v, { level: 6 }]])));
    }
    if (m.kind === 'int') {
      // Replace the nth small int (BININT1) of the pickle by a BININT of any value: offsets, sizes, strides, numels.
      const files = zip ? unzipSync(src) : undefined;
      const pkl = files ? files['mixed_zip/data.pkl'] : src;
      const at: number[] = [];
      for (let i = 0; i < pkl.length - 1; i++) if (pkl[i] === 0x4b) at.push(i);
      const p = at[m.nth % at.length];
      const out = Uint8Array.from([...pkl.subarray(0, p), ...int(m.value), ...pkl.subarray(p + 2)]);
      if (!files) return out;
      files['mixed_zip/data.pkl'] = out;
      return zipSync(files, { level: 0 });
    }
    const b = new Uint8Array(src);
    switch (m.kind) {
      case 'flips':
        for (const [p, bit] of m.flips) b[p % b.length] ^= 1 << bit;
        return b;
      case 'truncate':
        return b.subarray(0, m.at % b.length);
      case 'append':
        return Uint8Array.from([...b, ...m.extra]);
      case 'splice': {
        const p = m.at % b.length;
        return Uint8Array.from([...b.subarray(0, p), ...m.extra, ...b.subarray(p)]);
      }
    }
  }

  /** A string of everything a parse returned (tensors' dtype, shape, values), or of the typed error. */
  function render(v: unknown, seen = new Set<unknown>()): string {
    if (v instanceof TorchTensor)
      return `T(${v.dtype}:${v.shape}:${v.values().map((x) => (Object.is(x, -0) ? '-0' : String(x)))})`;
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v !== 'object' || v === null) return JSON.stringify(v) ?? String(v);
    if (seen.has(v)) return '<cycle>';
    seen.add(v);
    if (v instanceof Uint8Array) return `b[${v}]`;
    if (v instanceof Set) return `{${[...v].map((x) => render(x, seen))}}`;
    if (Array.isArray(v)) return `[${v.map((x) => render(x, seen))}]`;
    return `{${Object.entries(v).map(([k, x]) => `${k}:${render(x, seen)}`)}}`;
  }

  let maxHeld = 0;
  function outcome(bytes: Uint8Array, pad: number): string {
    const big = new Uint8Array(bytes.length + 64).fill(pad);
    big.set(bytes, 32);
    try {
      const ckpt = parseTorch(big.subarray(32, 32 + bytes.length), 'fuzz.pth');
      // Bounded memory: the tensors' distinct host bytes within what the storages (at most the file) justify.
      const held = new Set(ckpt.tensors.map((t) => t.data));
      let n = 0;
      for (const d of held) n += d.byteLength;
      maxHeld = Math.max(maxHeld, n);
      expect(n).toBeLessThanOrEqual(4 * bytes.length + (16 << 20));
      return `${ckpt.format}:${render(ckpt.value)}`;
    } catch (e) {
      if (!(e instanceof TorchCheckpointError || e instanceof PickleError)) throw e;
      expect(e.message.startsWith('fuzz.pth')).toBe(true);
      return `error:${e.constructor.name}:${e.message}`;
    }
  }

  for (const [format, file] of [
    ['zip', 'mixed_zip.pth'],
    ['legacy', 'mixed_legacy.pth'],
  ] as const)
    it(`${format}: only TorchCheckpointError/PickleError, the same result in any buffer, bounded memory (4 s)`, async () => {
      const src = new Uint8Array(await readFile(`${TORCH_FIXTURES}${file}`));
      let runs = 0;
      let accepted = 0;
      await fc.assert(
        fc.property(mutation, (m) => {
          runs++;
          const bytes = apply(src, format === 'zip', m as Mutation);
          const exact = outcome(new Uint8Array(bytes), 0x00);
          expect(outcome(bytes, 0x00)).toBe(exact);
          expect(outcome(bytes, 0xff)).toBe(exact);
          if (!exact.startsWith('error:')) accepted++;
        }),
        { numRuns: 1_000_000, interruptAfterTimeLimit: 4_000, seed: 33 },
      );
      console.log(`torch fuzz (${format}): ${runs} mutated files, ${accepted} still loaded, max ${maxHeld} bytes held`);
      expect(runs).toBeGreaterThan(100);
      expect(accepted).toBeGreaterThan(0);
    }, 60_000);
});
