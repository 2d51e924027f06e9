import { readFile, readdir } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { PickleError, StateDictMismatchError, TorchCheckpointError, UnsafePickleError } from '../../errors.js';
import { Linear } from '../../nn/layers/linear.js';
import { Module } from '../../nn/module.js';
import { loadPickle, loadTorch, parseTorch, TorchCheckpoint } from './load.js';
import { unpickle } from './pickle.js';
import { TorchTensor } from './tensor.js';
import { TORCH_FIXTURES } from '@tfai/test-utils';

interface Expected {
  dtype: string;
  shape: number[];
  values: unknown;
}
const mixed = JSON.parse(await readFile(`${TORCH_FIXTURES}mixed.json`, 'utf8')) as {
  state_dict: Record<string, Expected>;
  extras: Record<string, unknown>;
  bf16: Expected;
};
const flat = (v: unknown): unknown[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);

function expectTensor(t: unknown, e: Expected, name: string) {
  expect(t, name).toBeInstanceOf(TorchTensor);
  const tt = t as TorchTensor;
  expect(tt.dtype, name).toBe(e.dtype);
  expect([...tt.shape], name).toEqual(e.shape);
  expect(tt.values(), name).toEqual(flat(e.values));
}

describe('loadTorch: mixed.json, both formats (real torch.save, PyTorch 1.13)', () => {
  for (const [format, file] of [
    ['zip', 'mixed_zip.pth'],
    ['legacy', 'mixed_legacy.pth'],
  ] as const) {
    it(`${format}: every dtype, 0-d, empty, transposed view, two slices of one storage, plain values`, async () => {
      const ckpt = await loadTorch(`${TORCH_FIXTURES}${file}`);
      expect(ckpt.format).toBe(format);
      expect(ckpt.version).toBe(format === 'zip' ? 3 : undefined);
      const value = ckpt.value as Record<string, Record<string, unknown>>;
      const sd = ckpt.stateDict('state_dict');
      expect(Object.keys(sd)).toEqual(Object.keys(mixed.state_dict)); // order kept, as the OrderedDict
      for (const [k, e] of Object.entries(mixed.state_dict)) expectTensor(sd[k], e, `${file} ${k}`);
      expect(value.extras).toEqual(mixed.extras);
      expect(Object.isFrozen(value.extras.tuple)).toBe(true); // tuples are frozen arrays
      if (format === 'zip') expectTensor(value.bf16, mixed.bf16, 'bf16');
      else expect(value.bf16).toBeUndefined();
      // int64 stays exact on the host; toTensor refuses what int32 cannot hold, naming the key.
      expect((sd.i64.data as BigInt64Array)[2]).toBe(1099511627776n);
      expect(() => sd.i64.toTensor('i64')).toThrow(/i64.*1099511627776.*int32/);
      expect(ckpt.notes.join('; ')).toMatch(/float64 tensors become float32.*int64 tensors become int32/);
      // toTensor: floats → float32, integers → int32, bool → bool.
      const before = tf.memory().numTensors;
      const f64 = sd.f64.toTensor();
      const u8 = sd.u8.toTensor();
      const b = sd.bool.toTensor();
      const s = sd.scalar.toTensor();
      expect([f64.dtype, u8.dtype, b.dtype, s.rank]).toEqual(['float32', 'int32', 'bool', 0]);
      expect(Array.from(await u8.data())).toEqual([0, 255, 7]);
      expect((await s.data())[0]).toBe(3.5);
      tf.dispose([f64, u8, b, s]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('reads from bytes as from a path, and the state dict without a key needs every entry to be a tensor', async () => {
    const bytes = new Uint8Array(await readFile(`${TORCH_FIXTURES}mixed_zip.pth`));
    const ckpt = await loadTorch(bytes);
    expect(ckpt.file).toBe('<buffer>');
    expect(ckpt.stateDict('state_dict').f32.values()).toEqual(flat(mixed.state_dict.f32.values));
    expect(() => ckpt.stateDict()).toThrow(TorchCheckpointError);
    expect(() => ckpt.stateDict()).toThrow(/entry 'state_dict' is not a tensor.*stateDict\('state_dict'\)/);
    expect(() => ckpt.stateDict('nope')).toThrow(/no entry 'nope'/);
  });

  it('any archive folder name: the same checkpoint re-zipped under another folder reads the same', async () => {
    const files = unzipSync(new Uint8Array(await readFile(`${TORCH_FIXTURES}mixed_zip.pth`)));
    const renamed = Object.fromEntries(
      Object.entries(files).map(([k, v]) => [k.replace(/^mixed_zip\//, 'some.other-name/'), v]),
    );
    const ckpt = parseTorch(zipSync(renamed, { level: 0 }), 'renamed.pth');
    expectTensor(ckpt.stateDict('state_dict').transposed, mixed.state_dict.transposed, 'transposed');
  });
});

describe('loadTorch: hostile and broken files', () => {
  const evil = async (name: string) => loadTorch(`${TORCH_FIXTURES}${name}`);
  const listing = async () => (await readdir(TORCH_FIXTURES)).sort();

  it('evil_system.pth (posix.system) and evil_eval.pth (__builtin__.eval): UnsafePickleError at the GLOBAL, nothing runs', async () => {
    const before = await listing();
    const e1 = await evil('evil_system.pth').catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(UnsafePickleError);
    expect((e1 as UnsafePickleError).module).toBe('posix');
    expect((e1 as UnsafePickleError).global).toBe('system');
    expect((e1 as UnsafePickleError).position).toBe(13); // the GLOBAL opcode, before its REDUCE
    expect((e1 as Error).message).toMatch(
      /evil_system\.pth \(archive\/data\.pkl\): refusing to load global 'posix\.system'/,
    );
    const e2 = await evil('evil_eval.pth').catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(UnsafePickleError);
    expect((e2 as Error).message).toMatch(/'__builtin__\.eval'/);
    // The marker the payload would have created (`touch tfai-pwned-marker`) exists nowhere we look.
    expect(await listing()).toEqual(before);
    expect(before.some((f) => f.includes('pwned'))).toBe(false);
    expect((await readdir(process.cwd())).some((f) => f.includes('pwned'))).toBe(false);
  });

  it('evil_truncated.pth (half a data.pkl): PickleError naming the file and the record', async () => {
    const e = await evil('evil_truncated.pth').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PickleError);
    expect((e as Error).message).toMatch(/evil_truncated\.pth \(archive\/data\.pkl\): truncated pickle/);
  });

  it('evil_path.pth: refused with a typed error, nothing outside the archive is read', async () => {
    // The shared fixture's BINUNICODE length is 13 for the 12 bytes '../../passwd', so its pickle is malformed
    // (Python's pickle also stops there, at the unknown opcode 0x05): a PickleError before any storage is touched.
    const e = await evil('evil_path.pth').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PickleError);
    expect((e as Error).message).toMatch(/evil_path\.pth \(archive\/data\.pkl\): unknown opcode 0x05/);
    // The same file with the length fixed: the storage key '../../passwd' names nothing inside archive/data/.
    const files = unzipSync(new Uint8Array(await readFile(`${TORCH_FIXTURES}evil_path.pth`)));
    const pkl = files['archive/data.pkl'].slice();
    const dots = new TextEncoder().encode('../../');
    const at = pkl.findIndex((_, i) => dots.every((c, j) => pkl[i + j] === c));
    expect(new TextDecoder().decode(pkl.subarray(at, at + 12))).toBe('../../passwd');
    pkl[at - 4] = 12;
    files['archive/data.pkl'] = pkl;
    const e2 = (() => {
      try {
        parseTorch(zipSync(files, { level: 0 }), 'evil_path_fixed.pth');
      } catch (x) {
        return x;
      }
    })();
    expect(e2).toBeInstanceOf(TorchCheckpointError);
    expect((e2 as TorchCheckpointError).key).toBe('../../passwd');
    expect((e2 as Error).message).toMatch(
      /evil_path_fixed\.pth: storage key '\.\.\/\.\.\/passwd' names no record inside the archive's archive\/data\/ folder/,
    );
  });

  it('a truncated archive, a storage shorter than its tensor, a missing file: typed errors naming file and key', async () => {
    const bytes = new Uint8Array(await readFile(`${TORCH_FIXTURES}mixed_zip.pth`));
    expect(() => parseTorch(bytes.subarray(0, bytes.length - 100), 'cut.pth')).toThrow(TorchCheckpointError);
    expect(() => parseTorch(bytes.subarray(0, bytes.length - 100), 'cut.pth')).toThrow(
      /cut\.pth: truncated or corrupt zip archive/,
    );
    // Storage 0 (f32, 6 elements) cut to 5 elements.
    const files = unzipSync(bytes);
    files['mixed_zip/data/0'] = files['mixed_zip/data/0'].slice(0, 20);
    expect(() => parseTorch(zipSync(files, { level: 0 }), 'short.pth')).toThrow(
      /short\.pth: storage '0' has 20 bytes, 6 float32 elements need 24/,
    );
    const legacy = new Uint8Array(await readFile(`${TORCH_FIXTURES}mixed_legacy.pth`));
    expect(() => parseTorch(legacy.subarray(0, legacy.length - 3), 'cut_legacy.pth')).toThrow(
      /cut_legacy\.pth: truncated: storage '\d+' needs \d+ bytes/,
    );
    expect(() => parseTorch(legacy.subarray(0, 600), 'cut_legacy.pth')).toThrow(PickleError);
    await expect(loadTorch(`${TORCH_FIXTURES}missing.pth`)).rejects.toThrow(
      /missing\.pth: cannot read file \(ENOENT\)/,
    );
    expect(() => parseTorch(new TextEncoder().encode('{"not": "torch"}'), 'x.json')).toThrow(
      /neither a zip-format nor a legacy/,
    );
  });

  it('a tensor reaching past its storage is refused (storage element count forged)', async () => {
    // Rewrite storage 0's numel in the persistent id (BININT1 6 → 2): the f32 [2, 3] tensor needs 6 elements.
    const files = unzipSync(new Uint8Array(await readFile(`${TORCH_FIXTURES}mixed_zip.pth`)));
    const pkl = files['mixed_zip/data.pkl'].slice();
    const cpu = new TextEncoder().encode('cpu');
    const at = pkl.findIndex((_, i) => cpu.every((c, j) => pkl[i + j] === c));
    expect([pkl[at + 5], pkl[at + 6]]).toEqual([0x4b, 6]);
    pkl[at + 6] = 2;
    files['mixed_zip/data.pkl'] = pkl;
    expect(() => parseTorch(zipSync(files, { level: 0 }), 'forged.pth')).toThrow(
      /forged\.pth: tensor 'state_dict\.f32' of shape \[2,3\] \(offset 0, stride \[3,1\]\) needs 6 elements of storage '0', which holds 2/,
    );
  });
});

describe('loadTorch: resource bombs', () => {
  it('a stride-0 view that would expand a 6-element storage to 10^9 elements, and a deflate bomb, are refused', async () => {
    const files = unzipSync(new Uint8Array(await readFile(`${TORCH_FIXTURES}mixed_zip.pth`)));
    // f32's size (2, 3) → (2, 500000000) with stride (3, 0): BININT 500000000 in place of BININT1 3 is longer, so
    // rewrite size and stride tuples by hand: TUPLE2 of (K 2, J 500000000), TUPLE2 of (K 3, K 0).
    const pkl = files['mixed_zip/data.pkl'];
    const at = pkl.findIndex(
      (_, i) => pkl[i] === 0x4b && pkl[i + 1] === 2 && pkl[i + 2] === 0x4b && pkl[i + 3] === 3 && pkl[i + 4] === 0x86,
    );
    expect(at).toBeGreaterThan(0);
    const size = [0x4b, 2, 0x4a, ...new Uint8Array(new Int32Array([500_000_000]).buffer), 0x86];
    const out = new Uint8Array(pkl.length + 3);
    out.set(pkl.subarray(0, at));
    out.set(size, at);
    out.set(pkl.subarray(at + 5), at + size.length);
    // the stride tuple (K 3, K 1) that follows → (K 3, K 0)
    const st = out.findIndex(
      (_, i) => i > at && out[i] === 0x4b && out[i + 1] === 3 && out[i + 2] === 0x4b && out[i + 3] === 1,
    );
    out[st + 3] = 0;
    files['mixed_zip/data.pkl'] = out;
    expect(() => parseTorch(zipSync(files, { level: 0 }), 'bomb.pth')).toThrow(
      /bomb\.pth: tensor 'state_dict\.f32' of shape \[2,500000000\] \(stride \[3,0\]\) brings the tensors to 4000000000 bytes, more than the \d+ its storages justify: refusing to expand it \(raise maxTensorBytes/,
    );
    // A record that deflates 50 MB of zeros: past the total the archive's size allows, counted while inflating.
    const deflated = zipSync({ 'archive/data.pkl': [new Uint8Array(50 << 20), { level: 9 }] });
    expect(() => parseTorch(deflated, 'zipbomb.pth')).toThrow(
      /zipbomb\.pth: record 'archive\/data\.pkl' brings the inflated records to over \d+ bytes: refusing it \(raise maxInflatedBytes/,
    );
  });
});

describe('the pickle VM', () => {
  // Bytes of `pickle.dumps(obj, protocol)` from CPython 3.11.
  const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));

  it('protocol 4/5 plain data: frames, SHORT_BINUNICODE, MEMOIZE, LONG1, sets, nested containers, bytes', () => {
    // pickle.dumps({'a': [1, -2, 2**40, 2**70, 1.5], 'b': ('x', None, True), 'c': {3, 4}, 'd': b'hi', 'e': {1: 'one'}}, 5)
    const buf = hex(
      '80059560000000000000007d94288c0161945d94284b014afeffffff8a060000000000018a09000000000000000040473ff8000000000000658c0162948c0178944e8887948c0163948f94284b034b04908c01649443026869948c0165947d944b018c036f6e659473752e',
    );
    const { value, end } = unpickle(buf);
    expect(end).toBe(buf.length);
    expect(value).toEqual({
      a: [1, -2, 2 ** 40, 2n ** 70n, 1.5],
      b: ['x', null, true],
      c: new Set([3, 4]),
      d: new Uint8Array([0x68, 0x69]),
      e: { 1: 'one' },
    });
    // Protocol 2 writes bytes as _codecs.encode(str, 'latin1'): not on the allow-list.
    const p2 = hex(
      '80027d71002858010000006171015d7102284b014afeffffff8a060000000000018a09000000000000000040473ff800000000000065580100000062710358010000007871044e888771055801000000647106635f636f646563730a656e636f64650a710758020000006869710858060000006c6174696e31710986710a52710b580100000066710c8a090000000000000000c0752e',
    );
    expect(() => unpickle(p2)).toThrow(/'_codecs\.encode'/);
  });

  it("loadPickle: a pickled list of str (fastai's itos) and an OrderedDict", async () => {
    const itos = await loadPickle(
      hex('80049520000000000000005d94288c057878756e6b948c057878706164948c03746865948c02c3a994652e'),
    );
    expect(itos).toEqual(['xxunk', 'xxpad', 'the', 'é']);
    expect(
      await loadPickle(
        hex('800263636f6c6c656374696f6e730a4f726465726564446963740a71002952710158010000006171024b01732e'),
      ),
    ).toEqual({ a: 1 });
    await expect(loadPickle(hex('80049514000000000000008c05706f736978948c0673797374656d9493942e'))).rejects.toThrow(
      UnsafePickleError,
    );
  });

  it('refuses STACK_GLOBAL of an unlisted global, and persistent ids in a plain pickle', () => {
    // pickle.dumps(os.system, 4) → STACK_GLOBAL 'posix' 'system'
    const buf = hex('80049514000000000000008c05706f736978948c0673797374656d9493942e');
    expect(() => unpickle(buf, { file: 'p.pkl' })).toThrow(UnsafePickleError);
    expect(() => unpickle(buf, { file: 'p.pkl' })).toThrow(/p\.pkl: refusing to load global 'posix\.system'/);
    expect(() => unpickle(hex('80024b0151'), { file: 'q.pkl' })).toThrow(/persistent id in a pickle that allows none/);
    expect(() => unpickle(hex('8002'), { file: 'r.pkl' })).toThrow(/no STOP opcode/);
  });
});

describe('loadStateDict takes what loadTorch returns', () => {
  class Net extends Module {
    fc = this.registerModule('fc', new Linear(3, 2));
    forward(x: tf.Tensor) {
      return this.fc.call(x);
    }
  }

  it('host tensors and checkpoints, PyTorch layout [out, in], no tensor left behind', async () => {
    const weight = new TorchTensor('float32', [2, 3], Float32Array.from([1, 2, 3, 4, 5, 6]));
    const bias = new TorchTensor('float64', [2], Float64Array.from([0.5, -0.5]));
    const net = new Net();
    const before = tf.memory().numTensors;
    net.loadStateDict({ 'fc.weight': weight, 'fc.bias': bias });
    expect(tf.memory().numTensors).toBe(before);
    const y = tf.tidy(() => net.call(tf.tensor2d([[1, 0, 0]])));
    expect(Array.from(await y.data())).toEqual([1.5, 3.5]);
    y.dispose();
    // A fastai-style {model, opt} checkpoint is unwrapped as fastai's load_model does.
    const ckpt = new TorchCheckpoint('x.pth', 'zip', { model: { 'fc.weight': weight, 'fc.bias': bias }, opt: {} }, 3, [
      weight,
      bias,
    ]);
    net.loadStateDict(ckpt);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => net.loadStateDict({ 'fc.weight': bias, 'fc.bias': bias })).toThrow(StateDictMismatchError);
    net.dispose();
  });
});
