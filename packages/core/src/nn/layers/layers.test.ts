import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { nchwToNhwc, readFixture, relError, toStateDict, toTensor, type FixtureTensor } from '@tfai/test-utils';
import { ReLU } from './activation.js';
import { BatchNorm1d } from './batchnorm.js';
import { Sequential } from './container.js';
import { Conv2d, ConvTranspose2d } from './conv.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { Linear } from './linear.js';
import { LSTM } from './lstm.js';
import { AdaptiveConcatPool2d, AdaptiveMaxPool2d, MaxPool2d } from './pooling.js';
import { Flatten, pixelShuffle } from './reshape.js';

type F = FixtureTensor;

describe('layers against PyTorch fixtures', () => {
  it('AdaptiveConcatPool2d (sizes 1, 2 and 3 on 5×7) matches fastai to 1e-6', () => {
    const fx = readFixture<Record<string, F>>('parity_adaptive_concat_pool.json');
    tf.tidy(() => {
      const x = nchwToNhwc(toTensor(fx.input));
      const check = (size: number, input: tf.Tensor, expected: F) =>
        expect(relError(new AdaptiveConcatPool2d(size).call(input), nchwToNhwc(toTensor(expected)))).toBeLessThan(1e-6);
      check(1, x, fx.output_size1);
      check(2, x, fx.output_size2);
      check(3, nchwToNhwc(toTensor(fx.input_1x2x5x7)), fx.output_1x2x5x7_size3);
      const flat = new Flatten().call(new AdaptiveConcatPool2d(1).call(x));
      expect(relError(flat, toTensor(fx.output_size1_then_Flatten))).toBeLessThan(1e-6);
    });
  });

  it("create_head(8, 3, lin_ftrs=[6]) assembled from core layers reproduces fastai's eval output to 1e-5", () => {
    const fx = readFixture<{ input: F; output: F; state_dict: Record<string, F> }>('parity_create_head.json');
    const head = new Sequential(
      new AdaptiveConcatPool2d(),
      new Flatten(),
      new BatchNorm1d(16),
      new Dropout(0.25),
      new Linear(16, 6, { bias: false }),
      new ReLU(true),
      new BatchNorm1d(6),
      new Dropout(0.5),
      new Linear(6, 3, { bias: false }),
    );
    const sd = toStateDict(fx.state_dict);
    head.loadStateDict(sd);
    head.eval();
    tf.tidy(() => {
      expect(relError(head.call(nchwToNhwc(toTensor(fx.input))), toTensor(fx.output))).toBeLessThan(1e-5);
    });
    tf.dispose(Object.values(sd));
    head.dispose();
  });
});

describe('layers', () => {
  it('Conv2d matches PyTorch output sizes for stride, padding and dilation', () => {
    tf.tidy(() => {
      expect(new Conv2d(3, 4, 7, { stride: 2, padding: 3 }).call(tf.zeros([1, 65, 33, 3])).shape).toEqual([
        1, 33, 17, 4,
      ]);
      expect(new Conv2d(4, 4, 3, { padding: 2, dilation: 2 }).call(tf.zeros([1, 9, 9, 4])).shape).toEqual([1, 9, 9, 4]);
      expect(new Conv2d(4, 6, 3, { groups: 2, padding: 1 }).call(tf.zeros([2, 5, 5, 4])).shape).toEqual([2, 5, 5, 6]);
      expect(new ConvTranspose2d(4, 2, 4, { stride: 2, padding: 1 }).call(tf.zeros([1, 5, 7, 4])).shape).toEqual([
        1, 10, 14, 2,
      ]);
    });
  });

  it('grouped Conv2d equals two convolutions on channel halves', () => {
    tf.tidy(() => {
      const c = new Conv2d(4, 6, 3, { groups: 2, padding: 1, bias: false });
      const x = tf.randomNormal([1, 5, 5, 4]);
      const w = c.weight.variable;
      const y0 = tf.conv2d(
        tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, 2]) as tf.Tensor4D,
        tf.slice(w, [0, 0, 0, 0], [-1, -1, -1, 3]) as tf.Tensor4D,
        1,
        [
          [0, 0],
          [1, 1],
          [1, 1],
          [0, 0],
        ],
      );
      expect(relError(tf.slice(c.call(x), [0, 0, 0, 0], [-1, -1, -1, 3]), y0)).toBeLessThan(1e-6);
    });
  });

  it('MaxPool2d(3, 2, 1) pads like PyTorch (symmetric; padded cells never win)', () => {
    tf.tidy(() => {
      const x = tf.tensor4d([-1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16], [1, 4, 4, 1]);
      const y = new MaxPool2d(3, { stride: 2, padding: 1 }).call(x);
      expect(Array.from(y.dataSync())).toEqual([-1, -2, -5, -6]);
    });
  });

  it('AdaptiveMaxPool2d uses PyTorch windows for sizes that do not divide', () => {
    tf.tidy(() => {
      const x = tf.range(0, 5).reshape([1, 5, 1, 1]);
      expect(Array.from(new AdaptiveMaxPool2d([3, 1]).call(x).dataSync())).toEqual([1, 3, 4]);
    });
  });

  it('pixelShuffle follows PyTorch channel order', () => {
    tf.tidy(() => {
      // one pixel, channels c*4 + i*2 + j for c in 0..1
      const x = tf.range(0, 8).reshape([1, 1, 1, 8]);
      const y = pixelShuffle(x, 2); // [1, 2, 2, 2]
      expect(y.shape).toEqual([1, 2, 2, 2]);
      // output channel 0 at (i, j) = i*2 + j; channel 1 = 4 + i*2 + j
      expect(Array.from(y.dataSync())).toEqual([0, 4, 1, 5, 2, 6, 3, 7]);
    });
  });

  it('Flatten orders NHWC features as PyTorch flattens NCHW', () => {
    tf.tidy(() => {
      const nchw = tf.range(0, 12).reshape([1, 3, 2, 2]);
      expect(Array.from(new Flatten().call(nchwToNhwc(nchw)).dataSync())).toEqual(
        Array.from(nchw.reshape([1, 12]).dataSync()),
      );
    });
  });

  it('Embedding with paddingIdx starts that row at zero and gives it no gradient', () => {
    const e = new Embedding(5, 3, 1);
    const g = tf.tidy(() =>
      tf.grad((w: tf.Tensor) => tf.sum(tf.square(tf.gather(w, tf.tensor1d([1, 2, 1], 'int32')))))(e.weight.variable),
    );
    const g2 = tf.tidy(
      () =>
        tf.variableGrads(
          () => tf.sum(e.call(tf.tensor2d([[1, 2, 1]], [1, 3], 'int32'))) as tf.Scalar,
          [e.weight.variable],
        ).grads[e.weight.variable.name],
    );
    expect(Array.from(tf.slice(e.weight.variable, [1, 0], [1, 3]).dataSync())).toEqual([0, 0, 0]);
    expect(Array.from(tf.slice(g2, [1, 0], [1, 3]).dataSync())).toEqual([0, 0, 0]);
    expect(Array.from(tf.slice(g2, [2, 0], [1, 3]).dataSync())).toEqual([1, 1, 1]);
    tf.dispose([g, g2]);
    e.dispose();
  });

  it('LSTM equals a hand-unrolled cell with PyTorch gate order', () => {
    const lstm = new LSTM(3, 4);
    tf.tidy(() => {
      const x = tf.randomNormal([2, 3, 3]);
      const [out, [h, c]] = lstm.call(x);
      expect(out.shape).toEqual([2, 3, 4]);
      expect(h.shape).toEqual([1, 2, 4]);
      const sd = lstm.stateDict(); // PyTorch layout [4H, in]
      let hh = tf.zeros([2, 4]);
      let cc = tf.zeros([2, 4]);
      for (let t = 0; t < 3; t++) {
        const xt = tf.squeeze(tf.slice(x, [0, t, 0], [2, 1, 3]), [1]);
        const g = xt
          .matMul(sd.weight_ih_l0, false, true)
          .add(hh.matMul(sd.weight_hh_l0, false, true))
          .add(sd.bias_ih_l0)
          .add(sd.bias_hh_l0);
        const [i, f, gg, o] = tf.split(g, 4, 1);
        cc = tf
          .sigmoid(f)
          .mul(cc)
          .add(tf.sigmoid(i).mul(tf.tanh(gg)));
        hh = tf.sigmoid(o).mul(tf.tanh(cc));
      }
      expect(relError(h.squeeze([0]), hh)).toBeLessThan(1e-5);
      expect(relError(c.squeeze([0]), cc)).toBeLessThan(1e-5);
    });
    lstm.dispose();
  });
});
