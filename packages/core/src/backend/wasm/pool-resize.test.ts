// maxPool and resizeNearestNeighbor gradients on cpu and wasm against PyTorch (fixtures/torch_pool_resize_grads.py).
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { setBackend } from '../backend.js';
import { registerTfaiKernels, unregisterTfaiKernels } from './register.js';
import { relErr } from '@tfai/test-utils';
import { type Input, compareWasmCpu, randomInput, runOn } from '../../test-utils/backends.js';

const wasmVsCpu = compareWasmCpu(relErr);

interface FixtureTensor {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  op: 'maxPool' | 'resizeNearest';
  params: {
    k?: number;
    s?: number;
    pad?: number | 'same' | 'valid';
    size?: [number, number];
    halfPixelCenters?: boolean;
  };
  x: FixtureTensor;
  y: FixtureTensor;
  dy: FixtureTensor;
  dx: FixtureTensor;
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/torch-pool-resize-grads.json', import.meta.url), 'utf8'),
) as {
  cases: Case[];
};

/** An NCHW fixture tensor as an NHWC input. */
function nhwc(t: FixtureTensor): Input {
  const [n, c, h, w] = t.shape;
  const values = new Float32Array(t.data.length);
  for (let b = 0; b < n; b++)
    for (let k = 0; k < c; k++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) values[((b * h + i) * w + j) * c + k] = t.data[((b * c + k) * h + i) * w + j];
  return { values, shape: [n, h, w, c] };
}

/** The case's op on NHWC tensors. */
function op(c: Case): (x: tf.Tensor) => tf.Tensor {
  const { k = 1, s = 1, pad = 'valid', size = [1, 1], halfPixelCenters = false } = c.params;
  return c.op === 'maxPool'
    ? (x) => tf.maxPool(x as tf.Tensor4D, k, s, pad)
    : (x) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, size, false, halfPixelCenters);
}

/** [y, dx] of the case on a backend, with dx = d sum(f(x)·dy) / dx. */
function forwardAndGrad(backend: 'cpu' | 'wasm', c: Case): Promise<Float32Array[]> {
  const f = op(c);
  return runOn(backend, [nhwc(c.x), nhwc(c.dy)], (x, dy) => [
    f(x),
    tf.grad((x: tf.Tensor) => tf.sum(tf.mul(f(x), dy)))(x),
  ]);
}

describe.each(['cpu', 'wasm'] as const)('%s backend against PyTorch', (backend) => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const [y, dx] = await forwardAndGrad(backend, c);
    expect(relErr(y, nhwc(c.y).values)).toBeLessThan(1e-6);
    expect(relErr(dx, nhwc(c.dx).values)).toBeLessThan(1e-6);
  });
});

describe('resizeNearestNeighbor gradient beyond the fixtures', () => {
  it.each([
    [[3, 5, 4, 2], [10, 8], false, false],
    [[2, 6, 7, 3], [4, 5], false, false], // downsampling
    [[2, 5, 4, 3], [9, 11], true, false], // alignCorners
    [[2, 5, 4, 3], [8, 13], false, true],
  ] as const)('x %j → %j, alignCorners %s, halfPixelCenters %s: wasm = cpu', async (shape, size, align, half) => {
    const [n, , , c] = shape;
    const inputs = [randomInput([...shape], 7), randomInput([n, ...size, c], 8)];
    const errs = await wasmVsCpu(inputs, (x, dy) =>
      tf.grad((x: tf.Tensor) =>
        tf.sum(tf.mul(tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [...size], align, half), dy)),
      )(x),
    );
    expect(errs[0]).toBeLessThan(1e-6);
  });
});

describe("tfjs 4.22's own kernels (why tfai replaces them; drop ours once these fail)", () => {
  const errorsOfStock = async (backend: 'cpu' | 'wasm', name: string): Promise<number> => {
    const c = fixture.cases.find((k) => k.name === name);
    if (!c) throw new Error(`no fixture ${name}`);
    unregisterTfaiKernels();
    try {
      const [, dx] = await forwardAndGrad(backend, c);
      return relErr(dx, nhwc(c.dx).values);
    } finally {
      registerTfaiKernels();
    }
  };

  it('wasm MaxPoolGrad drops the gradient of windows whose maximum is negative', async () => {
    expect(await errorsOfStock('wasm', 'maxpool k3 s2 pad1, all negative')).toBeGreaterThan(0.1);
  });

  it('cpu ResizeNearestNeighborGrad is wrong for batch > 1', async () => {
    expect(await errorsOfStock('cpu', 'nearest x2')).toBeGreaterThan(0.1);
  });

  it("tfai's cpu backend gets the fixed kernel without the wasm setup", async () => {
    unregisterTfaiKernels();
    try {
      await setBackend('cpu');
      const kernel = tf.getKernel(tf.ResizeNearestNeighborGrad, 'cpu');
      expect(Reflect.get(kernel.kernelFunc, Symbol.for('tfai.kernel'))).toBe(true);
      expect(Reflect.get(tf.getKernel(tf.MaxPoolGrad, 'wasm').kernelFunc, Symbol.for('tfai.kernel'))).toBeUndefined();
    } finally {
      registerTfaiKernels();
    }
  });
});
