// The webgpu parity suite for text: fastai's AWD-LSTM forward and the BPT3C classifier's loss and gradients
// (PyTorch fixtures), computed on webgpu. Reads are awaited: webgpu in Node has no synchronous read.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { crossEntropyLossFlat } from '@tfai/core';
import { expect, it } from 'vitest';
import { describeWebGPU, relError } from '@tfai/test-utils/webgpu';
import { readFixture, toTensor, type FixtureTensor } from '../test-support.js';
import { AWDLSTM } from './awd-lstm.js';
import { getTextClassifier } from './classifier.js';
import { prepareTextBatch } from './text-batch.js';

describeWebGPU('AWD-LSTM and the BPT3C classifier against fastai/PyTorch', () => {
  it('a tiny AWD_LSTM with fastai’s state dict reproduces its eval output to 1e-4', async () => {
    const fx = readFixture<{ input: FixtureTensor; output: FixtureTensor; state_dict: Record<string, FixtureTensor> }>(
      'parity_awd_lstm_tiny.json',
    );
    const m = new AWDLSTM(12, 4, 6, 2);
    const sd = Object.fromEntries(Object.entries(fx.state_dict).map(([k, v]) => [k, toTensor(v)]));
    m.loadStateDict(sd);
    m.eval();
    m.reset();
    const out = m.call(toTensor(fx.input));
    const ref = toTensor(fx.output);
    expect(out.shape).toEqual(fx.output.shape);
    expect(await relError(out, ref)).toBeLessThan(1e-4);
    tf.dispose([out, ref, ...Object.values(sd)]);
    m.dispose();
  });

  it('BPT3C: loss and every parameter gradient match PyTorch (2 layers, 3 chunks, texts of lengths 21, 17, 9, 5)', async () => {
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
    expect((await value.data())[0]).toBeCloseTo(fx.loss, 5);
    for (const [name, p] of named) {
      const g = grads[p.variable.name];
      const torchG = toTensor(fx.grads[name]);
      const ours = g.shape.join() === torchG.shape.join() ? g : tf.transpose(g);
      expect(ours.shape, name).toEqual(torchG.shape);
      expect(await relError(ours, torchG), name).toBeLessThan(1e-4);
      tf.dispose([torchG, ...(ours === g ? [] : [ours])]);
    }
    tf.dispose([
      ids,
      y,
      value,
      ...Object.values(grads),
      ...(model as unknown as { extraOutputs: tf.Tensor[] }).extraOutputs,
    ]);
    model.dispose();
  });
});
