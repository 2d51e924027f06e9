// fastai 2.7's SelfAttention (`fastai/layers.py`, SAGAN): 1×1 convs (spectral-normalised Conv1d, no bias) for
// query, key and value, softmax attention over all positions, and `gamma·out + x` with gamma starting at 0.
import * as tf from '@tensorflow/tfjs-core';
import { normal, torchDefaultUniform } from '../init.js';
import { Sequential } from '../layers/container.js';
import { Module, type Parameter } from '../module.js';

/**
 * PyTorch's `spectral_norm(nn.Conv1d(ni, nf, 1, bias=False))`: the weight is `weight_orig / σ`, σ estimated by one
 * power iteration per training forward (updating the `weight_u`, `weight_v` buffers), as
 * `torch.nn.utils.spectral_norm`. Keeps PyTorch's names and layout (`weight_orig` is `[nf, ni, 1]`). Input
 * `[B, L, ni]` (positions first, channels last), output `[B, L, nf]`.
 * @example
 * ```ts
 * new SpectralConv1d(16, 2).call(tf.zeros([1, 64, 16])).shape; // [1, 64, 2]
 * ```
 */
export class SpectralConv1d extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'SpectralConv1d';
  /** The unnormalised weight `[outChannels, inChannels, 1]` (PyTorch's `weight_orig`); init U(±1/√inChannels). */
  readonly weightOrig: Parameter;
  /** Power-iteration estimate of the left singular vector `[outChannels]`, unit norm (buffer `weight_u`). */
  readonly u: tf.Variable;
  /** Power-iteration estimate of the right singular vector `[inChannels]`, unit norm (buffer `weight_v`). */
  readonly v: tf.Variable;
  /** Floor of the norms divided by when normalising `u` and `v` (PyTorch's `spectral_norm` `eps`, 1e-12). */
  readonly eps = 1e-12;
  constructor(
    /** Number of input channels, the input's last axis (PyTorch's `in_channels`). */
    readonly inChannels: number,
    /** Number of output channels, the output's last axis (PyTorch's `out_channels`). */
    readonly outChannels: number,
  ) {
    super();
    this.weightOrig = this.registerParameter(
      'weight_orig',
      torchDefaultUniform([outChannels, inChannels, 1], inChannels),
    );
    this.u = this.registerBuffer('weight_u', this.normalize(normal([outChannels])));
    this.v = this.registerBuffer('weight_v', this.normalize(normal([inChannels])));
  }
  override get typeName(): string {
    return 'Conv1d';
  }
  private normalize(t: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.div(t, tf.maximum(tf.norm(t), this.eps)));
  }
  /** The normalised weight `[nf, ni]`. */
  weight(): tf.Tensor2D {
    return tf.tidy(() => {
      const w = this.weightOrig.variable.reshape([this.outChannels, this.inChannels]) as tf.Tensor2D;
      if (this.training) {
        // One power iteration; u and v reach σ only through the buffers, so no gradient flows through it (PyTorch
        // runs it under no_grad).
        const [u, v] = tf.tidy(() => {
          const v = this.normalize(tf.matMul(this.u.reshape([1, -1]), w).reshape([-1]));
          const u = this.normalize(tf.matMul(w, v.reshape([-1, 1])).reshape([-1]));
          return [u, v];
        });
        this.u.assign(u);
        this.v.assign(v);
        tf.dispose([u, v]);
      }
      const sigma = tf.sum(tf.mul(this.u, tf.matMul(w, this.v.reshape([-1, 1])).reshape([-1])));
      return tf.div(w, sigma) as tf.Tensor2D;
    });
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [b, l] = x.shape;
      const y = tf.matMul(x.reshape([-1, this.inChannels]), this.weight(), false, true);
      return y.reshape([b!, l!, this.outChannels]);
    });
  }
  protected override attributes(): Record<string, unknown> {
    return {
      in_channels: this.inChannels,
      out_channels: this.outChannels,
      kernel_size: [1],
      stride: [1],
      padding: [0],
      bias: false,
    };
  }
}

/** fastai's `ConvLayer(ni, nf, ks=1, ndim=1, norm_type=Spectral, act_cls=None, bias=False)`: one spectral Conv1d. */
class SpectralConvLayer extends Sequential {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'SpectralConvLayer';
  constructor(ni: number, nf: number) {
    super(new SpectralConv1d(ni, nf));
  }
  override get typeName(): string {
    return 'ConvLayer';
  }
}

/**
 * fastai's `SelfAttention(n_channels)` on NHWC images: `x + γ·attention(x)`, γ a parameter starting at 0 (so the
 * layer starts as the identity).
 * @example
 * ```ts
 * const sa = new SelfAttention(16);
 * sa.call(tf.ones([1, 4, 4, 16])).shape; // [1, 4, 4, 16] (equal to the input while γ = 0)
 * ```
 */
export class SelfAttention extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'SelfAttention';
  /** The spectral 1×1 conv `C → C/8` making the queries f (fastai's `query`). */
  readonly query: Sequential;
  /** The spectral 1×1 conv `C → C/8` making the keys g (fastai's `key`). */
  readonly key: Sequential;
  /** The spectral 1×1 conv `C → C` making the values h (fastai's `value`). */
  readonly value: Sequential;
  /** The learned scale γ `[1]` of the attention output, init 0 so the layer starts as the identity (fastai's `gamma`). */
  readonly gamma: Parameter;
  constructor(
    /** Number of channels C of the NHWC input and output (fastai's `n_channels`); queries and keys get `C/8`. */
    readonly nChannels: number,
  ) {
    super();
    this.query = this.registerModule('query', new SpectralConvLayer(nChannels, nChannels >> 3));
    this.key = this.registerModule('key', new SpectralConvLayer(nChannels, nChannels >> 3));
    this.value = this.registerModule('value', new SpectralConvLayer(nChannels, nChannels));
    this.gamma = this.registerParameter('gamma', tf.zeros([1]));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [b, h, w, c] = x.shape as [number, number, number, number];
      const xf = x.reshape([b, h * w, c]);
      const f = this.query.call(xf);
      const g = this.key.call(xf);
      const v = this.value.call(xf);
      // PyTorch: beta[i, j] = softmax_i(f_i · g_j); out[j] = Σ_i beta[i, j] v_i. Here betaT[j, i] = beta[i, j].
      const betaT = tf.softmax(tf.matMul(g, f, false, true), -1);
      const o = tf.add(tf.mul(this.gamma.variable, tf.matMul(betaT, v)), xf);
      return o.reshape([b, h, w, c]);
    });
  }
}
