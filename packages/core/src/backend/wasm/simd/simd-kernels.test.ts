// The SIMD loops against a float32 reference written in JS (Math.fround after every operation, in the loops' order):
// the results must be bit-identical, in the four-lane part and in the scalar tail, on a plain and on a shared memory
// (the threaded wasm build's), in place or not, leaving every other byte of the memory as it was.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../backend.js';
import { setFused } from '../../fused.js';
import { WASM, f32, wasmMemoryOf, type WasmApi } from '../../memory.js';
import { simdKernels, simdModuleBytes, type SimdKernels } from './simd-kernels.js';
import { FunctionBuilder, I32, moduleBytes, sleb, uleb } from './wasm-asm.js';

const f = Math.fround;
const WebAssembly = WASM as WasmApi;

describe('wasm-asm', () => {
  it('encodes LEB128 as the specification', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(-4)).toEqual([0x7c]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(() => uleb(-1)).toThrow(RangeError);
    expect(() => sleb(2 ** 31)).toThrow(RangeError);
  });

  it('makes a module that validates and runs', () => {
    const fn = new FunctionBuilder(['i32', 'i32'], ['i32']);
    fn.get(0).get(1).op(I32.add);
    const bytes = moduleBytes({ memory: { shared: false }, functions: [{ name: 'add', fn }] });
    expect(WebAssembly.validate(bytes)).toBe(true);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    expect(((exports as { add: unknown }).add as (a: number, b: number) => number)(40, 2)).toBe(42);
    for (const shared of [false, true]) expect(WebAssembly.validate(simdModuleBytes(shared))).toBe(true);
  });
});

// The references: the loops' operations, rounded to float32 after each.
const refSgd = (w: number, g: number, wdMul: number, lr: number, l2?: number) => {
  const gi = l2 === undefined ? g : f(g + f(l2 * w));
  return f(f(w * wdMul) - f(gi * lr));
};
const refSgdMom = (w: number, g: number, a0: number, wdMul: number, lr: number, mom: number, l2?: number) => {
  const gi = l2 === undefined ? g : f(g + f(l2 * w));
  const a = f(f(a0 * mom) + gi);
  return { a, w: f(f(w * wdMul) - f(a * lr)) };
};
const refAdam = (w: number, g: number, a0: number, s0: number, h: number[], l2?: number) => {
  const [wdMul, mom, mom1, sqrMom, sqrMom1, invDebias2, eps, stepSize] = h;
  const gi = l2 === undefined ? g : f(g + f(l2 * w));
  const a = f(f(a0 * mom) + f(gi * mom1));
  const s = f(f(s0 * sqrMom) + f(f(gi * gi) * sqrMom1));
  const upd = f(f(a / f(f(Math.sqrt(f(s * invDebias2))) + eps)) * stepSize);
  return { a, s, w: f(f(w * wdMul) - upd) };
};

const SIZES = [0, 1, 3, 4, 5, 8, 17, 1001];

function instantiate(shared: boolean) {
  const memory = new WebAssembly.Memory(shared ? { initial: 2, maximum: 16, shared: true } : { initial: 2 });
  const k = new WebAssembly.Instance(new WebAssembly.Module(simdModuleBytes(shared)), { env: { memory } })
    .exports as SimdKernels;
  return { memory, k };
}

describe.each([false, true])('SIMD loops, shared memory %s', (shared) => {
  const { memory, k } = instantiate(shared);
  const heap = new Float32Array(memory.buffer);
  // Arrays at odd float offsets (not 16-byte aligned), each followed by sentinels.
  const GAP = 7;
  const layout = (n: number, count: number) => Array.from({ length: count }, (_, i) => 3 + i * (n + GAP));
  const fill = (offsets: number[], n: number, seed: number) => {
    heap.fill(-777);
    let x = seed;
    const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    for (const o of offsets) for (let i = 0; i < n; i++) heap[o + i] = rnd();
  };
  /** Runs `call`, then checks that only the `n` floats at each of `outputs` changed. */
  const only = (outputs: number[], n: number, call: () => void) => {
    const before = heap.slice(0, 4096);
    call();
    const changed: number[] = [];
    for (let i = 0; i < before.length; i++)
      if (!outputs.some((o) => i >= o && i < o + n) && !Object.is(heap[i], before[i])) changed.push(i);
    expect(changed).toEqual([]);
  };

  it.each(SIZES)('sgd and sgdL2 over %i elements equal the float32 reference exactly', (n) => {
    for (const l2 of [undefined, 0.05]) {
      const [wi, wo, g] = layout(n, 3);
      fill([wi, g], n, 1 + n);
      const w0 = heap.slice(wi, wi + n);
      const g0 = heap.slice(g, g + n);
      only([wo], n, () =>
        l2 === undefined
          ? k.sgd(n, wi * 4, wo * 4, g * 4, 0.999, 0.01)
          : k.sgdL2(n, wi * 4, wo * 4, g * 4, 0.999, 0.01, l2),
      );
      for (let i = 0; i < n; i++) expect(heap[wo + i]).toBe(refSgd(w0[i], g0[i], f(0.999), f(0.01), l2 && f(l2)));
      for (let i = 0; i < n; i++) expect(heap[wi + i]).toBe(w0[i]);
    }
  });

  it.each(SIZES)('sgdMom (in place) over %i elements equals the reference exactly', (n) => {
    for (const l2 of [undefined, 0.05]) {
      const [wi, wo, g, a] = layout(n, 4);
      fill([wi, g, a], n, 2 + n);
      const [w0, g0, a0] = [wi, g, a].map((o) => heap.slice(o, o + n));
      only([wo, a], n, () =>
        l2 === undefined
          ? k.sgdMom(n, wi * 4, wo * 4, g * 4, a * 4, a * 4, 1, 0.1, 0.9)
          : k.sgdMomL2(n, wi * 4, wo * 4, g * 4, a * 4, a * 4, 1, 0.1, 0.9, l2),
      );
      for (let i = 0; i < n; i++) {
        const r = refSgdMom(w0[i], g0[i], a0[i], 1, f(0.1), f(0.9), l2 && f(l2));
        expect(heap[wo + i]).toBe(r.w);
        expect(heap[a + i]).toBe(r.a);
      }
    }
  });

  it.each(SIZES)('adam and adamL2 over %i elements equal the reference exactly, in place and not', (n) => {
    const h = [0.9999, 0.9, 0.1, 0.99, 0.01, 1 / 0.0199, 1e-5, 1e-3 / 0.19].map(f);
    for (const [l2, inPlace] of [
      [undefined, true],
      [0.01, false],
    ] as const) {
      const [wi, wo, g, ai, si, ao, so] = layout(n, 7);
      fill([wi, g, ai, si], n, 3 + n);
      // sqr_avg is non-negative.
      for (let i = 0; i < n; i++) heap[si + i] = Math.abs(heap[si + i]);
      const [w0, g0, a0, s0] = [wi, g, ai, si].map((o) => heap.slice(o, o + n));
      const [aOut, sOut] = inPlace ? [ai, si] : [ao, so];
      const ptrs = [wi, wo, g, ai, aOut, si, sOut].map((o) => o * 4) as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      const [wdMul, ...rest] = h;
      const hyper = rest as [number, number, number, number, number, number, number];
      only([wo, aOut, sOut], n, () =>
        l2 === undefined ? k.adam(n, ...ptrs, wdMul, ...hyper) : k.adamL2(n, ...ptrs, wdMul, ...hyper, l2),
      );
      for (let i = 0; i < n; i++) {
        const r = refAdam(w0[i], g0[i], a0[i], s0[i], h, l2 && f(l2));
        expect(heap[wo + i]).toBe(r.w);
        expect(heap[aOut + i]).toBe(r.a);
        expect(heap[sOut + i]).toBe(r.s);
      }
    }
  });
});

describe.each([false, true])('BatchNorm passes, shared memory %s', (shared) => {
  const { memory, k } = instantiate(shared);
  const buf = memory.buffer;
  // Float32 data at an odd float offset; float64 vectors at 8-byte offsets.
  const rand = (n: number, seed: number) => {
    let x = seed;
    return Float32Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 4 - 1.5);
  };
  it.each([
    [0, 5],
    [1, 1],
    [5, 1],
    [3, 2],
    [7, 3],
    [6, 4],
    [9, 5],
    [33, 7],
    [64, 64],
  ])(
    '%i rows × %i channels: the float64 sums bit-identical to the JS loops, the passes to float32 references',
    (rows, cols) => {
      const f32 = new Float32Array(buf);
      const f64 = new Float64Array(buf);
      f32.fill(0);
      const X = 1; // float index
      const DY = X + rows * cols + 3;
      const OUT = DY + rows * cols + 5;
      const VEC = OUT + rows * cols + 1; // float32 per-channel vectors
      const W64 = Math.ceil((VEC + 8 * cols + 2) / 2); // float64 index
      const x = rand(rows * cols, rows * 31 + cols);
      const dy = rand(rows * cols, rows * 17 + cols + 1);
      f32.set(x, X);
      f32.set(dy, DY);
      const shift = Float64Array.from({ length: cols }, (_, j) => (rows > 0 ? x[j] : 0));
      f64.set(shift, W64);
      k.bnStats(rows, cols, X * 4, W64 * 8, (W64 + cols) * 8, (W64 + 2 * cols) * 8);
      const s1 = new Float64Array(cols);
      const s2 = new Float64Array(cols);
      for (let r = 0; r < rows; r++)
        for (let j = 0; j < cols; j++) {
          const d = x[r * cols + j] - shift[j];
          s1[j] += d;
          s2[j] += d * d;
        }
      expect(Array.from(f64.subarray(W64 + cols, W64 + 2 * cols))).toEqual(Array.from(s1));
      expect(Array.from(f64.subarray(W64 + 2 * cols, W64 + 3 * cols))).toEqual(Array.from(s2));
      // The backward's sums (mean: the float32 stats value, as a float64).
      const mean = Float64Array.from(rand(cols, 5));
      f64.set(mean, W64);
      f64.fill(0, W64 + cols, W64 + 3 * cols);
      k.bnGradStats(rows, cols, DY * 4, X * 4, W64 * 8, (W64 + cols) * 8, (W64 + 2 * cols) * 8);
      const sdy = new Float64Array(cols);
      const sdyx = new Float64Array(cols);
      for (let r = 0; r < rows; r++)
        for (let j = 0; j < cols; j++) {
          const g = dy[r * cols + j];
          sdy[j] += g;
          sdyx[j] += g * (x[r * cols + j] - mean[j]);
        }
      expect(Array.from(f64.subarray(W64 + cols, W64 + 2 * cols))).toEqual(Array.from(sdy));
      expect(Array.from(f64.subarray(W64 + 2 * cols, W64 + 3 * cols))).toEqual(Array.from(sdyx));
      // out = (x − s)·a + c, then dx = k1·dy + k2·(x − m) + k3, against float32 references.
      const [s, a, c, k1, k2, m, k3] = [0, 1, 2, 3, 4, 5, 6].map((q) => rand(cols, 40 + q));
      [s, a, c].forEach((v, q) => f32.set(v, VEC + q * cols));
      k.bnAffine(rows, cols, X * 4, OUT * 4, VEC * 4, (VEC + cols) * 4, (VEC + 2 * cols) * 4);
      for (let r = 0; r < rows; r++)
        for (let j = 0; j < cols; j++) {
          const e = f(f(f(x[r * cols + j] - s[j]) * a[j]) + c[j]);
          expect(f32[OUT + r * cols + j]).toBe(e);
        }
      [k1, k2, m, k3].forEach((v, q) => f32.set(v, VEC + q * cols));
      k.bnAffineGrad(
        rows,
        cols,
        DY * 4,
        X * 4,
        OUT * 4,
        VEC * 4,
        (VEC + cols) * 4,
        (VEC + 2 * cols) * 4,
        (VEC + 3 * cols) * 4,
      );
      for (let r = 0; r < rows; r++)
        for (let j = 0; j < cols; j++) {
          const i = r * cols + j;
          const e = f(f(f(k1[j] * dy[i]) + f(k2[j] * f(x[i] - m[j]))) + k3[j]);
          expect(f32[OUT + i]).toBe(e);
        }
      // Nothing written past the output.
      expect(f32[OUT + rows * cols]).toBe(0);
      expect(f32[X + rows * cols]).toBe(0);
    },
  );
});

describe('simdKernels() on the tfjs backends', () => {
  afterAll(() => tf.setBackend('wasm'));
  it('runs on the wasm backend’s own heap, and is off on cpu and with TFAI_FUSED=-simd', async () => {
    await setBackend('wasm');
    const k = simdKernels();
    expect(k).toBeDefined();
    expect(wasmMemoryOf(tf.backend())).toBeDefined();
    // One real tensor updated in place through its heap offset.
    const w = tf.tensor1d([1, 2, 3, 4, 5]);
    const g = tf.tensor1d([10, 20, 30, 40, 50]);
    const out = tf.zeros([5]);
    const offset = (t: tf.Tensor) => f32(tf.backend(), 'wasm', t).byteOffset;
    k?.sgd(5, offset(w), offset(out), offset(g), 1, 0.1);
    expect(Array.from(await out.data())).toEqual([1, 2, 3, 4, 5].map((v, i) => refSgd(v, (i + 1) * 10, 1, f(0.1))));
    tf.dispose([w, g, out]);
    const restore = setFused('simd', false);
    expect(simdKernels()).toBeUndefined();
    restore();
    await tf.setBackend('cpu');
    expect(simdKernels()).toBeUndefined();
  });
});
