import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { relErr } from '@tfai/test-utils';
import { compareWasmCpu, randomInput, runOn, withGrads } from '../../test-utils/backends.js';
import { type ConvCase, convCaseName, explicitPad, convOf, convSetup } from '../../test-utils/conv-cases.js';

const wasmVsCpu = compareWasmCpu(relErr);

const cases: ConvCase[] = [
  { x: [2, 8, 8, 3], k: [1, 1], co: 4, s: 1, pad: 'valid' },
  { x: [2, 8, 6, 5], k: [1, 1], co: 4, s: 2, pad: 'valid' }, // ResNet shortcut
  { x: [3, 7, 9, 4], k: [1, 1], co: 6, s: 2, pad: 'same' },
  { x: [2, 7, 9, 3], k: [1, 1], co: 4, s: 2, pad: 'valid' }, // last row/column unused
  { x: [2, 7, 8, 3], k: [1, 1], co: 4, s: 2, pad: explicitPad([1, 0], [2, 1]) },
  { x: [2, 8, 8, 4], k: [3, 3], co: 5, s: 1, pad: 'same' },
  { x: [2, 9, 7, 4], k: [3, 3], co: 5, s: 1, pad: 'valid' },
  { x: [2, 8, 10, 3], k: [3, 3], co: 4, s: 2, pad: 'same' },
  { x: [3, 9, 11, 3], k: [3, 3], co: 4, s: 2, pad: 'same' },
  { x: [2, 10, 9, 3], k: [3, 3], co: 4, s: 2, pad: 'valid' }, // last row/column unused
  { x: [2, 8, 8, 3], k: [3, 3], co: 4, s: 2, pad: 1 }, // PyTorch padding=1
  { x: [2, 9, 8, 3], k: [3, 3], co: 4, s: 1, pad: explicitPad([2, 0], [0, 1]) },
  { x: [2, 16, 12, 3], k: [7, 7], co: 8, s: 2, pad: 'same' }, // ResNet stem
  { x: [2, 15, 16, 3], k: [7, 7], co: 8, s: 2, pad: explicitPad([3, 3], [3, 3]) },
  { x: [2, 11, 13, 4], k: [7, 7], co: 3, s: 1, pad: 'valid' },
  { x: [2, 9, 10, 3], k: [3, 5], co: 4, s: [2, 1], pad: 'same' },
  { x: [1, 12, 12, 2], k: [3, 3], co: 2, s: 3, pad: 'valid' },
  { x: [2, 10, 11, 3], k: [1, 1], co: 4, s: 3, pad: 'same' }, // phases without taps
  { x: [2, 8, 9, 3], k: [2, 2], co: 4, s: 2, pad: 'valid' }, // even kernel
  { x: [1, 5, 6, 2], k: [2, 3], co: 3, s: 2, pad: explicitPad([3, 0], [1, 4]) }, // padding beyond the kernel
];

describe('wasm conv2d gradients match the cpu backend', () => {
  it.each(cases.map((c) => [convCaseName(c), c] as const))('%s', async (name, c) => {
    const errs = await wasmVsCpu(convSetup(c, 1).inputs, withGrads(convOf(c), 2));
    expect(errs, name).toEqual([expect.any(Number), expect.any(Number), expect.any(Number)]);
    for (const e of errs) expect(e, name).toBeLessThan(1e-5);
  });

  it('conv2dTranspose (Conv2DBackpropInput) with stride 2', async () => {
    const inputs = [randomInput([2, 5, 6, 4], 4), randomInput([3, 3, 3, 4], 5)];
    const errs = await wasmVsCpu(inputs, (dy, w) =>
      tf.conv2dTranspose(dy as tf.Tensor4D, w as tf.Tensor4D, [2, 10, 11, 3], 2, 'same'),
    );
    expect(errs[0]).toBeLessThan(1e-5);
  });
});

describe('tfai wasm kernels', () => {
  it('leave no intermediate tensors behind', async () => {
    await runOn('wasm', [], () => tf.scalar(0));
    const backend = tf.backend();
    const before = backend.numDataIds();
    tf.tidy(() => {
      const x = tf.randomNormal([2, 9, 10, 3]) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, 3, 4]) as tf.Tensor4D;
      const conv = (pad: 'same' | 'valid', s: number) => (x: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad));
      for (const [pad, s] of [
        ['same', 1],
        ['valid', 2],
        ['same', 2],
      ] as const)
        tf.grads(conv(pad, s))([x, w]);
      tf.grad((x: tf.Tensor) => tf.sum(tf.maxPool(x as tf.Tensor4D, 3, 2, 1)))(x);
      tf.grad((x: tf.Tensor) => tf.sum(tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [18, 20])))(x);
      tf.tile(tf.ones([1, 1, 1, 3]), [2, 9, 10, 1]);
      const a = tf.randomNormal([3, 5, 7]);
      tf.matMul(a, tf.randomNormal([6, 7]), false, true);
      tf.matMul(a, tf.randomNormal([5, 6]), true, false);
      tf.fused.matMul({ a, b: tf.randomNormal([7, 2]), bias: tf.ones([2]), activation: 'relu' });
      tf.unsortedSegmentSum(tf.ones([4, 2]), tf.tensor1d([0, -1, 5, 1], 'int32'), 3);
    });
    expect(backend.numDataIds()).toBe(before);
  });
});
