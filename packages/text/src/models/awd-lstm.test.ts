import * as tf from '@tensorflow/tfjs-core';
import { manualSeed } from '@tfai/core';
import { LSTM, numParams, type LayerInfo } from '@tfai/core/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relError, textFacts, tinyAwdLstm, toTensor } from '../test-support.js';
import { AWDLSTM, WeightDropout } from './awd-lstm.js';

interface AwdRef {
  n_params: number;
  tree: LayerInfo;
  named_params: Record<string, number[]>;
}

describe('AWD_LSTM(1000, 400, 1152, 3) against fastai', () => {
  const ref = textFacts().AWD_LSTM_1000_400_1152_3 as AwdRef;
  let model: AWDLSTM;
  beforeAll(() => {
    manualSeed(0);
    model = new AWDLSTM(1000, 400, 1152, 3);
  });
  afterAll(() => model.dispose());

  it('has fastai’s parameter count', () => {
    expect(numParams(model)).toBe(ref.n_params);
  });

  it('has fastai’s module tree (describe())', () => {
    expect(model.describe()).toEqual(ref.tree);
  });

  it('has fastai’s named parameters and shapes (weight_hh_l0 lives in WeightDropout as weight_hh_l0_raw)', () => {
    const sd = model.stateDict();
    // The state dict also lists the tied embedding under encoder_dp.emb, as PyTorch's does.
    expect(Object.keys(sd)).toEqual([
      'encoder.weight',
      'encoder_dp.emb.weight',
      ...Object.keys(ref.named_params).slice(1),
    ]);
    const shapes = Object.fromEntries(model.namedParameters().map(([n]) => [n, sd[n].shape]));
    expect(shapes).toEqual(ref.named_params);
    tf.dispose(Object.values(sd));
  });
});

describe('AWD_LSTM parity', () => {
  it('a tiny AWD_LSTM with fastai’s state dict reproduces its eval output to 1e-4', () => {
    const { model: m, fx } = tinyAwdLstm();
    tf.tidy(() => {
      expect(relError(m.call(toTensor(fx.input)), toTensor(fx.output))).toBeLessThan(1e-4);
    });
    m.dispose();
  });
});

describe('AWD_LSTM behaviour', () => {
  it('carries the hidden state between calls, and reset() clears it', () => {
    manualSeed(1);
    const m = new AWDLSTM(20, 4, 6, 2).eval();
    const x = tf.tensor2d([[2, 3, 4]], [1, 3], 'int32');
    const first = m.call(x);
    const second = m.call(x);
    expect(relError(first, second)).toBeGreaterThan(1e-3);
    m.reset();
    const again = m.call(x);
    expect(relError(again, first)).toBeLessThan(1e-6);
    tf.dispose([x, first, second, again]);
    m.dispose();
  });

  it("detaches the carried state as fastai's to_detach: no gradient reaches an earlier call", () => {
    manualSeed(2);
    const m = new AWDLSTM(20, 4, 6, 2, { hiddenP: 0, inputP: 0, embedP: 0, weightP: 0 }).train();
    const emb = m.encoder.weight.variable;
    // Token 5 only in the first call, 7 only in the second: the second output depends on token 5 through the
    // carried state, but that path is detached, so token 5's embedding gets no gradient from it.
    const first = tf.tensor2d([[5, 5, 5]], [1, 3], 'int32');
    const second = tf.tensor2d([[7, 7, 7]], [1, 3], 'int32');
    const { grads } = tf.variableGrads(() => {
      m.reset();
      tf.dispose(m.call(first));
      return tf.sum(m.call(second)) as tf.Scalar;
    }, [emb]);
    const g = grads[emb.name].arraySync() as number[][];
    expect(g[5].every((v) => v === 0)).toBe(true);
    expect(g[7].some((v) => v !== 0)).toBe(true);
    tf.dispose([first, second, ...Object.values(grads)]);
    m.dispose();
  });

  it('pads the state with zeros when the batch grows and cuts it when it shrinks (as fastai)', () => {
    const m = new AWDLSTM(20, 4, 6, 2).eval();
    const a = tf.tensor2d([[2, 3]], [1, 2], 'int32');
    tf.dispose(m.call(a));
    const b = tf.tensor2d(
      [
        [2, 3],
        [4, 5],
      ],
      [2, 2],
      'int32',
    );
    tf.dispose(m.call(b));
    expect(m.hiddenState[0][0].shape).toEqual([1, 2, 6]);
    expect(m.hiddenState[1][1].shape).toEqual([1, 2, 4]);
    tf.dispose(m.call(a));
    expect(m.hiddenState[0][0].shape).toEqual([1, 1, 6]);
    tf.dispose([a, b]);
    m.dispose();
  });

  it('does not leak tensors across calls', () => {
    const m = new AWDLSTM(20, 4, 6, 2);
    const x = tf.tensor2d([[2, 3, 4]], [1, 3], 'int32');
    tf.dispose(m.call(x));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(m.call(x));
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    m.dispose();
  });

  it('trains: every parameter gets a gradient, the raw hidden weight through weight dropout', () => {
    manualSeed(2);
    const m = new AWDLSTM(20, 4, 6, 2, { weightP: 0.5, embedP: 0.1, inputP: 0.2, hiddenP: 0.2 });
    const x = tf.tensor2d(
      [
        [2, 3, 4, 5],
        [6, 7, 1, 1],
      ],
      [2, 4],
      'int32',
    );
    const vars = m.parameters().map((p) => p.variable);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(m.call(x))) as tf.Scalar, vars);
    for (const [n, p] of m.namedParameters()) {
      const g = grads[p.variable.name];
      expect(g, n).toBeDefined();
      expect(
        tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0]),
        n,
      ).toBeGreaterThan(0);
    }
    // The padding row of the embedding gets no gradient (F.embedding's padding_idx).
    const padRow = tf.tidy(() => tf.slice(grads[m.encoder.weight.variable.name], [1, 0], [1, 4]).dataSync());
    expect(Array.from(padRow)).toEqual([0, 0, 0, 0]);
    tf.dispose([value, x, ...Object.values(grads)]);
    m.dispose();
  });

  it('WeightDropout draws a new mask of the hidden weights at each training call, none in eval', () => {
    manualSeed(3);
    const wd = new WeightDropout(new LSTM(3, 5), 0.5);
    const x = tf.randomNormal([1, 4, 3]);
    const run = () => tf.tidy(() => wd.call(x)[0]);
    const [a, b] = [run(), run()];
    expect(relError(a, b)).toBeGreaterThan(1e-3);
    wd.eval();
    const [c, d] = [run(), run()];
    expect(relError(c, d)).toBe(0);
    expect(wd.describe()).toMatchObject({ type: 'WeightDropout', weight_p: 0.5, layer_names: ['weight_hh_l0'] });
    tf.dispose([x, a, b, c, d]);
    wd.dispose();
  });
});
