// tf.image.resizeBilinear's gradient on cpu and wasm (tfai's ResizeBilinearGrad) against PyTorch's
// F.interpolate(mode='bilinear') (the size cases of nn/layers/fixtures/torch_upsample.py), and wasm against cpu.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { registerTfaiKernels, unregisterTfaiKernels } from '../wasm/register.js';
import { relErr } from '@tfai/test-utils';
import { resizeGradWasmVsCpu, runOn, withGrads } from '../../test-utils/backends.js';
import { nhwc, upsampleCases, type UpsampleCase } from '../../test-utils/torch-fixtures.js';

const gradErr = resizeGradWasmVsCpu(relErr, tf.image.resizeBilinear);

// The bilinear cases whose output is the size ratio's (a size, a whole scale, or align corners): plain resizeBilinear.
const cases = upsampleCases().filter(
  (c) =>
    c.options.mode === 'bilinear' &&
    (c.options.size || c.options.alignCorners || Number.isInteger(c.options.scaleFactor)),
);

function resizeOf(c: UpsampleCase): (x: tf.Tensor) => tf.Tensor {
  const [, , h, w] = c.y.shape as [number, number, number, number];
  const align = c.options.alignCorners ?? false;
  return (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [h, w], align, !align);
}

function forwardAndGrad(backend: 'cpu' | 'wasm', c: UpsampleCase): Promise<Float32Array[]> {
  return runOn(backend, [nhwc(c.x), nhwc(c.dy)], withGrads(resizeOf(c)));
}

describe.each(['cpu', 'wasm'] as const)('resizeBilinear on %s against PyTorch', (backend) => {
  it('covers non-square inputs, batch > 1 and both alignCorners', () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
    expect(cases.some((c) => c.x.shape[0]! > 1 && c.x.shape[2] !== c.x.shape[3] && c.options.alignCorners)).toBe(true);
    expect(cases.some((c) => c.x.shape[0]! > 1 && c.x.shape[2] !== c.x.shape[3] && !c.options.alignCorners)).toBe(true);
  });
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const [y, dx] = await forwardAndGrad(backend, c);
    expect(relErr(y!, nhwc(c.y).values)).toBeLessThan(1e-6);
    expect(relErr(dx!, nhwc(c.dx).values)).toBeLessThan(1e-5);
  });
});

describe('resizeBilinear gradient beyond the fixtures', () => {
  it.each([
    [[3, 5, 4, 2], [10, 8], false, true],
    [[2, 6, 7, 3], [4, 5], false, true], // downsampling
    [[2, 5, 4, 3], [9, 11], true, false],
    [[2, 5, 4, 3], [8, 13], false, false], // tfjs's legacy corner mapping
  ] as const)('x %j → %j, alignCorners %s, halfPixelCenters %s: wasm = cpu', async (shape, size, align, half) => {
    expect(await gradErr(shape, size, align, half)).toBeLessThan(1e-5);
  });
});

describe("tfjs 4.22's own ResizeBilinearGrad (why tfai replaces it; drop ours once these fail)", () => {
  const stock = async <T>(f: () => Promise<T>): Promise<T> => {
    unregisterTfaiKernels();
    try {
      return await f();
    } finally {
      registerTfaiKernels();
    }
  };
  const halfPixel = cases.find((c) => c.name === 'bilinear x2, half-pixel centres')!;

  it('wasm is wrong with half-pixel centres', async () => {
    const [, dx] = await stock(() => forwardAndGrad('wasm', halfPixel));
    expect(relErr(dx!, nhwc(halfPixel.dx).values)).toBeGreaterThan(0.1);
  });

  it('cpu fails on non-square inputs', async () => {
    await expect(stock(() => forwardAndGrad('cpu', halfPixel))).rejects.toThrow(/gradient of input 'images' has shape/);
  });
});
