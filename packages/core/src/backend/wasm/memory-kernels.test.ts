// wasm's Identity and same-dtype Cast (shared memory), Sum over leading axes (SIMD rows) and GatherV2 along axis 0 (row copies):
// the same values as the stock kernels (Sum: bit-identical to the stock loop, reached with TFAI_FUSED=-simd;
// GatherV2: exactly cpu's), the same gradients, no tensor left behind.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../backend.js';
import { setFused } from '../fused.js';
import { refCountOf } from '../memory.js';
import { randomValues } from '../../test-utils/backends.js';

beforeAll(async () => {
  await setBackend('wasm');
});

const refCount = (t: tf.Tensor) => refCountOf(t);

describe('wasm Identity', () => {
  it('shares the memory with one more reference; each holder keeps its values when the other goes', async () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const y = tf.clone(x);
    expect(y.dataId).toBe(x.dataId);
    expect(refCount(x)).toBe(2);
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4]);
    expect(refCount(y)).toBe(1);
    // A variable assigned a clone, then a matrix product (XNNPACK caches packed weights by tensor id).
    const v = tf.tidy(() => tf.variable(tf.tensor2d([1, 0, 0, 1], [2, 2])));
    const w2 = tf.tensor2d([2, 0, 0, 2], [2, 2]);
    const first = tf.matMul(y, v);
    tf.tidy(() => v.assign(tf.clone(w2)));
    const second = tf.matMul(y, v);
    expect(Array.from(await first.data())).toEqual([1, 2, 3, 4]);
    expect(Array.from(await second.data())).toEqual([2, 4, 6, 8]);
    tf.dispose([y, v, w2, first, second]);
    const str = tf.tensor1d(['a', 'b'], 'string');
    const s = tf.clone(str);
    expect(await s.array()).toEqual(['a', 'b']);
    tf.dispose([str, s]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Cast to the same dtype shares the memory too; other casts convert (and ReLU’s gradient is unchanged)', async () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([-1.5, 0, 2.25, 3]);
    const same = tf.cast(x, 'float32');
    expect(same.dataId).toBe(x.dataId);
    expect(refCount(x)).toBe(2);
    const i = tf.cast(x, 'int32');
    expect(i.dataId).not.toBe(x.dataId);
    expect(Array.from(await i.data())).toEqual([-1, 0, 2, 3]);
    const back = tf.cast(i, 'int32');
    expect(back.dataId).toBe(i.dataId);
    x.dispose();
    expect(Array.from(await same.data())).toEqual([-1.5, 0, 2.25, 3]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), tf.tensor1d([1, 2, 3, 4]))))(same);
    expect(Array.from(await g.data())).toEqual([0, 0, 3, 4]);
    tf.dispose([same, i, back, g]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('wasm Sum over leading axes', () => {
  const CASES: [number[], number | number[], boolean][] = [
    [[2304, 1024], 0, false],
    [[513, 7], 0, true],
    [[3, 5, 7], [0, 1], false],
    [[3, 5, 7], [0, 1], true],
    [[3, 5, 7], [1, 0], false],
    [[4, 6, 9], -3, false],
    [[1, 5], 0, false],
    [[6, 1], 0, false],
    [[5, 3], 1, false],
  ];
  it.each(CASES)('x %j, axis %j, keepDims %s: bit-identical to the stock kernel', async (shape, axis, keepDims) => {
    const x = tf.tensor(
      randomValues(
        shape.reduce((a, b) => a * b, 1),
        7,
      ),
      shape,
    );
    const ours = tf.sum(x, axis, keepDims);
    const restore = setFused('simd', false);
    const stock = tf.sum(x, axis, keepDims);
    restore();
    expect(ours.shape).toEqual(stock.shape);
    expect(Array.from(await ours.data())).toEqual(Array.from(await stock.data()));
    tf.dispose([x, ours, stock]);
  });

  it('gives a bias its gradient, without tensors left behind', async () => {
    const x = tf.tensor2d(randomValues(40 * 12, 3), [40, 12]);
    const w = tf.tensor2d(randomValues(12 * 5, 4), [12, 5]);
    const b = tf.tensor1d(randomValues(5, 5));
    const before = tf.memory().numTensors;
    const g = tf.grad((bb: tf.Tensor) => tf.sum(tf.square(tf.add(tf.matMul(x, w), bb))))(b);
    const restore = setFused('simd', false);
    const gStock = tf.grad((bb: tf.Tensor) => tf.sum(tf.square(tf.add(tf.matMul(x, w), bb))))(b);
    restore();
    expect(Array.from(await g.data())).toEqual(Array.from(await gStock.data()));
    tf.dispose([g, gStock]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, b]);
  });
});

describe('wasm GatherV2 along axis 0', () => {
  const onBoth = async (f: () => tf.Tensor): Promise<[unknown, unknown]> => {
    const ours = f();
    const a = await ours.array();
    ours.dispose();
    await tf.setBackend('cpu');
    const ref = f();
    const b = await ref.array();
    ref.dispose();
    await tf.setBackend('wasm');
    return [a, b];
  };
  it.each([
    ['float table, 1-d indices', [50, 4], 'float32', [7], [3, 0, 49, 3, 12, 12, 1]],
    ['float table, 2-d indices', [10, 3, 2], 'float32', [2, 3], [1, 9, 0, 4, 4, 2]],
    ['int table, one column', [8], 'int32', [5], [7, 0, 3, 3, 1]],
    ['empty indices', [6, 5], 'float32', [0], []],
  ] as const)('%s: exactly cpu’s values', async (_, shape, dtype, idxShape, idx) => {
    const n = shape.reduce((a: number, b: number) => a * b, 1);
    const vals = dtype === 'int32' ? Int32Array.from({ length: n }, (_, i) => i * 3 - 7) : randomValues(n, 11);
    const [a, b] = await onBoth(() =>
      tf.tidy(() => tf.gather(tf.tensor(vals, [...shape], dtype), tf.tensor([...idx], [...idxShape], 'int32'))),
    );
    expect(a).toEqual(b);
  });

  it('along another axis and with float indices, still the stock values; the lookup’s gradient sums duplicates', async () => {
    const table = tf.tensor2d(randomValues(20, 2), [5, 4]);
    const [a, b] = await onBoth(() => tf.tidy(() => tf.gather(tf.tensor2d(randomValues(20, 2), [5, 4]), [3, 1], 1)));
    expect(a).toEqual(b);
    const idx = tf.tensor1d([1, 1, 4], 'int32');
    const before = tf.memory().numTensors;
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, idx)))(table);
    expect(await g.array()).toEqual([
      [0, 0, 0, 0],
      [2, 2, 2, 2],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [1, 1, 1, 1],
    ]);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([table, idx]);
  });
});

describe('wasm Transpose', () => {
  const onCpu = async (f: () => tf.Tensor) => {
    await tf.setBackend('cpu');
    const t = f();
    const v = await t.array();
    t.dispose();
    await tf.setBackend('wasm');
    return v;
  };
  it.each([
    [
      [1, 1],
      [1, 0],
    ],
    [
      [3, 5],
      [1, 0],
    ],
    [
      [4, 4],
      [1, 0],
    ],
    [
      [5, 4],
      [1, 0],
    ],
    [
      [9, 13],
      [1, 0],
    ],
    [
      [512, 73],
      [1, 0],
    ],
    [
      [2, 7, 9],
      [0, 2, 1],
    ],
    [
      [3, 2, 8, 5],
      [0, 1, 3, 2],
    ],
    [
      [4, 3, 8],
      [1, 0, 2],
    ],
    [
      [6, 5, 2, 3],
      [1, 0, 2, 3],
    ],
    [
      [2, 3, 4],
      [2, 0, 1],
    ],
  ])('x %j, perm %j: exactly cpu’s values (float32 and int32)', async (shape, perm) => {
    const n = shape.reduce((a, b) => a * b, 1);
    for (const dtype of ['float32', 'int32'] as const) {
      const vals = dtype === 'int32' ? Int32Array.from({ length: n }, (_, i) => i - 5) : randomValues(n, n);
      const make = () => tf.tidy(() => tf.transpose(tf.tensor(vals, shape, dtype), perm));
      const ours = make();
      expect(ours.shape).toEqual(perm.map((p) => shape[p]));
      expect(await ours.array()).toEqual(await onCpu(make));
      ours.dispose();
    }
  });
});
