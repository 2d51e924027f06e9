import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { tileAsBroadcast } from './tile.js';
import { relErr } from '@tfai/test-utils';
import { type Input, compareWasmCpu, randomInput } from '../../test-utils/backends.js';

const wasmVsCpu = compareWasmCpu(relErr);

const ids = (values: number[], shape = [values.length]): Input => ({
  values: Int32Array.from(values),
  shape,
  dtype: 'int32',
});

describe('wasm matMul with transposed or batched operands matches cpu', () => {
  it.each([
    [[7, 5], [5, 6], false, false],
    [[5, 7], [5, 6], true, false],
    [[7, 5], [6, 5], false, true],
    [[5, 7], [6, 5], true, true],
    [[3, 7, 5], [5, 6], false, false], // batch folded into rows
    [[2, 3, 5, 7], [1, 6, 5], true, true],
    [[3, 7, 5], [3, 5, 6], false, false], // genuinely batched: stock kernel
    [[3, 5, 7], [3, 6, 5], true, true],
  ] as const)('%j · %j, transposeA %s, transposeB %s', async (a, b, ta, tb) => {
    const errs = await wasmVsCpu([randomInput([...a], 1), randomInput([...b], 2)], (x, y) => tf.matMul(x, y, ta, tb));
    expect(errs[0]).toBeLessThan(1e-5);
  });

  it('fused matMul with bias and relu, transposed and batched', async () => {
    const inputs = [randomInput([4, 5, 7], 1), randomInput([6, 5], 2), randomInput([6], 3)];
    const errs = await wasmVsCpu(inputs, (a, b, bias) => [
      tf.fused.matMul({ a, b, bias, transposeA: true, transposeB: true, activation: 'relu' }),
      tf.fused.matMul({ a: tf.transpose(a, [0, 2, 1]), b, bias, transposeB: true, activation: 'linear' }),
    ]);
    for (const e of errs) expect(e).toBeLessThan(1e-5);
  });

  it('dense layer gradients (xᵀ·dy, dy·Wᵀ)', async () => {
    const inputs = [randomInput([32, 20], 1), randomInput([20, 10], 2), randomInput([32, 10], 3)];
    const errs = await wasmVsCpu(inputs, (x, w, r) =>
      tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, w), r)))([x, w]),
    );
    for (const e of errs) expect(e).toBeLessThan(1e-5);
  });
});

describe('wasm UnsortedSegmentSum matches cpu', () => {
  it('sums rows with repeated ids, leaving unused segments zero', async () => {
    const errs = await wasmVsCpu([randomInput([8, 3], 1), ids([0, 2, 2, 5, 0, 2, 1, 5])], (x, s) =>
      tf.unsortedSegmentSum(x, s as tf.Tensor1D, 7),
    );
    expect(errs[0]).toBeLessThan(1e-6);
  });

  it('1-D data, and data of rank 3', async () => {
    const errs = await wasmVsCpu(
      [randomInput([6], 1), randomInput([6, 2, 4], 2), ids([3, 3, 1, 0, 3, 1])],
      (x1, x3, s) => [tf.unsortedSegmentSum(x1, s as tf.Tensor1D, 4), tf.unsortedSegmentSum(x3, s as tf.Tensor1D, 5)],
    );
    for (const e of errs) expect(e).toBeLessThan(1e-6);
  });

  it('drops ids outside [0, numSegments)', async () => {
    const [out] = await wasmVsCpu([randomInput([5, 2], 1), ids([1, -1, 0, 3, 1])], (x, s) =>
      tf.unsortedSegmentSum(x, s as tf.Tensor1D, 3),
    );
    // cpu keeps only ids in range as well (it compares each id with each segment).
    expect(out).toBeLessThan(1e-6);
  });

  it('gradient of gather on a 2-D table (an embedding), with repeated and 2-D indices', async () => {
    const inputs = [randomInput([10, 4], 1), ids([3, 1, 3, 9, 0, 3], [2, 3]), randomInput([2, 3, 4], 2)];
    const errs = await wasmVsCpu(inputs, (table, idx, r) => [
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, idx), r)))(table),
      tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, tf.tensor1d([1, 1, 3], 'int32'), 1)))(table),
    ]);
    for (const e of errs) expect(e).toBeLessThan(1e-6);
  });
});

describe('wasm Tile as a broadcast', () => {
  it('merges axes', () => {
    expect(tileAsBroadcast([1, 1, 1, 64], [16, 32, 32, 1])).toEqual([
      [16 * 32 * 32, 64],
      [1, 64],
    ]);
    expect(tileAsBroadcast([2, 3], [4, 1])).toEqual([
      [4, 6],
      [1, 6],
    ]);
    expect(tileAsBroadcast([2, 3], [1, 5])).toEqual([
      [2, 5, 3],
      [2, 1, 3],
    ]);
  });

  it.each([
    [
      [1, 1, 1, 6],
      [2, 3, 4, 1],
    ],
    [
      [2, 3],
      [3, 2],
    ],
    [[4], [3]],
    [
      [2, 1, 3],
      [1, 4, 2],
    ],
    [
      [2, 3, 2, 3],
      [2, 2, 2, 2],
    ], // too many axes: stock kernel
  ] as const)('tile %j by %j matches cpu', async (shape, reps) => {
    const errs = await wasmVsCpu([randomInput([...shape], 1)], (x) => tf.tile(x, [...reps]));
    expect(errs[0]).toBe(0);
  });
});
