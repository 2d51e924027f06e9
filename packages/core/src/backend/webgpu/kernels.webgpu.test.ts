// The kernels and gradients tfai trains with, on webgpu against the cpu backend (and the pooling/resize fixtures
// against PyTorch). Small shapes: on llvmpipe (Mesa's software Vulkan) every shader compile costs.
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { registerTfaiKernels, unregisterTfaiKernels } from '../wasm/register.js';
import { randomInput, withGrads } from '../../test-utils/backends.js';
import { type ConvCase, convCaseName, explicitPad, convOf, convSetup } from '../../test-utils/conv-cases.js';
import { nhwc, poolResizeCase, poolResizeCases, poolResizeOp } from '../../test-utils/torch-fixtures.js';
import { registerWebGPUKernels } from './register.js';
import { describeWebGPU, relErr, runOnBackend, webgpuVsCpu, type BackendInput } from '@tfai/test-utils/webgpu';

const convCases: ConvCase[] = [
  { x: [2, 8, 6, 5], k: [1, 1], co: 4, s: 2, pad: 'valid' }, // ResNet shortcut
  { x: [2, 8, 8, 4], k: [3, 3], co: 5, s: 1, pad: 'same' },
  { x: [2, 9, 7, 4], k: [3, 3], co: 5, s: 1, pad: 'valid' },
  { x: [2, 8, 8, 3], k: [3, 3], co: 4, s: 2, pad: 1 }, // PyTorch padding=1
  { x: [2, 15, 16, 3], k: [7, 7], co: 8, s: 2, pad: explicitPad([3, 3], [3, 3]) }, // ResNet stem
  { x: [2, 9, 10, 3], k: [3, 5], co: 4, s: [2, 1], pad: 'same' },
];

const ids = (v: number[], shape = [v.length]): BackendInput => ({ values: Int32Array.from(v), shape, dtype: 'int32' });

describeWebGPU('conv2d forward and gradients (Conv2DBackpropFilter/Input) match cpu', () => {
  it.each(convCases.map((c) => [convCaseName(c), c] as const))('%s', async (name, c) => {
    const errs = await webgpuVsCpu(convSetup(c, 1).inputs, withGrads(convOf(c), 2));
    expect(errs).toHaveLength(3);
    for (const e of errs) expect(e, name).toBeLessThan(1e-5);
  });

  it('conv2dTranspose (ConvTranspose2d, U-Net upsampling) and its gradients', async () => {
    const errs = await webgpuVsCpu(
      [randomInput([2, 5, 6, 4], 4), randomInput([3, 3, 3, 4], 5), randomInput([2, 10, 12, 3], 6)],
      withGrads((dy, w) => tf.conv2dTranspose(dy as tf.Tensor4D, w as tf.Tensor4D, [2, 10, 12, 3], 2, 'same'), 2),
    );
    for (const e of errs) expect(e).toBeLessThan(1e-5);
  });

  it('fused conv2d with bias and relu (Conv2d + ReLU) and its gradients', async () => {
    const errs = await webgpuVsCpu(
      [randomInput([2, 6, 6, 3], 1), randomInput([3, 3, 3, 4], 2), randomInput([4], 3), randomInput([2, 6, 6, 4], 4)],
      withGrads(
        (x, w, b) =>
          tf.fused.conv2d({
            x: x as tf.Tensor4D,
            filter: w as tf.Tensor4D,
            strides: 1,
            pad: 'same',
            bias: b,
            activation: 'relu',
          }),
        3,
      ),
    );
    for (const e of errs) expect(e).toBeLessThan(1e-5);
  });
});

describeWebGPU('maxPool and resizeNearestNeighbor gradients against PyTorch', () => {
  it.each(poolResizeCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const [y, dx] = await runOnBackend('webgpu', [nhwc(c.x), nhwc(c.dy)], withGrads(poolResizeOp(c)));
    expect(relErr(y, nhwc(c.y).values)).toBeLessThan(1e-6);
    expect(relErr(dx, nhwc(c.dx).values)).toBeLessThan(1e-6);
  });
});

describeWebGPU("tfjs-backend-webgpu 4.22's own kernels (why tfai replaces them; drop ours once these fail)", () => {
  const stockError = async (name: string): Promise<number> => {
    const c = poolResizeCase(name);
    unregisterTfaiKernels();
    try {
      const [, dx] = await runOnBackend('webgpu', [nhwc(c.x), nhwc(c.dy)], withGrads(poolResizeOp(c)));
      return relErr(dx, nhwc(c.dx).values);
    } finally {
      registerTfaiKernels();
      registerWebGPUKernels();
    }
  };
  it('MaxPoolGrad routes ties to the last maximum', async () => {
    expect(await stockError('maxpool k2 s2 valid, ties')).toBeGreaterThan(0.1);
  });
  it('ResizeNearestNeighborGrad ignores halfPixelCenters', async () => {
    expect(await stockError('nearest-exact to 7x9 (halfPixelCenters)')).toBeGreaterThan(0.1);
  });
});

describeWebGPU('pooling, resize, matrix products, segment sums and elementwise gradients match cpu', () => {
  const cases: [string, BackendInput[], (...xs: tf.Tensor[]) => tf.Tensor[], number?][] = [
    [
      'avgPool 2×2 stride 2 (AvgPool2d)',
      [randomInput([2, 6, 6, 3], 1), randomInput([2, 3, 3, 3], 2)],
      withGrads((x) => tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid')),
    ],
    [
      'maxPool 3×3 stride 2 pad 1 (ResNet stem)',
      [randomInput([2, 8, 8, 3], 3), randomInput([2, 4, 4, 3], 4)],
      withGrads((x) => tf.maxPool(x as tf.Tensor4D, 3, 2, 1)),
    ],
    [
      'adaptive pools as mean/max over H, W (AdaptiveConcatPool2d)',
      [randomInput([3, 5, 4, 6], 5), randomInput([3, 12], 6)],
      withGrads((x) => tf.concat([tf.max(x, [1, 2]), tf.mean(x, [1, 2])], 1)),
    ],
    [
      'resizeBilinear ×2 gradient (square: tfjs 4.22 cpu gets non-square wrong)',
      [randomInput([2, 4, 4, 3], 7), randomInput([2, 8, 8, 3], 8)],
      withGrads((x) => tf.image.resizeBilinear(x as tf.Tensor4D, [8, 8])),
    ],
    [
      'resizeNearestNeighbor ×2, batch 3',
      [randomInput([3, 3, 4, 2], 9), randomInput([3, 6, 8, 2], 10)],
      withGrads((x) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [6, 8])),
    ],
    [
      'matMul a·bᵀ and its gradients (Linear)',
      [randomInput([5, 7], 1), randomInput([4, 7], 2), randomInput([5, 4], 3)],
      withGrads((a, b) => tf.matMul(a, b, false, true), 2),
    ],
    [
      'batched matMul aᵀ·b (rank 3)',
      [randomInput([3, 6, 5], 1), randomInput([3, 6, 4], 2), randomInput([3, 5, 4], 3)],
      withGrads((a, b) => tf.matMul(a, b, true, false), 2),
    ],
    [
      'fused matMul with bias and relu',
      [randomInput([6, 5], 1), randomInput([5, 4], 2), randomInput([4], 3), randomInput([6, 4], 4)],
      withGrads((a, b, c) => tf.fused.matMul({ a, b, bias: c, activation: 'relu' }), 3),
    ],
    [
      'unsortedSegmentSum with repeated ids',
      [randomInput([8, 3], 1), ids([0, 2, 2, 5, 0, 2, 1, 5])],
      (x, s) => [tf.unsortedSegmentSum(x, s as tf.Tensor1D, 6)],
    ],
    [
      'gather gradient on an embedding table, repeated 2-D indices',
      [randomInput([10, 4], 1), ids([3, 1, 3, 9, 0, 3], [2, 3]), randomInput([2, 3, 4], 2)],
      (t, i, r) => [tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.gather(x, i), r)))(t)],
    ],
    [
      'tile (rank 2 and rank 4)',
      [randomInput([2, 3], 1), randomInput([1, 2, 1, 3], 2)],
      (a, b) => [tf.tile(a, [3, 2]), tf.tile(b, [2, 1, 3, 1])],
    ],
    [
      'batch-norm statistics and their gradient (BatchNorm2d training)',
      [randomInput([4, 3, 3, 5], 1), randomInput([4, 3, 3, 5], 2)],
      withGrads((x) => {
        const { mean, variance } = tf.moments(x, [0, 1, 2]);
        return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)));
      }),
    ],
    [
      'LSTM cell gates: sigmoid, tanh, split, concat',
      [randomInput([3, 8], 1), randomInput([3, 2], 2), randomInput([3, 4], 3)],
      withGrads((g, c) => {
        const [i, f, gg, o] = tf.split(g, 4, 1);
        const c2 = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(gg)));
        return tf.concat([tf.mul(tf.sigmoid(o), tf.tanh(c2)), c2], 1);
      }, 2),
    ],
    [
      'log-softmax cross-entropy gradient',
      [randomInput([5, 7], 1), randomInput([5, 7], 2)],
      withGrads((x) => tf.logSoftmax(x)),
    ],
    [
      'relu, leaky relu, sigmoid range, clip',
      [randomInput([4, 6], 1), randomInput([4, 24], 2)],
      withGrads((x) =>
        tf.concat(
          [tf.relu(x), tf.leakyRelu(x, 0.01), tf.add(tf.mul(tf.sigmoid(x), 5), -1), tf.clipByValue(x, -0.5, 0.5)],
          1,
        ),
      ),
    ],
    [
      'pixel shuffle (reshape, rank-6 transpose)',
      [randomInput([2, 3, 3, 8], 1), randomInput([2, 6, 6, 2], 2)],
      withGrads((x) => tf.reshape(tf.transpose(tf.reshape(x, [2, 3, 3, 2, 2, 2]), [0, 1, 3, 2, 4, 5]), [2, 6, 6, 2])),
    ],
    [
      'pad, slice, reverse, cumsum',
      [randomInput([2, 4, 3], 1), randomInput([2, 3, 3], 2)],
      withGrads((x) =>
        tf.reverse(
          tf.cumsum(
            tf.slice(
              tf.pad(x, [
                [0, 0],
                [1, 1],
                [0, 0],
              ]),
              [0, 2, 0],
              [2, 3, 3],
            ),
            1,
          ),
          1,
        ),
      ),
    ],
    [
      'where, maximum, exp, log, pow, sqrt, rsqrt',
      [randomInput([3, 5], 1), randomInput([3, 5], 4), randomInput([3, 5], 2)],
      withGrads((x, m) => {
        const p = tf.add(tf.abs(x), 0.1);
        return tf.where(
          tf.greater(m, 0),
          tf.add(tf.exp(x), tf.log(p)),
          tf.maximum(tf.pow(p, 1.5), tf.add(tf.sqrt(p), tf.rsqrt(p))),
        );
      }),
    ],
  ];
  it.each(cases.map(([n, i, f, tol]) => [n, i, f, tol] as const))('%s', async (name, inputs, f, tol) => {
    const errs = await webgpuVsCpu(inputs, f);
    for (const e of errs) expect(e, name).toBeLessThan(tol ?? 1e-5);
  });

  it('an int32 sum of a comparison (chunk lengths in BPT3C), and argMax', async () => {
    const errs = await webgpuVsCpu([ids([1, 1, 4, 5, 1, 7, 8, 9, 1], [3, 3]), randomInput([4, 6], 3)], (x, y) => [
      tf.sum(tf.notEqual(x, 1).toInt(), 1),
      tf.argMax(y, 1),
    ]);
    expect(errs).toEqual([0, 0]);
  });
});

describeWebGPU('tensor bookkeeping', () => {
  it('gradients of a conv step leave no tensors behind', async () => {
    const x = tf.randomNormal([2, 6, 6, 3]);
    const w = tf.variable(tf.randomNormal([3, 3, 3, 4]));
    const step = async (): Promise<void> => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.relu(tf.conv2d(x as tf.Tensor4D, w as unknown as tf.Tensor4D, 1, 'same'))) as tf.Scalar,
      );
      await value.data();
      tf.dispose([value, ...Object.values(grads)]);
    };
    await step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
  });
});
