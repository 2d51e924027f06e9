import * as tf from '@tensorflow/tfjs-core';
import { uniform } from '../init.js';
import { Module, type Parameter } from '../module.js';
import { lstmRecurrence } from './lstm-recurrence.js';

/** LSTM state: `h` and `c`, each `[numLayers·numDirections, batch, hidden]` (PyTorch's layout). */
export type LSTMState = [tf.Tensor, tf.Tensor];

/** Options of {@link LSTM}. */
export interface LSTMOptions {
  /** Number of stacked LSTM layers, each fed the previous one's outputs (PyTorch's `num_layers`; default 1). */
  numLayers?: number;
  /** Whether each layer also runs backwards in time, doubling the output features (PyTorch's `bidirectional`; default false). */
  bidirectional?: boolean;
  /** Inputs `[batch, time, features]` (true, the default here as in fastai) or `[time, batch, features]`. */
  batchFirst?: boolean;
  /** Whether each layer has the biases `bias_ih_l*` and `bias_hh_l*` (PyTorch's `bias`; default true). */
  bias?: boolean;
}

/**
 * `torch.nn.LSTM` with PyTorch's gate order (input, forget, cell, output), parameter names
 * (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, `…_reverse`) and initialisation
 * U(-1/√hidden, 1/√hidden). Weights are kept `[in, 4·hidden]`; state-dict entries are PyTorch's `[4·hidden, in]`.
 * Each layer projects all time steps' inputs in one matMul, then runs `lstmRecurrence` (hand-written
 * backward through time).
 * @example
 * ```ts
 * const lstm = new LSTM(8, 16);
 * const [out, [h, c]] = lstm.call(tf.zeros([2, 5, 8])); // out [2, 5, 16], h and c [1, 2, 16]
 * ```
 */
export class LSTM extends Module<[tf.Tensor, LSTMState?], [tf.Tensor, LSTMState]> {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'LSTM';
  /** Number of stacked layers (PyTorch's `num_layers`; default 1). */
  readonly numLayers: number;
  /** Whether each layer also runs backwards; outputs then have `2·hiddenSize` features (PyTorch's `bidirectional`). */
  readonly bidirectional: boolean;
  /** Whether inputs and outputs are `[batch, time, features]` (default true, as fastai's; PyTorch's `batch_first` defaults to false). */
  readonly batchFirst: boolean;
  /** Whether the layers have the `bias_ih_l*`/`bias_hh_l*` parameters (PyTorch's `bias`; default true). */
  readonly bias: boolean;
  private readonly weightSources = new Map<string, () => tf.Tensor>();
  constructor(
    /** Number of features of each input time step (PyTorch's `input_size`). */
    readonly inputSize: number,
    /** Number of features of the hidden and cell states, and of each output step per direction (PyTorch's `hidden_size`). */
    readonly hiddenSize: number,
    opts: LSTMOptions = {},
  ) {
    super();
    this.numLayers = opts.numLayers ?? 1;
    this.bidirectional = opts.bidirectional ?? false;
    this.batchFirst = opts.batchFirst ?? true;
    this.bias = opts.bias ?? true;
    const k = 1 / Math.sqrt(hiddenSize);
    const dirs = this.bidirectional ? 2 : 1;
    for (let l = 0; l < this.numLayers; l++) {
      const inSz = l === 0 ? inputSize : hiddenSize * dirs;
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${l}${d ? '_reverse' : ''}`;
        this.registerParameter(`weight_ih${sfx}`, uniform([inSz, 4 * hiddenSize], k), 'linear');
        this.registerParameter(`weight_hh${sfx}`, uniform([hiddenSize, 4 * hiddenSize], k), 'linear');
        if (this.bias) {
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

  /**
   * Takes the parameter `name` out of this LSTM (it leaves its parameters and state dict) and computes that weight
   * with `source` at every forward instead, in this LSTM's layout (`[in, 4·hidden]`): how weight dropout wraps an
   * LSTM. Returns the removed parameter, which the caller now owns.
   * @example
   * ```ts
   * const raw = lstm.replaceWeight('weight_hh_l0', () => tf.dropout(raw.variable, 0.5));
   * ```
   */
  replaceWeight(name: string, source: () => tf.Tensor): Parameter {
    const p = this.removeParameter(name);
    this.weightSources.set(name, source);
    return p;
  }

  /** The tensor used as a weight in the forward: a parameter, or what {@link replaceWeight} installed. */
  protected weightFor(name: string): tf.Tensor {
    const source = this.weightSources.get(name);
    return source ? source() : this.param(name).variable;
  }

  forward(x: tf.Tensor, state?: LSTMState): [tf.Tensor, LSTMState] {
    return tf.tidy(() => this.run(x, state));
  }

  private run(x: tf.Tensor, state?: LSTMState): [tf.Tensor, LSTMState] {
    const H = this.hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    // Time-major inside, so that each step is a contiguous slice.
    let input = (this.batchFirst ? tf.transpose(x, [1, 0, 2]) : x) as tf.Tensor3D;
    const [T, B] = input.shape;
    const hs: tf.Tensor[] = [];
    const cs: tf.Tensor[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      const outs: tf.Tensor3D[] = [];
      for (let d = 0; d < dirs; d++) {
        const i = l * dirs + d;
        const sfx = `_l${l}${d ? '_reverse' : ''}`;
        const h0 = (
          state ? tf.reshape(tf.slice(state[0], [i, 0, 0], [1, B, H]), [B, H]) : tf.zeros([B, H])
        ) as tf.Tensor2D;
        const c0 = (
          state ? tf.reshape(tf.slice(state[1], [i, 0, 0], [1, B, H]), [B, H]) : tf.zeros([B, H])
        ) as tf.Tensor2D;
        const bias = this.bias ? tf.add(this.weightFor(`bias_ih${sfx}`), this.weightFor(`bias_hh${sfx}`)) : undefined;
        // One matMul for the input projections of every time step.
        let xw = tf.fused
          .matMul({
            a: tf.reshape(input, [T * B, -1]) as tf.Tensor2D,
            b: this.weightFor(`weight_ih${sfx}`) as tf.Tensor2D,
            bias,
          })
          .reshape([T, B, 4 * H]) as tf.Tensor3D;
        if (d) xw = tf.reverse(xw, 0);
        const { ys, c } = lstmRecurrence(xw, this.weightFor(`weight_hh${sfx}`) as tf.Tensor2D, h0, c0);
        hs.push(tf.reshape(tf.slice(ys, [T - 1, 0, 0], [1, B, H]), [B, H]));
        cs.push(c);
        outs.push(d ? tf.reverse(ys, 0) : ys);
      }
      input = dirs === 1 ? outs[0] : tf.concat(outs, 2);
    }
    const out = this.batchFirst ? tf.transpose(input, [1, 0, 2]) : input;
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
