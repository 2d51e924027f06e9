// Training the BPT3C classifier computes PyTorch's gradients: fastai's text classifier (AWD-LSTM → SentenceEncoder
// → masked concat pool → head, BatchNorm in training mode, dropouts 0) written in PyTorch 1.13 by
// fixtures/torch_clas_grads.py, on texts of different lengths padded by chunks, so that the first chunk runs fewer
// rows and the (detached) state crosses chunk boundaries. Loss and the gradient of every parameter must match.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { crossEntropyLossFlat } from '@tfai/core';
import { describe, expect, it } from 'vitest';
import { type FixtureTensor, relError, toTensor } from '../test-support.js';
import { AWDLSTM } from './awd-lstm.js';
import { getTextClassifier } from './classifier.js';
import { prepareTextBatch } from './text-batch.js';

const fx = JSON.parse(readFileSync(new URL('./fixtures/torch-clas-grads.json', import.meta.url), 'utf8')) as {
  config: {
    vocab: number;
    emb_sz: number;
    n_hid: number;
    n_layers: number;
    bptt: number;
    max_len: number;
    lin_ftrs: number[];
  };
  ids: FixtureTensor;
  y: FixtureTensor;
  loss: number;
  state_dict: Record<string, FixtureTensor>;
  grads: Record<string, FixtureTensor>;
};

describe('text classifier gradients against PyTorch', () => {
  it('loss and every parameter gradient match (2 layers, 3 chunks, 4 texts of lengths 21, 17, 9, 5)', async () => {
    const c = fx.config;
    const zero = { hiddenP: 0, inputP: 0, embedP: 0, weightP: 0, outputP: 0 };
    const model = getTextClassifier(AWDLSTM, c.vocab, 2, {
      seqLen: c.bptt,
      maxLen: c.max_len,
      linFtrs: c.lin_ftrs,
      ps: [0],
      config: { embSz: c.emb_sz, nHid: c.n_hid, nLayers: c.n_layers, ...zero },
    });
    const sd = Object.fromEntries(
      Object.entries(fx.state_dict).map(([k, v]) => [
        k,
        k.endsWith('num_batches_tracked') ? tf.cast(toTensor(v), 'int32') : toTensor(v),
      ]),
    );
    model.loadStateDict(sd);
    tf.dispose(Object.values(sd));
    model.train();
    const ids = tf.cast(toTensor(fx.ids), 'int32');
    await prepareTextBatch(ids);
    const y = tf.cast(toTensor(fx.y), 'int32');
    const loss = crossEntropyLossFlat();
    const named = model.namedParameters();
    const { value, grads } = tf.variableGrads(
      () => loss(model.call(ids) as tf.Tensor, y) as tf.Scalar,
      named.map(([, p]) => p.variable),
    );
    expect(value.dataSync()[0]).toBeCloseTo(fx.loss, 5);
    expect(new Set(named.map(([n]) => n))).toEqual(new Set(Object.keys(fx.grads)));
    for (const [name, p] of named) {
      // Our layouts → PyTorch's (Linear [in, out] → [out, in]; LSTM weights [in, 4h] → [4h, in]).
      const g = grads[p.variable.name];
      const torchG = toTensor(fx.grads[name]);
      const ours = g.shape.join() === torchG.shape.join() ? g : tf.transpose(g);
      expect(ours.shape, name).toEqual(torchG.shape);
      expect(relError(ours, torchG), name).toBeLessThan(1e-4);
    }
    tf.dispose([ids, y, value, ...Object.values(grads)]);
    model.dispose();
  });
});
