import * as tf from '@tensorflow/tfjs-core';
import type { Learner } from '@tfai/core';
import { describe, expect, it } from 'vitest';
import { ModelResetter, RNNRegularizer } from './callbacks.js';
import { decodeSpecTokens, detokenize } from './decode.js';

function fakeLearner(training: boolean, extra: tf.Tensor[]) {
  let resets = 0;
  const l = { training, loss: tf.scalar(1), model: { extraOutputs: extra, reset: () => void resets++ } };
  return { l, learn: l as unknown as Learner, resets: () => resets };
}

describe('RNN callbacks', () => {
  it('RNNRegularizer adds α·mean(out²) + β·mean((h[:,t+1]-h[:,t])²) in training only', () => {
    const raw = tf.tensor3d([
      [
        [1, 2],
        [3, 5],
        [4, 4],
      ],
    ]); // [1, 3, 2]: diffs (2,3), (1,-1) → mean sq = 15/4
    const out = tf.tensor3d([
      [
        [1, 0],
        [0, 2],
        [1, 1],
      ],
    ]); // mean sq = 7/6
    const cb = new RNNRegularizer(2, 1);
    const f = fakeLearner(true, [raw, out]);
    cb.learn = f.learn;
    cb.afterLoss();
    expect(f.l.loss.dataSync()[0]).toBeCloseTo(1 + 2 * (7 / 6) + 15 / 4, 5);
    const v = fakeLearner(false, [raw, out]);
    cb.learn = v.learn;
    cb.afterLoss();
    expect(v.l.loss.dataSync()[0]).toBe(1);
    expect(cb.runValid).toBe(false);
  });

  it('ModelResetter resets before training, before validation and after the fit', () => {
    const cb = new ModelResetter();
    const f = fakeLearner(true, []);
    cb.learn = f.learn;
    cb.beforeTrain();
    cb.beforeValidate();
    cb.afterFit();
    expect(f.resets()).toBe(3);
  });

  it('decodeSpecTokens undoes fastai’s rules', () => {
    expect(decodeSpecTokens(['xxmaj', 'hello', 'xxup', 'bob', 'xxrep', '3', '!', 'xxwrep', '2', 'no', 'end'])).toEqual([
      'Hello',
      'BOB',
      '!!!',
      'no',
      'no',
      'end',
    ]);
    expect(detokenize(['xxbos', 'xxmaj', 'it', 'was', 'xxpad'])).toBe('It was');
  });
});
