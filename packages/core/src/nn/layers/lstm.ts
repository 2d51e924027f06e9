import * as tf from '@tensorflow/tfjs';
import { uniform } from '../init.js';
import { Module, type Parameter } from '../module.js';

/** LSTM state: `h` and `c`, each `[numLayers·numDirections, batch, hidden]` (PyTorch's layout). */
export type LSTMState = [tf.Tensor, tf.Tensor];

/** Options of {@link LSTM}. */
export interface LSTMOptions {
  numLayers?: number;
  bidirectional?: boolean;
  /** Inputs `[batch, time, features]` (true, the default here as in fastai) or `[time, batch, features]`. */
  batchFirst?: boolean;
  bias?: boolean;
}

/**
 * `torch.nn.LSTM` with PyTorch's gate order (input, forget, cell, output), parameter names
 * (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, `…_reverse`) and initialisation
 * U(-1/√hidden, 1/√hidden). Weights are kept `[in, 4·hidden]`; state-dict entries are PyTorch's `[4·hidden, in]`.
 * @example
 * ```ts
 * const lstm = new LSTM(8, 16);
 * const [out, [h, c]] = lstm.call(tf.zeros([2, 5, 8])); // out [2, 5, 16], h and c [1, 2, 16]
 * ```
 */
export class LSTM extends Module<[tf.Tensor, LSTMState?], [tf.Tensor, LSTMState]> {
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly batchFirst: boolean;
  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    opts: LSTMOptions = {},
  ) {
    super();
    this.numLayers = opts.numLayers ?? 1;
    this.bidirectional = opts.bidirectional ?? false;
    this.batchFirst = opts.batchFirst ?? true;
    const bias = opts.bias ?? true;
    const k = 1 / Math.sqrt(hiddenSize);
    const dirs = this.bidirectional ? 2 : 1;
    for (let l = 0; l < this.numLayers; l++) {
      const inSz = l === 0 ? inputSize : hiddenSize * dirs;
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${l}${d ? '_reverse' : ''}`;
        this.registerParameter(`weight_ih${sfx}`, uniform([inSz, 4 * hiddenSize], k), 'linear');
        this.registerParameter(`weight_hh${sfx}`, uniform([hiddenSize, 4 * hiddenSize], k), 'linear');
        if (bias) {
          this.registerParameter(`bias_ih${sfx}`, uniform([4 * hiddenSize], k), 'none', 'bias');
          this.registerParameter(`bias_hh${sfx}`, uniform([4 * hiddenSize], k), 'none', 'bias');
        }
      }
    }
  }

  /** The parameter named `name` (e.g. `weight_hh_l0`). */
  param(name: string): Parameter {
    const p = this.ownParameters().find(([n]) => n === name)?.[1];
    if (!p) throw new Error(`LSTM has no parameter ${name}`);
    return p;
  }

  /** The tensor used as a weight in the forward: overridden by weight dropout. */
  protected weightFor(name: string): tf.Tensor {
    return this.param(name).variable;
  }

  forward(x: tf.Tensor, state?: LSTMState): [tf.Tensor, LSTMState] {
    return tf.tidy(() => this.run(x, state));
  }

  private run(x: tf.Tensor, state?: LSTMState): [tf.Tensor, LSTMState] {
    const H = this.hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    const xb = this.batchFirst ? x : tf.transpose(x, [1, 0, 2]);
    const [B, T] = xb.shape as [number, number, number];
    const hs: tf.Tensor[] = [];
    const cs: tf.Tensor[] = [];
    let input = xb;
    for (let l = 0; l < this.numLayers; l++) {
      const outs: tf.Tensor[] = [];
      for (let d = 0; d < dirs; d++) {
        const i = l * dirs + d;
        const sfx = `_l${l}${d ? '_reverse' : ''}`;
        const h0 = state ? tf.squeeze(tf.slice(state[0], [i, 0, 0], [1, B, H]), [0]) : tf.zeros([B, H]);
        const c0 = state ? tf.squeeze(tf.slice(state[1], [i, 0, 0], [1, B, H]), [0]) : tf.zeros([B, H]);
        const hasBias = this.ownParameters().some(([n]) => n === `bias_ih${sfx}`);
        const bias = hasBias ? tf.add(this.weightFor(`bias_ih${sfx}`), this.weightFor(`bias_hh${sfx}`)) : undefined;
        // One matMul for the input projections of every time step.
        const xw = tf.fused.matMul({
          a: input.reshape([B * T, -1]) as tf.Tensor2D,
          b: this.weightFor(`weight_ih${sfx}`) as tf.Tensor2D,
          bias,
        }).reshape([B, T, 4 * H]);
        const steps = tf.unstack(xw, 1);
        const whh = this.weightFor(`weight_hh${sfx}`) as tf.Tensor2D;
        let h = h0;
        let c = c0;
        const ys: tf.Tensor[] = new Array(T);
        for (let s = 0; s < T; s++) {
          const t = d ? T - 1 - s : s;
          const gates = tf.add(steps[t], tf.matMul(h as tf.Tensor2D, whh));
          const [gi, gf, gg, go] = tf.split(gates, 4, 1);
          c = tf.add(tf.mul(tf.sigmoid(gf), c), tf.mul(tf.sigmoid(gi), tf.tanh(gg)));
          h = tf.mul(tf.sigmoid(go), tf.tanh(c));
          ys[t] = h;
        }
        outs.push(tf.stack(ys, 1));
        hs.push(h);
        cs.push(c);
      }
      input = dirs === 1 ? outs[0] : tf.concat(outs, 2);
    }
    const out = this.batchFirst ? input : tf.transpose(input, [1, 0, 2]);
    return [out, [tf.stack(hs), tf.stack(cs)]];
  }

  protected override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (this.batchFirst) s += ', batch_first=True';
    if (this.bidirectional) s += ', bidirectional=True';
    return s;
  }
  protected override attributes(): Record<string, unknown> {
    return {
      input_size: this.inputSize,
      hidden_size: this.hiddenSize,
      num_layers: this.numLayers,
      bidirectional: this.bidirectional,
      batch_first: this.batchFirst,
    };
  }
}
