import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { setBackend } from '../backend.js';
import { setFused } from '../fused.js';
import { LSTM_BACKWARD, LSTM_FORWARD } from './lstm-chunk.js';
import { relError } from '@tfai/test-utils';
import { lstmRecurrence } from '../../nn/layers/lstm-recurrence.js';

/** Random inputs of one chunk, and weights for a loss touching every output and the final cell state. */
function inputs(T: number, B: number, H: number, seed: number): tf.Tensor[] {
  return [
    tf.randomNormal([T, B, 4 * H], 0, 1, 'float32', seed),
    tf.randomNormal([H, 4 * H], 0, 0.5, 'float32', seed + 1),
    tf.randomNormal([B, H], 0, 1, 'float32', seed + 2),
    tf.randomNormal([B, H], 0, 1, 'float32', seed + 3),
    tf.randomNormal([T, B, H], 0, 1, 'float32', seed + 4),
    tf.randomNormal([B, H], 0, 1, 'float32', seed + 5),
  ];
}

/** ys, c and the gradients of a loss over both with respect to xw, whh, h0, c0, fused or not. */
function run(fused: boolean, xs: tf.Tensor[]): tf.Tensor[] {
  const restore = setFused('lstm', fused);
  try {
    return tf.tidy(() => {
      const [xw, whh, h0, c0, ry, rc] = xs;
      const { ys, c } = lstmRecurrence(xw as tf.Tensor3D, whh as tf.Tensor2D, h0 as tf.Tensor2D, c0 as tf.Tensor2D);
      const loss = (a: tf.Tensor, b: tf.Tensor, h: tf.Tensor, k: tf.Tensor): tf.Scalar => {
        const r = lstmRecurrence(a as tf.Tensor3D, b as tf.Tensor2D, h as tf.Tensor2D, k as tf.Tensor2D);
        return tf.add(tf.sum(tf.mul(r.ys, ry)), tf.sum(tf.mul(tf.square(r.c), rc)));
      };
      const { value, grads } = tf.valueAndGrads(loss)([xw, whh, h0, c0]);
      return [ys, c, value, ...grads];
    });
  } finally {
    restore();
  }
}

const NAMES = ['ys', 'c', 'loss', 'dxw', 'dwhh', 'dh0', 'dc0'];

describe.each(['wasm', 'cpu'] as const)('lstmRecurrence fused chunk kernels on %s', (backend) => {
  afterAll(async () => void (await setBackend('wasm')));

  it('are registered, and the fused path runs them (one forward, one backward kernel)', async () => {
    await setBackend(backend);
    expect(tf.getKernel(LSTM_FORWARD, backend)).toBeDefined();
    expect(tf.getKernel(LSTM_BACKWARD, backend)).toBeDefined();
    const xs = inputs(4, 2, 3, 1);
    const names = async (fused: boolean): Promise<string[]> =>
      (await tf.profile(() => tf.dispose(run(fused, xs)))).kernels.map((k) => k.name);
    const fused = await names(true);
    expect(fused.filter((n) => n === LSTM_FORWARD)).toHaveLength(2);
    expect(fused.filter((n) => n === LSTM_BACKWARD)).toHaveLength(1);
    expect(fused).not.toContain('Unpack');
    expect(await names(false)).not.toContain(LSTM_FORWARD);
    tf.dispose(xs);
  });

  it.each([
    [1, 1, 1],
    [1, 3, 5],
    [2, 1, 4],
    [7, 3, 5],
    [5, 2, 17],
    [13, 4, 8],
    [40, 8, 33],
  ])('T=%i B=%i H=%i: ys, c and the gradients equal the unfused path to 1e-5', async (T, B, H) => {
    await setBackend(backend);
    tf.tidy(() => {
      const xs = inputs(T, B, H, 10 * T + H);
      const fused = run(true, xs);
      const ref = run(false, xs);
      fused.forEach((f, k) => {
        expect(f.shape, NAMES[k]).toEqual(ref[k].shape);
        expect(relError(f, ref[k]), NAMES[k]).toBeLessThan(1e-5);
      });
      // Not vacuous: the gradients are non-zero.
      for (const g of fused.slice(3)) expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(1e-3);
    });
  });

  it('leaves tf.memory().numTensors flat over repeated forward + backward, and nothing kept without a tape', async () => {
    await setBackend(backend);
    const xs = inputs(6, 3, 7, 5);
    const step = (): void => tf.dispose(run(true, xs));
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    // Inference (no tape): only ys and c survive.
    const n = tf.memory().numTensors;
    const [ys, c] = tf.tidy(() => {
      const r = lstmRecurrence(xs[0] as tf.Tensor3D, xs[1] as tf.Tensor2D, xs[2] as tf.Tensor2D, xs[3] as tf.Tensor2D);
      return [r.ys, r.c];
    });
    expect(tf.memory().numTensors - n).toBe(2);
    tf.dispose([ys, c]);
    expect(tf.memory().numTensors).toBe(n);
    tf.dispose(xs);
  });
});
