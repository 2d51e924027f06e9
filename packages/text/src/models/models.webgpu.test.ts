// The webgpu parity suite for text: fastai's AWD-LSTM forward and the BPT3C classifier's loss and gradients
// (PyTorch fixtures), computed on webgpu. Reads are awaited: webgpu in Node has no synchronous read.
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeWebGPU, relError } from '@tfai/test-utils/webgpu';
import { clasGradsFixture, clasGradsStep, tinyAwdLstm, toTensor } from '../test-support.js';

describeWebGPU('AWD-LSTM and the BPT3C classifier against fastai/PyTorch', () => {
  it('a tiny AWD_LSTM with fastai’s state dict reproduces its eval output to 1e-4', async () => {
    const { model: m, fx } = tinyAwdLstm();
    const out = m.call(toTensor(fx.input));
    const ref = toTensor(fx.output);
    expect(out.shape).toEqual(fx.output.shape);
    expect(await relError(out, ref)).toBeLessThan(1e-4);
    tf.dispose([out, ref]);
    m.dispose();
  });

  it('BPT3C: loss and every parameter gradient match PyTorch (2 layers, 3 chunks, texts of lengths 21, 17, 9, 5)', async () => {
    const fx = clasGradsFixture();
    const { model, named, ids, y, value, grads } = await clasGradsStep(fx);
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
