import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { relErr } from '@tfai/test-utils';
import { type Input, compareWasmCpu, randomInput, runOn } from '../../test-utils/backends.js';

const wasmVsCpu = compareWasmCpu(relErr);

const ints = (shape: number[]): Input => ({
  values: Int32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i * 7 - 50),
  shape,
  dtype: 'int32',
});

describe('wasm Slice / Unpack / SplitV (reading the heap) match cpu exactly', () => {
  it("are tfai's kernels on wasm", async () => {
    await runOn('wasm', [], () => tf.zeros([1]));
    for (const name of [tf.Slice, tf.Unpack, tf.SplitV]) {
      const fn = tf.getKernel(name, 'wasm')?.kernelFunc as (tf.KernelFunc & Record<symbol, unknown>) | undefined;
      expect(fn?.[Symbol.for('tfai.kernel')], name).toBe(true);
    }
  });

  it.each([
    [[10], [3], [4]], // contiguous
    [
      [6, 5],
      [2, 0],
      [3, 5],
    ], // contiguous rows
    [
      [6, 5],
      [1, 2],
      [4, 2],
    ], // strided 2-D
    [
      [4, 5, 6],
      [1, 1, 2],
      [2, 3, 3],
    ], // strided 3-D
    [
      [3, 4, 5, 6],
      [1, 0, 2, 1],
      [2, 4, 2, 5],
    ],
    [
      [2, 3, 4, 2, 3],
      [1, 1, 0, 1, 0],
      [1, 2, 3, 1, 2],
    ], // rank 5 (stock: cpu fallback)
    [
      [4, 5],
      [1, 2],
      [-1, -1],
    ], // size -1: to the end
    [
      [4, 5],
      [1, 2],
      [0, 3],
    ], // empty
  ])('slice of %j at %j size %j', async (shape, begin, size) => {
    const errs = await wasmVsCpu([randomInput(shape, 1), ints(shape)], (x, k) => [
      tf.slice(x, begin, size),
      tf.slice(k, begin, size),
    ]);
    for (const e of errs) expect(e).toBe(0);
  });

  it('unstack along every axis, split in equal and given sizes, and their gradients', async () => {
    const errs = await wasmVsCpu([randomInput([4, 3, 5], 2), ints([4, 3, 5])], (x, k) => [
      ...tf.unstack(x, 0),
      ...tf.unstack(x, 1),
      ...tf.unstack(k, 2),
      ...tf.split(x, 4, 0),
      ...tf.split(x, [2, 1, 2], 2),
      ...tf.split(k, [1, 2], -2),
      tf.grad((y: tf.Tensor) =>
        tf.add(tf.sum(tf.mul(tf.unstack(y)[1], 2)), tf.sum(tf.square(tf.split(y, [1, 4], 2)[1]))),
      )(x),
    ]);
    expect(errs).toHaveLength(4 + 3 + 5 + 4 + 3 + 2 + 1);
    for (const e of errs) expect(e).toBe(0);
  });

  it('bool tensors, and a slice of a reshape (shared data) of a larger tensor', async () => {
    const [wasm] = await runOn('wasm', [randomInput([6, 4], 3)], (x) =>
      tf.cast(tf.slice(tf.greater(x, 0), [1, 1], [3, 2]), 'float32'),
    );
    const [cpu] = await runOn('cpu', [randomInput([6, 4], 3)], (x) =>
      tf.cast(tf.slice(tf.greater(x, 0), [1, 1], [3, 2]), 'float32'),
    );
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
    const errs = await wasmVsCpu([randomInput([2, 12], 4)], (x) => tf.slice(tf.reshape(x, [4, 6]), [1, 2], [2, 3]));
    expect(errs[0]).toBe(0);
  });
});
