import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { relError } from '@tfai/test-utils';
import { manualSeed } from '../random.js';
import { LSTM } from './lstm.js';
import { lstmRecurrence } from './lstm-recurrence.js';

/** The same recurrence as a plain autograd unroll (what lstmRecurrence replaces). */
function autogradRecurrence(
  xw: tf.Tensor3D,
  whh: tf.Tensor2D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
): { ys: tf.Tensor3D; c: tf.Tensor2D } {
  let h = h0;
  let c = c0;
  const ys: tf.Tensor[] = [];
  const [T, B, G] = xw.shape;
  for (let t = 0; t < T; t++) {
    const x = tf.reshape(tf.slice(xw, [t, 0, 0], [1, B, G]), [B, G]);
    const [i, f, g, o] = tf.split(tf.add(x, tf.matMul(h, whh)), 4, 1);
    c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
    h = tf.mul(tf.sigmoid(o), tf.tanh(c));
    ys.push(h);
  }
  return { ys: tf.stack(ys) as tf.Tensor3D, c };
}

describe('lstmRecurrence (hand-written backward through time)', () => {
  it.each([
    [1, 1, 1],
    [7, 3, 5],
  ])('T=%i B=%i H=%i: outputs and gradients equal autograd to 1e-6', (T, B, H) => {
    tf.tidy(() => {
      const xw = tf.randomNormal([T, B, 4 * H], 0, 1, 'float32', 1) as tf.Tensor3D;
      const whh = tf.randomNormal([H, 4 * H], 0, 0.5, 'float32', 2) as tf.Tensor2D;
      const h0 = tf.randomNormal([B, H], 0, 1, 'float32', 3) as tf.Tensor2D;
      const c0 = tf.randomNormal([B, H], 0, 1, 'float32', 4) as tf.Tensor2D;
      const ry = tf.randomNormal([T, B, H], 0, 1, 'float32', 5);
      const rc = tf.randomNormal([B, H], 0, 1, 'float32', 6);
      // A loss touching every output, the final cell state and (through ys[T-1]) the final hidden state.
      const loss =
        (impl: typeof lstmRecurrence) =>
        (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor): tf.Scalar => {
          const r = impl(a as tf.Tensor3D, b as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor2D);
          return tf.add(tf.sum(tf.mul(r.ys, ry)), tf.sum(tf.mul(tf.square(r.c), rc)));
        };
      const ours = tf.valueAndGrads(loss(lstmRecurrence))([xw, whh, h0, c0]);
      const ref = tf.valueAndGrads(loss(autogradRecurrence))([xw, whh, h0, c0]);
      expect(relError(ours.value, ref.value)).toBeLessThan(1e-6);
      ours.grads.forEach((g, k) => expect(relError(g, ref.grads[k])).toBeLessThan(1e-6));
    });
  });

  it('a bidirectional 2-layer LSTM with an initial state has the gradients of the autograd unroll', () => {
    manualSeed(3);
    const lstm = new LSTM(3, 4, { numLayers: 2, bidirectional: true });
    tf.tidy(() => {
      const x = tf.randomNormal([2, 6, 3], 0, 1, 'float32', 7);
      const state: [tf.Tensor, tf.Tensor] = [
        tf.randomNormal([4, 2, 4], 0, 1, 'float32', 8),
        tf.randomNormal([4, 2, 4], 0, 1, 'float32', 9),
      ];
      const r = tf.randomNormal([2, 6, 8], 0, 1, 'float32', 10);
      const vars = lstm.parameters().map((p) => p.variable);
      const f = (): tf.Scalar => {
        const [out, [h, c]] = lstm.call(x, state);
        return tf
          .sum(tf.mul(out, r))
          .add(tf.sum(h))
          .add(tf.sum(tf.square(c))) as tf.Scalar;
      };
      const ours = tf.variableGrads(f, vars);
      // The same LSTM, unrolled with plain autograd from its state dict (PyTorch layout [4H, in]).
      const sd = lstm.stateDict();
      const refLoss = (...ws: tf.Tensor[]): tf.Scalar => {
        const w = Object.fromEntries(Object.keys(sd).map((k, i) => [k, ws[i]]));
        let input: tf.Tensor = tf.transpose(x, [1, 0, 2]);
        const hs: tf.Tensor[] = [];
        const cs: tf.Tensor[] = [];
        for (let l = 0; l < 2; l++) {
          const outs: tf.Tensor3D[] = [];
          for (let d = 0; d < 2; d++) {
            const s = `_l${l}${d ? '_reverse' : ''}`;
            const [T, B] = input.shape;
            let xw = tf.reshape(
              tf
                .matMul(tf.reshape(input, [T * B, -1]), w[`weight_ih${s}`], false, true)
                .add(w[`bias_ih${s}`])
                .add(w[`bias_hh${s}`]),
              [T, B, 16],
            ) as tf.Tensor3D;
            if (d) xw = tf.reverse(xw, 0);
            const k = 2 * l + d;
            const h0 = tf.reshape(tf.slice(state[0], [k, 0, 0], [1, 2, 4]), [2, 4]) as tf.Tensor2D;
            const c0 = tf.reshape(tf.slice(state[1], [k, 0, 0], [1, 2, 4]), [2, 4]) as tf.Tensor2D;
            const { ys, c } = autogradRecurrence(xw, tf.transpose(w[`weight_hh${s}`]) as tf.Tensor2D, h0, c0);
            hs.push(tf.reshape(tf.slice(ys, [T - 1, 0, 0], [1, B, 4]), [B, 4]));
            cs.push(c);
            outs.push(d ? tf.reverse(ys, 0) : ys);
          }
          input = tf.concat(outs, 2);
        }
        const out = tf.transpose(input, [1, 0, 2]);
        return tf
          .sum(tf.mul(out, r))
          .add(tf.sum(tf.stack(hs)))
          .add(tf.sum(tf.square(tf.stack(cs)))) as tf.Scalar;
      };
      const ref = tf.valueAndGrads(refLoss)(Object.values(sd));
      expect(relError(ours.value, ref.value)).toBeLessThan(1e-6);
      const names = lstm.namedParameters().map(([n]) => n);
      names.forEach((n, i) => {
        const layout = lstm.namedParameters()[i][1].layout;
        const g = ours.grads[vars[i].name];
        const expected = ref.grads[Object.keys(sd).indexOf(n)];
        expect(relError(layout === 'linear' ? tf.transpose(g) : g, expected), n).toBeLessThan(1e-6);
      });
    });
    lstm.dispose();
  });
});
