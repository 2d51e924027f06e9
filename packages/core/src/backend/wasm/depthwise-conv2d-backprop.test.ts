import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { relErr } from '@tfai/test-utils';
import { compareWasmCpu, randomInput, runOn, withGrads } from '../../test-utils/backends.js';

const wasmVsCpu = compareWasmCpu(relErr);

/** A depthwise convolution case: input shape, kernel size, stride, padding (tfjs's `pad`). */
interface Case {
  x: [number, number, number, number];
  k: [number, number];
  s: number | [number, number];
  pad: 'same' | 'valid' | number;
}

const cases: Case[] = [
  { x: [2, 9, 9, 8], k: [7, 7], s: 1, pad: 3 }, // ConvNeXt's block
  { x: [2, 8, 8, 6], k: [3, 3], s: 1, pad: 1 }, // MBConv 3×3
  { x: [2, 8, 8, 6], k: [3, 3], s: 2, pad: 1 }, // MBConv 3×3 stride 2
  { x: [2, 9, 11, 5], k: [5, 5], s: 2, pad: 2 }, // MBConv 5×5 stride 2, odd sizes
  { x: [3, 10, 7, 4], k: [5, 5], s: 1, pad: 2 },
  { x: [2, 9, 10, 3], k: [3, 3], s: 2, pad: 'valid' }, // last row unused
  { x: [2, 9, 10, 3], k: [3, 5], s: [2, 1], pad: 'same' },
  { x: [1, 12, 12, 2], k: [2, 2], s: 3, pad: 0 },
];
const name = (c: Case) => `x ${c.x.join('×')}, k ${c.k.join('×')}, s ${String(c.s)}, pad ${String(c.pad)}`;

describe('wasm depthwise conv2d gradients match the cpu backend', () => {
  it.each(cases.map((c) => [name(c), c] as const))('%s', async (label, c) => {
    const f = (x: tf.Tensor, w: tf.Tensor) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, c.pad);
    const out = tf.tidy(() => f(tf.zeros(c.x), tf.zeros([...c.k, c.x[3], 1])).shape);
    const inputs = [randomInput(c.x, 1), randomInput([...c.k, c.x[3], 1], 2), randomInput(out, 3)];
    const errs = await wasmVsCpu(inputs, withGrads(f, 2));
    expect(errs, label).toHaveLength(3);
    for (const e of errs) expect(e, label).toBeLessThan(1e-5);
  });

  it('the fused form (bias) trains through the same kernels', async () => {
    const f = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
      tf.fused.depthwiseConv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 2, pad: 1, bias: b });
    const inputs = [randomInput([2, 8, 8, 4], 4), randomInput([3, 3, 4, 1], 5), randomInput([4], 6)];
    const out = [2, 4, 4, 4];
    const errs = await wasmVsCpu([...inputs, randomInput(out, 7)], withGrads(f, 3));
    expect(errs).toHaveLength(4);
    for (const e of errs) expect(e).toBeLessThan(1e-5);
  });

  it('leave no intermediate tensors behind', async () => {
    await runOn('wasm', [], () => tf.scalar(0));
    const backend = tf.backend();
    const before = backend.numDataIds();
    tf.tidy(() => {
      const x = tf.randomNormal([2, 9, 10, 4]) as tf.Tensor4D;
      const w = tf.randomNormal([5, 5, 4, 1]) as tf.Tensor4D;
      for (const s of [1, 2])
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, 2)))([
          x,
          w,
        ]);
    });
    expect(backend.numDataIds()).toBe(before);
  });
});
