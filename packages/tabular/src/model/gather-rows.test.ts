import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gatherRows } from './gather-rows.js';

describe('gatherRows', () => {
  it('equals tf.gather forward and backward, duplicate indices summing', () => {
    tf.tidy(() => {
      const table = tf.variable(tf.randomNormal([5, 3]));
      const idx = tf.tensor2d(
        [
          [4, 0],
          [4, 4],
        ],
        [2, 2],
        'int32',
      );
      const w = tf.randomNormal([2, 2, 3]);
      expect(gatherRows(table, idx).arraySync()).toEqual(tf.gather(table, idx).arraySync());
      const a = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gatherRows(t, idx), w)))(table);
      const b = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, idx), w)))(table);
      expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-6);
      expect(gatherRows(tf.tensor1d([7, 8, 9]), tf.tensor1d([2, 2, 0], 'int32')).arraySync()).toEqual([9, 9, 7]);
      table.dispose();
    });
  });
});
