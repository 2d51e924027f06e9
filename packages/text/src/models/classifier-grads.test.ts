// Training the BPT3C classifier computes PyTorch's gradients: fastai's text classifier (AWD-LSTM → SentenceEncoder
// → masked concat pool → head, BatchNorm in training mode, dropouts 0) written in PyTorch 1.13 by
// fixtures/torch_clas_grads.py, on texts of different lengths padded by chunks, so that the first chunk runs fewer
// rows and the (detached) state crosses chunk boundaries. Loss and the gradient of every parameter must match.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { clasGradsFixture, clasGradsStep, relError, toTensor } from '../test-support.js';

const fx = clasGradsFixture();

describe('text classifier gradients against PyTorch', () => {
  it('loss and every parameter gradient match (2 layers, 3 chunks, 4 texts of lengths 21, 17, 9, 5)', async () => {
    const { model, named, ids, y, value, grads } = await clasGradsStep(fx);
    expect(value.dataSync()[0]).toBeCloseTo(fx.loss, 5);
    expect(new Set(named.map(([n]) => n))).toEqual(new Set(Object.keys(fx.grads)));
    for (const [name, p] of named) {
      // Our layouts → PyTorch's (Linear [in, out] → [out, in]; LSTM weights [in, 4h] → [4h, in]).
      const g = grads[p.variable.name];
      const torchG = toTensor(fx.grads[name]);
      const ours = g.shape.join() === torchG.shape.join() ? g : tf.transpose(g);
      expect(ours.shape, name).toEqual(torchG.shape);
      // 2e-4: the head's BatchNorm trains on 4 rows, which magnifies float32 summation-order differences; the
      // largest error (the head's first Linear weight) is 3.2e-5 with wasm's kernels, 1.07e-4 with oneDNN's.
      expect(relError(ours, torchG), name).toBeLessThan(2e-4);
    }
    tf.dispose([ids, y, value, ...Object.values(grads)]);
    model.dispose();
  });
});
