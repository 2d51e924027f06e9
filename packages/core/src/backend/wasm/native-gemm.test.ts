// The native matrix product's two paths — oneDNN's matmul primitive and its dnnl_sgemm (small products, #29) —
// each forced with TFAI_NATIVE_GEMM (the addon reads it per call), against the cpu backend to 1e-5 relative, on odd
// shapes: batch 1, m = 1, k = 1, n = 1, both transposes, broadcast batches, rank 4, bias with each activation; and
// the default (auto) path on a small and a large product. Each case checks which path ran (info's gemmCalls).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relErr } from '@tfai/test-utils';
import { setBackend } from '../backend.js';
import { compareWasmCpu, randomInput, runOn, withGrads } from '../../test-utils/backends.js';
import { describeNative } from '../../test-utils/native.js';
import { nativeCalls, nativeKernelStatus, setNativeKernels } from './native.js';
import { wasmThreadsWanted } from './setup.js';

const wasmVsCpu = compareWasmCpu(relErr);

type Path = 'primitive' | 'sgemm';

function gemmCalls(): { primitive: number; sgemm: number } {
  const c = nativeKernelStatus().gemmCalls;
  if (!c) throw new Error('no gemmCalls in nativeKernelStatus()');
  return c;
}

/** Runs `f` with TFAI_NATIVE_GEMM=`path` and returns its result and how many products each path ran meanwhile. */
async function onPath<T>(
  path: Path | 'auto',
  f: () => Promise<T>,
): Promise<{ out: T; primitive: number; sgemm: number; native: number }> {
  const before = gemmCalls();
  const nativeBefore = (nativeCalls.get(tf.BatchMatMul) ?? 0) + (nativeCalls.get(tf._FusedMatMul) ?? 0);
  process.env.TFAI_NATIVE_GEMM = path;
  try {
    const out = await f();
    const after = gemmCalls();
    const native = (nativeCalls.get(tf.BatchMatMul) ?? 0) + (nativeCalls.get(tf._FusedMatMul) ?? 0) - nativeBefore;
    return { out, primitive: after.primitive - before.primitive, sgemm: after.sgemm - before.sgemm, native };
  } finally {
    Reflect.deleteProperty(process.env, 'TFAI_NATIVE_GEMM');
  }
}

/** [a's shape, b's shape, transposeA, transposeB] */
const CASES: [number[], number[], boolean, boolean][] = [
  [[1, 7], [7, 1], false, false], // m = 1, n = 1
  [[5, 1], [1, 6], false, false], // k = 1
  [[1, 5], [1, 6], true, false], // k = 1 after transposing a
  [[9, 4], [3, 9], true, true], // both transposed
  [[6, 11], [5, 11], false, true], // Linear's dA shape (transposeB)
  [[13, 6], [13, 5], true, false], // Linear's dW shape (transposeA)
  [[1, 3, 7], [1, 7, 2], false, false], // batch 1
  [[3, 5, 7], [3, 6, 7], false, true],
  [[3, 7, 5], [3, 7, 6], true, false],
  [[2, 3, 5, 7], [2, 3, 7, 4], false, false], // rank 4, same batch
  [[33, 17], [17, 65], false, false], // past one vector register in every dimension
];

/** a's batch dims against b's: cpu's broadcast result shape (batch 1 against a batch). */
const BROADCAST: [number[], number[], boolean, boolean][] = [
  [[3, 5, 7], [1, 7, 6], false, false], // folded: one product of 15 rows
  [[3, 7, 5], [1, 7, 6], true, false], // b broadcast, a transposed (not folded)
  [[1, 5, 7], [3, 7, 6], false, false], // a broadcast
  [[1, 7, 5], [3, 6, 7], true, true], // a broadcast, both transposed
];

describeNative('native matrix products on each path (TFAI_NATIVE_GEMM) match the cpu backend', () => {
  let tensorsBefore = 0;
  beforeAll(async () => {
    await setBackend('wasm');
    expect(setNativeKernels(true)).toBe(true);
    tensorsBefore = tf.memory().numTensors;
  });
  afterAll(() => {
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    setNativeKernels(undefined);
  });

  describe.each(['primitive', 'sgemm'] as const)('%s', (path: Path) => {
    const other: Path = path === 'sgemm' ? 'primitive' : 'sgemm';

    it.each(CASES)('a %j · b %j, transposeA %s, transposeB %s, and its gradients', async (as, bs, ta, tb) => {
      const m = ta ? as[as.length - 1] : as[as.length - 2];
      const n = tb ? bs[bs.length - 2] : bs[bs.length - 1];
      const inputs = [randomInput(as, 21), randomInput(bs, 22), randomInput([...as.slice(0, -2), m, n], 23)];
      const r = await onPath(path, () =>
        wasmVsCpu(
          inputs,
          withGrads((a, b) => tf.matMul(a, b, ta, tb), 2),
        ),
      );
      expect(r.native).toBeGreaterThanOrEqual(3); // the product and both gradients
      expect(r[path]).toBe(r.native);
      expect(r[other]).toBe(0);
      expect(r.out).toHaveLength(3);
      for (const e of r.out) expect(e).toBeLessThan(1e-5);
    });

    it.each(BROADCAST)('broadcast batch: a %j · b %j, transposeA %s, transposeB %s', async (as, bs, ta, tb) => {
      const inputs = [randomInput(as, 24), randomInput(bs, 25)];
      const r = await onPath(path, () => wasmVsCpu(inputs, (a, b) => tf.matMul(a, b, ta, tb)));
      expect([r.native, r[path], r[other]]).toEqual([1, 1, 0]);
      expect(r.out[0]).toBeLessThan(1e-5);
    });

    it.each(['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu'] as const)(
      'fused with bias and %s',
      async (activation) => {
        const inputs = [randomInput([7, 11], 26), randomInput([11, 9], 27), randomInput([9], 28)];
        const r = await onPath(path, () =>
          wasmVsCpu(inputs, (a, b, bias) => tf.fused.matMul({ a, b, bias, activation, leakyreluAlpha: 0.3 })),
        );
        expect([r.native, r[path], r[other]]).toEqual([1, 1, 0]);
        expect(r.out[0]).toBeLessThan(1e-5);
      },
    );

    it('fused relu without bias, a batch of 2 against one weight (transposeB)', async () => {
      const inputs = [randomInput([2, 4, 6], 29), randomInput([5, 6], 30)];
      const r = await onPath(path, () =>
        wasmVsCpu(inputs, (a, b) =>
          tf.fused.matMul({ a, b: tf.reshape(b, [1, 5, 6]), transposeB: true, activation: 'relu' }),
        ),
      );
      expect([r.native, r[path], r[other]]).toEqual([1, 1, 0]);
      expect(r.out[0]).toBeLessThan(1e-5);
    });
  });

  it('sgemm reaches the heap of threaded wasm (a SharedArrayBuffer), with its gradients', async () => {
    await setBackend('wasm', { threads: 2 });
    try {
      const inputs = [randomInput([9, 33], 33), randomInput([17, 33], 34), randomInput([9, 17], 35)];
      const r = await onPath('sgemm', () =>
        wasmVsCpu(
          inputs,
          withGrads((a, b) => tf.matMul(a, b, false, true), 2),
        ),
      );
      expect(r.native).toBeGreaterThanOrEqual(3);
      expect([r.sgemm, r.primitive]).toEqual([r.native, 0]);
      for (const e of r.out) expect(e).toBeLessThan(1e-5);
      await runOn('wasm', [], () => tf.scalar(0));
    } finally {
      await setBackend('wasm', { threads: wasmThreadsWanted() });
    }
  });

  it('auto (the default) runs a small product through sgemm, and still matches cpu', async () => {
    const inputs = [randomInput([16, 64], 31), randomInput([64, 256], 32)];
    const r = await onPath('auto', () => wasmVsCpu(inputs, (a, b) => tf.matMul(a, b)));
    expect([r.native, r.sgemm, r.primitive]).toEqual([1, 1, 0]);
    expect(r.out[0]).toBeLessThan(1e-5);
  });
});
