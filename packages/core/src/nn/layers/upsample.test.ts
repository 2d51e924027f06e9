// Upsample (nearest / bilinear) on cpu and wasm against PyTorch 1.13's nn.Upsample (fixtures/torch_upsample.py).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { relErr } from '@tfai/test-utils';
import { runOn } from '../../test-utils/backends.js';
import { nhwc, upsampleCases } from '../../test-utils/torch-fixtures.js';
import { Upsample, interpolate } from './upsample.js';

const cases = upsampleCases();

describe.each(['cpu', 'wasm'] as const)('Upsample on %s against PyTorch', (backend) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const up = new Upsample(c.options);
    const [y, dx] = await runOn(backend, [nhwc(c.x), nhwc(c.dy)], (x, dy) => [
      up.call(x),
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(up.call(x), dy)))(x),
    ]);
    expect(relErr(y!, nhwc(c.y).values)).toBeLessThan(1e-6);
    expect(relErr(dx!, nhwc(c.dx).values)).toBeLessThan(1e-5);
  });
});

describe('Upsample', () => {
  it('prints as PyTorch', () => {
    for (const c of cases) expect(new Upsample(c.options).toString()).toBe(c.repr);
  });

  it('gives output sizes as PyTorch: floor(in · scaleFactor)', () => {
    for (const c of cases) {
      const [n, ch, h, w] = c.y.shape;
      const out = tf.tidy(() => interpolate(tf.zeros(nhwc(c.x).shape), c.options).shape);
      expect(out).toEqual([n, h, w, ch]);
    }
  });

  it('rejects what PyTorch rejects', () => {
    expect(() => new Upsample({})).toThrow(/exactly one of size or scaleFactor/);
    expect(() => new Upsample({ size: 4, scaleFactor: 2 })).toThrow(/exactly one/);
    expect(() => new Upsample({ scaleFactor: 2, alignCorners: true })).toThrow(
      /alignCorners can only be set with the bilinear mode/,
    );
    expect(() => new Upsample({ scaleFactor: 0 })).toThrow(/positive/);
    expect(() => new Upsample({ size: 2.5 })).toThrow(/whole numbers/);
    expect(() => interpolate(tf.zeros([2, 3]), { scaleFactor: 2 })).toThrow(/rank 4/);
  });

  it('leaves no tensors behind', () => {
    const up = new Upsample({ scaleFactor: 1.5, mode: 'bilinear' });
    const x = tf.ones([2, 5, 7, 3]);
    const before = tf.memory().numTensors;
    tf.dispose(up.call(x));
    tf.dispose(tf.grad((t: tf.Tensor) => tf.sum(up.call(t)))(x));
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
