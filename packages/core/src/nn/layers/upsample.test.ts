// Upsample (nearest / bilinear) on cpu and wasm against PyTorch 1.13's nn.Upsample (fixtures/torch_upsample.py).
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { relErr } from '@tfai/test-utils';
import { type Input, runOn } from '../../test-utils/backends.js';
import { Upsample, interpolate, type UpsampleOptions } from './upsample.js';

interface FixtureTensor {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  options: UpsampleOptions;
  repr: string;
  x: FixtureTensor;
  y: FixtureTensor;
  dy: FixtureTensor;
  dx: FixtureTensor;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/torch-upsample.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

/** An NCHW fixture tensor as an NHWC input. */
function nhwc(t: FixtureTensor): Input {
  const [n, c, h, w] = t.shape as [number, number, number, number];
  const values = new Float32Array(t.data.length);
  for (let b = 0; b < n; b++)
    for (let k = 0; k < c; k++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) values[((b * h + i) * w + j) * c + k] = t.data[((b * c + k) * h + i) * w + j]!;
  return { values, shape: [n, h, w, c] };
}

describe.each(['cpu', 'wasm'] as const)('Upsample on %s against PyTorch', (backend) => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
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
    for (const c of fixture.cases) expect(new Upsample(c.options).toString()).toBe(c.repr);
  });

  it('gives output sizes as PyTorch: floor(in · scaleFactor)', () => {
    for (const c of fixture.cases) {
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
