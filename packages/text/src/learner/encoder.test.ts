import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { matchEmbeds } from './encoder.js';

describe('matchEmbeds (fastai match_embeds)', () => {
  it('a whole language model: shared words keep their rows, new words get the mean row and mean bias', () => {
    const w = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 9],
    ]); // mean [3, 5]
    const sd = {
      '0.encoder.weight': w,
      '0.encoder_dp.emb.weight': w,
      '1.decoder.weight': w,
      '1.decoder.bias': tf.tensor1d([1, 2, 6]),
    };
    const out = matchEmbeds(sd, ['xxunk', 'a', 'b'], ['xxunk', 'b', 'new', 'xxfake']);
    expect(out['0.encoder.weight'].arraySync()).toEqual([
      [1, 2],
      [5, 9],
      [3, 5],
      [3, 5],
    ]);
    expect(out['0.encoder_dp.emb.weight'].arraySync()).toEqual(out['0.encoder.weight'].arraySync());
    expect(out['1.decoder.weight'].arraySync()).toEqual(out['0.encoder.weight'].arraySync());
    expect(out['1.decoder.bias'].arraySync()).toEqual([1, 6, 3, 3]);
  });

  it('an encoder state dict, and a vocab that does not fit the weights', () => {
    const w = tf.tensor2d([[1], [3]]);
    expect(matchEmbeds({ 'encoder.weight': w }, ['x', 'y'], ['y'])['encoder.weight'].arraySync()).toEqual([[3]]);
    expect(() => matchEmbeds({ 'encoder.weight': w }, ['x'], ['x'])).toThrow(/2 rows but the old vocab 1 tokens/);
  });
});
