import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { detach } from './detach.js';

describe('detach', () => {
  it('cuts the gradient (d/dx of x² + detach(3x) is 2x) but keeps the value, without copying or leaking', () => {
    const x = tf.scalar(2);
    const before = tf.memory().numTensors;
    const [value, grad] = tf.tidy(() => {
      const f = (v: tf.Tensor) => tf.add(tf.mul(v, v), detach(tf.mul(v, 3)));
      return [f(x).dataSync()[0], tf.grad(f)(x).dataSync()[0]];
    });
    expect(value).toBe(10);
    expect(grad).toBe(4);
    expect(tf.memory().numTensors).toBe(before);
    // The detached tensor outlives the original's disposal (shared data, reference counted).
    const t = tf.tensor1d([1, 2, 3]);
    const d = detach(t);
    t.dispose();
    expect(Array.from(d.dataSync())).toEqual([1, 2, 3]);
    d.dispose();
    x.dispose();
  });
});
