// The native (oneDNN) kernels on the wasm heap against the cpu backend, on odd shapes: each case runs with
// native kernels on and checks that oneDNN actually ran it (nativeCalls) and matched cpu to 1e-5 relative.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relErr } from '@tfai/test-utils';
import { setBackend } from '../backend.js';
import { compareWasmCpu, randomInput, runOn, withGrads } from '../../test-utils/backends.js';
import { type ConvCase, convCaseName, explicitPad, convOf, convSetup } from '../../test-utils/conv-cases.js';
import { describeNative } from '../../test-utils/native.js';
import { describeNativeKernels, nativeCalls, nativeKernelStatus, setNativeKernels } from './native.js';
import { wasmThreadsWanted } from './setup.js';

const wasmVsCpu = compareWasmCpu(relErr);

/** Runs `f` and returns how many times oneDNN ran each of `names` meanwhile. */
async function counting<T>(names: string[], f: () => Promise<T>): Promise<{ out: T; calls: number[] }> {
  const before = names.map((n) => nativeCalls.get(n) ?? 0);
  const out = await f();
  return { out, calls: names.map((n, i) => (nativeCalls.get(n) ?? 0) - before[i]) };
}

const convCases: ConvCase[] = [
  { x: [1, 7, 7, 3], k: [1, 1], co: 4, s: 1, pad: 'valid' }, // batch 1, 3 channels, 1×1
  { x: [2, 8, 6, 5], k: [1, 1], co: 4, s: 2, pad: 'valid' }, // ResNet shortcut
  { x: [3, 7, 9, 4], k: [1, 1], co: 6, s: 2, pad: 'same' },
  { x: [2, 8, 8, 4], k: [3, 3], co: 5, s: 1, pad: 'same' },
  { x: [2, 9, 7, 4], k: [3, 3], co: 5, s: 1, pad: 'valid' },
  { x: [3, 9, 11, 3], k: [3, 3], co: 4, s: 2, pad: 'same' },
  { x: [2, 10, 9, 3], k: [3, 3], co: 4, s: 2, pad: 'valid' }, // last row/column unused
  { x: [2, 8, 8, 3], k: [3, 3], co: 4, s: 2, pad: 1 }, // PyTorch padding=1
  { x: [2, 9, 8, 3], k: [3, 3], co: 4, s: 1, pad: explicitPad([2, 0], [0, 1]) },
  { x: [1, 16, 12, 3], k: [7, 7], co: 8, s: 2, pad: 'same' }, // ResNet stem, batch 1
  { x: [2, 15, 16, 3], k: [7, 7], co: 8, s: 2, pad: explicitPad([3, 3], [3, 3]) },
  { x: [2, 9, 10, 3], k: [3, 5], co: 4, s: [2, 1], pad: 'same' }, // non-square
  { x: [1, 12, 12, 2], k: [3, 3], co: 2, s: 3, pad: 'valid' },
  { x: [2, 8, 9, 3], k: [2, 2], co: 4, s: 2, pad: 'valid' }, // even kernel
  { x: [1, 5, 6, 2], k: [2, 3], co: 3, s: 2, pad: explicitPad([3, 0], [1, 4]) }, // padding beyond the kernel
];

const CONV = [tf.Conv2D, tf.Conv2DBackpropInput, tf.Conv2DBackpropFilter];

describeNative('native (oneDNN) kernels match the cpu backend', () => {
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

  it('reports oneDNN, its ISA and threads', () => {
    const s = nativeKernelStatus();
    expect(s).toMatchObject({ available: true, enabled: true });
    expect(s.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(s.isa).toMatch(/^(sse41|avx|avx2|avx2_vnni|avx512\w*|all)$/);
    expect(s.threads).toBeGreaterThanOrEqual(1);
    expect(describeNativeKernels()).toBe(`oneDNN ${s.version} (${s.isa}, ${s.threads} threads)`);
  });

  it.each(convCases.map((c) => [convCaseName(c), c] as const))('conv2d and its gradients: %s', async (name, c) => {
    const { out: errs, calls } = await counting(CONV, () => wasmVsCpu(convSetup(c, 1).inputs, withGrads(convOf(c), 2)));
    expect(calls, name).toEqual([2, 1, 1]); // the forward runs twice: output, and inside the loss
    expect(errs).toHaveLength(3);
    for (const e of errs) expect(e, name).toBeLessThan(1e-5);
  });

  it.each([
    [[1, 11, 13, 3], [3, 3, 3, 5], 1, 'same', 2],
    [[2, 12, 10, 4], [3, 2, 4, 3], 1, 'valid', [2, 3]],
    [[1, 9, 9, 3], [3, 3, 3, 2], 1, explicitPad([1, 2], [0, 3]), 3],
  ] as const)('conv2d with dilation: x %j, w %j, stride %j, pad %j, dilation %j', async (xs, ws, s, pad, d) => {
    const inputs = [randomInput([...xs], 3), randomInput([...ws], 4)];
    const { out: errs, calls } = await counting([tf.Conv2D], () =>
      wasmVsCpu(inputs, (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad as 'same', 'NHWC', d as number)),
    );
    expect(calls).toEqual([1]);
    expect(errs[0]).toBeLessThan(1e-5);
  });

  it.each(['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu'] as const)(
    'fused conv2d with bias and %s',
    async (activation) => {
      const inputs = [randomInput([2, 9, 7, 3], 5), randomInput([3, 3, 3, 6], 6), randomInput([6], 7)];
      const { out: errs, calls } = await counting([tf.FusedConv2D], () =>
        wasmVsCpu(inputs, (x, w, bias) =>
          tf.fused.conv2d({
            x: x as tf.Tensor4D,
            filter: w as tf.Tensor4D,
            strides: 2,
            pad: 'same',
            bias,
            activation,
            leakyreluAlpha: 0.3,
          }),
        ),
      );
      expect(calls).toEqual([1]);
      expect(errs[0]).toBeLessThan(1e-5);
    },
  );

  it.each([
    [[1, 5, 7], [1, 7, 3], false, false],
    [[3, 7, 5], [3, 6, 7], true, true],
    [[2, 5, 7], [2, 7, 6], false, false],
    [[4, 9, 1], [4, 9, 3], true, false], // k = 1 after transposing
    [[1, 513, 73], [1, 200, 73], false, true],
    [[2, 3, 5, 7], [2, 3, 7, 4], false, false], // rank 4, same batch
  ] as const)('matMul a %j · b %j, transposeA %s, transposeB %s, and its gradients', async (as, bs, ta, tb) => {
    const inputs = [randomInput([...as], 8), randomInput([...bs], 9)];
    const m = ta ? as[as.length - 1] : as[as.length - 2];
    const n = tb ? bs[bs.length - 2] : bs[bs.length - 1];
    const batch = as.length > bs.length ? as.slice(0, -2) : bs.slice(0, -2);
    const batchShape = as[0] === 1 && bs[0] > 1 ? bs.slice(0, -2) : batch;
    inputs.push(randomInput([...batchShape, m, n], 10));
    const { out: errs, calls } = await counting([tf.BatchMatMul], () =>
      wasmVsCpu(
        inputs,
        withGrads((a, b) => tf.matMul(a, b, ta, tb), 2),
      ),
    );
    expect(calls[0]).toBeGreaterThanOrEqual(3);
    expect(errs).toHaveLength(3);
    for (const e of errs) expect(e).toBeLessThan(1e-5);
  });

  it.each([
    [[3, 5, 7], [1, 7, 6], false], // a batch of rows against one right operand: one product of 15 rows
    [[3, 7, 5], [1, 7, 6], true],
    [[1, 5, 7], [3, 7, 6], false], // the left operand broadcast
  ] as const)('matMul with a broadcast batch: a %j · b %j, transposeA %s', async (as, bs, ta) => {
    const inputs = [randomInput([...as], 17), randomInput([...bs], 18)];
    const { out: errs, calls } = await counting([tf.BatchMatMul], () =>
      wasmVsCpu(inputs, (a, b) => tf.matMul(a, b, ta, false)),
    );
    expect(calls).toEqual([1]);
    expect(errs[0]).toBeLessThan(1e-5);
  });

  it.each(['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu'] as const)(
    'fused matMul with bias and %s (transposeB)',
    async (activation) => {
      const inputs = [randomInput([6, 11], 11), randomInput([5, 11], 12), randomInput([5], 13)];
      const { out: errs, calls } = await counting([tf._FusedMatMul], () =>
        wasmVsCpu(inputs, (a, b, bias) =>
          tf.fused.matMul({ a, b, bias, transposeB: true, activation, leakyreluAlpha: 0.3 }),
        ),
      );
      expect(calls).toEqual([1]);
      expect(errs[0]).toBeLessThan(1e-5);
    },
  );

  it('declines what it does not take (prelu, int32), leaving it to the wasm kernels', async () => {
    const inputs = [randomInput([4, 6], 14), randomInput([6, 3], 15), randomInput([3], 16)];
    const { out: errs, calls } = await counting([tf._FusedMatMul], () =>
      wasmVsCpu(inputs, (a, b, w) => tf.fused.matMul({ a, b, activation: 'prelu', preluActivationWeights: w })),
    );
    expect(calls).toEqual([0]);
    expect(errs[0]).toBeLessThan(1e-5);
  });

  it('turned off, the same registered kernels run wasm (no oneDNN call)', async () => {
    setNativeKernels(false);
    try {
      expect(nativeKernelStatus()).toMatchObject({ available: true, enabled: false });
      expect(describeNativeKernels()).toMatch(/^off: turned off/);
      const c = convCases[3];
      const { out: errs, calls } = await counting(CONV, () =>
        wasmVsCpu(convSetup(c, 1).inputs, withGrads(convOf(c), 2)),
      );
      expect(calls).toEqual([0, 0, 0]);
      for (const e of errs) expect(e).toBeLessThan(1e-5);
    } finally {
      setNativeKernels(true);
    }
  });

  it('reaches the heap of threaded wasm (a SharedArrayBuffer)', async () => {
    await setBackend('wasm', { threads: 2 });
    try {
      const c = convCases[5];
      const { out: errs, calls } = await counting(CONV, () =>
        wasmVsCpu(convSetup(c, 1).inputs, withGrads(convOf(c), 2)),
      );
      expect(calls).toEqual([2, 1, 1]);
      for (const e of errs) expect(e).toBeLessThan(1e-5);
      await runOn('wasm', [], () => tf.scalar(0));
    } finally {
      await setBackend('wasm', { threads: wasmThreadsWanted() });
    }
  });
});

describe('native kernel switch', () => {
  it('TFAI_NATIVE is read per call; setNativeKernels(undefined) goes back to it', () => {
    const available = nativeKernelStatus().available;
    expect(setNativeKernels(false)).toBe(false);
    expect(nativeKernelStatus().enabled).toBe(false);
    expect(setNativeKernels(undefined)).toBe(available && process.env.TFAI_NATIVE !== '0');
  });
});
