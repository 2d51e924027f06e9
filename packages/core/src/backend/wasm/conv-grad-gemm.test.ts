import * as tf from '@tensorflow/tfjs-core';
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { afterEach, describe, expect, it } from 'vitest';
import { setFused } from '../fused.js';
import { convGradGemm, inputGradGemmT } from './conv-grad-gemm.js';
import { Ops } from '../kernel-utils.js';
import { relErr } from '@tfai/test-utils';
import { runOn } from '../../test-utils/backends.js';
import { type ConvCase, convCaseName, explicitPad, convOf, convSetup } from '../../test-utils/conv-cases.js';

// The shape classes of ResNet-18 (1 × 1, 3 × 3 stride 1 and 2, 7 × 7 stride 2), odd sizes, padding variants.
const cases: ConvCase[] = [
  { x: [2, 8, 8, 3], k: [1, 1], co: 4, s: 1, pad: 'valid' },
  { x: [3, 7, 9, 4], k: [1, 1], co: 6, s: 2, pad: 'same' },
  { x: [2, 7, 8, 3], k: [1, 1], co: 4, s: 2, pad: explicitPad([1, 0], [2, 1]) },
  { x: [2, 8, 8, 4], k: [3, 3], co: 5, s: 1, pad: 'same' },
  { x: [2, 9, 7, 4], k: [3, 3], co: 5, s: 1, pad: 'valid' },
  { x: [1, 3, 3, 16], k: [3, 3], co: 7, s: 1, pad: 1 }, // deep and small: the product form in the model
  { x: [2, 2, 3, 13], k: [3, 3], co: 9, s: 1, pad: 'same' },
  { x: [2, 9, 8, 3], k: [3, 3], co: 4, s: 1, pad: explicitPad([2, 0], [0, 1]) },
  { x: [2, 8, 10, 3], k: [3, 3], co: 4, s: 2, pad: 'same' },
  { x: [3, 9, 11, 3], k: [3, 3], co: 4, s: 2, pad: 'same' },
  { x: [2, 10, 9, 3], k: [3, 3], co: 4, s: 2, pad: 'valid' }, // last row/column unused
  { x: [2, 8, 8, 3], k: [3, 3], co: 4, s: 2, pad: 1 }, // PyTorch padding=1
  // (Not a numeric pad with unequal strides: tfjs-backend-wasm 4.22's forward Conv2D writes out of bounds there.)
  { x: [2, 5, 7, 6], k: [3, 3], co: 5, s: [2, 1], pad: explicitPad([1, 1], [1, 1]) },
  { x: [2, 7, 5, 3], k: [3, 3], co: 4, s: [1, 2], pad: 'same' },
  { x: [2, 16, 12, 3], k: [7, 7], co: 8, s: 2, pad: 'same' }, // ResNet stem
  { x: [2, 15, 17, 3], k: [7, 7], co: 8, s: 2, pad: 3 },
  { x: [1, 12, 12, 2], k: [3, 3], co: 2, s: 3, pad: 'valid' },
  { x: [1, 5, 6, 2], k: [2, 2], co: 3, s: 2, pad: explicitPad([3, 0], [1, 4]) }, // padding beyond the kernel
];
/** The conv's input and filter gradients through tf.grads (the registered kernels). */
const grads = (c: ConvCase) => (x: tf.Tensor, w: tf.Tensor, r: tf.Tensor) =>
  tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(convOf(c)(x, w), r)))([x, w]);

/** dx by the product form, called directly (whatever convGradGemm would choose). */
const direct = (info: tf.backend_util.Conv2DInfo) => (_x: tf.Tensor, w: tf.Tensor, dy: tf.Tensor) => {
  const backend = tf.backend();
  if (!(backend instanceof BackendWasm)) throw new Error('not on wasm');
  const ops = new Ops(backend, 'wasm');
  const dx = inputGradGemmT(ops, backend, dy, w, info);
  ops.disposeAll(dx);
  return tf.engine().makeTensorFromTensorInfo(dx);
};

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

describe('conv input gradient as one product + col2im (conv-grad)', () => {
  it.each(cases.map((c) => [convCaseName(c), c] as const))(
    'dx by the product form matches cpu: %s',
    async (name, c) => {
      const { info, inputs } = convSetup(c, 11);
      const ref = await runOn('cpu', inputs, grads(c));
      const [dx] = await runOn('wasm', inputs, direct(info));
      expect(dx.length).toBe(ref[0].length);
      expect(relErr(dx, ref[0]), name).toBeLessThan(1e-5);
    },
  );

  it.each(cases.map((c) => [convCaseName(c), c] as const))(
    'fused kernels match unfused ones and cpu: %s',
    async (name, c) => {
      const { inputs } = convSetup(c, 11);
      const ref = await runOn('cpu', inputs, grads(c));
      const fused = await runOn('wasm', inputs, grads(c));
      restore = setFused('conv-grad', false);
      const unfused = await runOn('wasm', inputs, grads(c));
      for (let i = 0; i < 2; i++) {
        expect(relErr(fused[i], unfused[i]), `${name} fused vs unfused ${i}`).toBeLessThan(1e-5);
        expect(relErr(fused[i], ref[i]), `${name} fused vs cpu ${i}`).toBeLessThan(1e-5);
      }
    },
  );

  it('is chosen for strided k × k filters and deep small maps, not for 1 × 1 or large maps, and not when off', () => {
    const choose = (x: [number, number, number, number], k: number, s: number) =>
      convGradGemm(tf.backend_util.computeConv2DInfo(x, [k, k, x[3], 8], s, 1, k === 1 ? 'valid' : Math.floor(k / 2)));
    expect(choose([16, 16, 16, 64], 3, 2)).toBe(true);
    expect(choose([16, 64, 64, 3], 7, 2)).toBe(true);
    expect(choose([16, 4, 4, 256], 3, 1)).toBe(true);
    expect(choose([16, 16, 16, 64], 3, 1)).toBe(false);
    expect(choose([16, 16, 16, 64], 1, 2)).toBe(false);
    restore = setFused('conv-grad', false);
    expect(choose([16, 16, 16, 64], 3, 2)).toBe(false);
  });

  it('leaves no tensors behind over repeated steps', async () => {
    await runOn('wasm', [], () => tf.scalar(0));
    const backend = tf.backend();
    const step = () =>
      tf.tidy(() => {
        const x = tf.randomNormal([2, 3, 3, 16]) as tf.Tensor4D;
        const w = tf.randomNormal([3, 3, 16, 4]) as tf.Tensor4D;
        for (const s of [1, 2])
          tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, 1)))([x, w]);
      });
    step();
    const [ids, tensors] = [backend.numDataIds(), tf.memory().numTensors];
    for (let i = 0; i < 3; i++) step();
    expect(backend.numDataIds()).toBe(ids);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
