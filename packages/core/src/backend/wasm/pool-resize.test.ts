// maxPool and resizeNearestNeighbor gradients on cpu and wasm against PyTorch (fixtures/torch_pool_resize_grads.py).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { setBackend } from '../backend.js';
import { registerTfaiKernels, unregisterTfaiKernels } from './register.js';
import { relErr } from '@tfai/test-utils';
import { resizeGradWasmVsCpu, runOn, withGrads } from '../../test-utils/backends.js';
import {
  type PoolResizeCase,
  nhwc,
  poolResizeCase,
  poolResizeCases,
  poolResizeOp,
} from '../../test-utils/torch-fixtures.js';

const gradErr = resizeGradWasmVsCpu(relErr, tf.image.resizeNearestNeighbor);

/** [y, dx] of the case on a backend, with dx = d sum(f(x)·dy) / dx. */
function forwardAndGrad(backend: 'cpu' | 'wasm', c: PoolResizeCase): Promise<Float32Array[]> {
  return runOn(backend, [nhwc(c.x), nhwc(c.dy)], withGrads(poolResizeOp(c)));
}

describe.each(['cpu', 'wasm'] as const)('%s backend against PyTorch', (backend) => {
  it.each(poolResizeCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
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
    expect(await gradErr(shape, size, align, half)).toBeLessThan(1e-6);
  });
});

describe("tfjs 4.22's own kernels (why tfai replaces them; drop ours once these fail)", () => {
  const errorsOfStock = async (backend: 'cpu' | 'wasm', name: string): Promise<number> => {
    const c = poolResizeCase(name);
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
