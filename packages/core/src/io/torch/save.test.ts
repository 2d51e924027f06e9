import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTorch, parseTorch } from './load.js';
import { saveTorch, serializeTorch } from './save.js';
import type { TorchTensor } from './tensor.js';
import { TORCH_FIXTURES } from '@tfai/test-utils';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfai-save-torch-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Offsets of each record's data in a zip (from the local headers), to check the 64-byte alignment. */
function dataOffsets(zip: Uint8Array): Map<string, number> {
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const out = new Map<string, number>();
  let o = 0;
  while (dv.getUint32(o, true) === 0x04034b50) {
    const size = dv.getUint32(o + 18, true);
    const fn = dv.getUint16(o + 26, true);
    const ex = dv.getUint16(o + 28, true);
    const name = new TextDecoder().decode(zip.subarray(o + 30, o + 30 + fn));
    out.set(name, o + 30 + fn + ex);
    o += 30 + fn + ex + size;
  }
  return out;
}

describe('saveTorch: zip-format checkpoints that read back identical', () => {
  it('tf tensors of every dtype tfjs has, host tensors of every torch dtype, nested plain values', async () => {
    const mixed = await loadTorch(`${TORCH_FIXTURES}mixed_zip.pth`);
    const src = mixed.stateDict('state_dict');
    const before = tf.memory().numTensors;
    const conv = tf.randomNormal([8, 3, 3, 3]);
    const sd = {
      'conv.weight': conv,
      'bn.num_batches_tracked': tf.scalar(17, 'int32'),
      lbl: tf.tensor1d([1, -2, 3], 'int32'),
      mask: tf.tensor1d([1, 0, 1], 'bool'),
      empty: tf.zeros([0, 5]),
    };
    const obj = {
      model: sd,
      opt: { lr: 0.001, betas: [0.9, 0.99], name: 'adam', none: null, big: 2n ** 70n, step: 1 << 20 },
      host: { ...src, bf16: mixed.value && (mixed.value as Record<string, TorchTensor>).bf16 },
    };
    const file = join(dir, 'round-trip.pth');
    await saveTorch(obj, file);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]); // atomic: no temporary left
    const back = await loadTorch(file);
    expect(back.format).toBe('zip');
    expect(back.version).toBe(3);
    const v = back.value as {
      model: Record<string, TorchTensor>;
      opt: Record<string, unknown>;
      host: Record<string, TorchTensor>;
    };
    expect(v.opt).toEqual({ lr: 0.001, betas: [0.9, 0.99], name: 'adam', none: null, big: 2n ** 70n, step: 1 << 20 });
    expect(Object.keys(back.stateDict('model'))).toEqual(Object.keys(sd));
    expect(v.model['bn.num_batches_tracked'].dtype).toBe('int64'); // as PyTorch's buffer
    expect(v.model.lbl.dtype).toBe('int32');
    expect(v.model.mask.dtype).toBe('bool');
    for (const [k, t] of Object.entries(sd)) {
      expect([...v.model[k].shape], k).toEqual(t.shape);
      expect(v.model[k].values(), k).toEqual(
        t.dtype === 'bool' ? Array.from(await t.data(), (x) => x !== 0) : Array.from(await t.data()),
      );
    }
    for (const [k, t] of Object.entries({ ...src, bf16: (mixed.value as Record<string, TorchTensor>).bf16 })) {
      expect(v.host[k].dtype, k).toBe(t.dtype);
      expect([...v.host[k].shape], k).toEqual([...t.shape]);
      expect(v.host[k].values(), k).toEqual(t.values()); // f16, bf16, f64, int64 (2^40), u8… bit for bit
    }
    tf.dispose(Object.values(sd));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('archive layout as torch.save: <stem>/data.pkl, data/N, version; storages 64-byte aligned', async () => {
    const w = tf.ones([3, 4]);
    const bytes = await serializeTorch({ w, b: tf.zeros([4]) }, { archiveName: 'model' });
    w.dispose();
    const offsets = dataOffsets(bytes);
    expect([...offsets.keys()]).toEqual([
      'model/data.pkl',
      'model/byteorder',
      'model/data/0',
      'model/data/1',
      'model/version',
    ]);
    for (const n of ['model/data/0', 'model/data/1']) expect(offsets.get(n)! % 64, n).toBe(0);
    const back = parseTorch(bytes, 'x.pth');
    expect(back.stateDict().w.values()).toEqual(new Array(12).fill(1));
    const file = join(dir, 'resnet-ish.pth');
    await saveTorch({ w: tf.tidy(() => tf.ones([2])) }, file);
    expect([...dataOffsets(new Uint8Array(await readFile(file))).keys()][0]).toBe('resnet-ish/data.pkl');
  });

  it('a resnet50-sized checkpoint (29 M float32 parameters, 112 MiB; ResNet-50 is 25.6 M) reads back identical; read speed', async () => {
    // 54 tensors of ResNet-50's typical sizes, written from tf tensors.
    const sizes = [
      9408,
      ...Array.from({ length: 52 }, (_, i) => [4096, 16384, 65536, 147456, 262144, 589824, 1048576, 2359296][i % 8]),
      2048000,
    ];
    const total = sizes.reduce((a, b) => a + b, 0);
    const sd: Record<string, tf.Tensor> = {};
    sizes.forEach((n, i) => (sd[`layer.${i}.weight`] = tf.randomUniform([n / 64, 64], -1, 1, 'float32', i)));
    const file = join(dir, 'resnet50-sized.pth');
    await saveTorch(sd, file);
    const mb = (await readFile(file)).length / 2 ** 20;
    const t0 = performance.now();
    const ckpt = await loadTorch(file);
    const s = (performance.now() - t0) / 1000;
    console.log(
      `loadTorch: ${mb.toFixed(1)} MiB (${(total / 1e6).toFixed(1)} M params) in ${(s * 1000).toFixed(0)} ms = ${(mb / s).toFixed(0)} MiB/s`,
    );
    const back = ckpt.stateDict();
    for (const [k, t] of Object.entries(sd)) {
      const a = await t.data();
      const b = back[k].data as Float32Array;
      expect(b.length, k).toBe(a.length);
      expect(
        b.every((x, i) => x === a[i]),
        k,
      ).toBe(true);
    }
    expect(s).toBeLessThan(5); // "well under a second" unloaded; generous for a shared CI machine
    tf.dispose(Object.values(sd));
  });
});
