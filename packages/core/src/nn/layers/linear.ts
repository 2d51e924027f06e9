import * as tf from '@tensorflow/tfjs-core';
import { torchDefaultUniform } from '../init.js';
import { Module, type Parameter } from '../module.js';

/**
 * `y = x Wᵀ + b`, as `torch.nn.Linear`. The weight is kept as `[in, out]` so the forward is a plain
 * (fused) matMul; its state-dict entry is PyTorch's `[out, in]`.
 * @example
 * ```ts
 * const lin = new Linear(512, 37, { bias: false });
 * lin.call(tf.zeros([8, 512])).shape; // [8, 37]
 * ```
 */
export class Linear extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'Linear';
  /** The weight, stored `[inFeatures, outFeatures]` (state dict: PyTorch's `[out_features, in_features]`); init U(-1/√in, 1/√in). */
  readonly weight: Parameter;
  /** The bias `[outFeatures]` (init U(-1/√in, 1/√in)); undefined with `bias: false`. */
  readonly bias: Parameter | undefined;
  constructor(
    /** Size of each input's last dimension (PyTorch's `in_features`). */
    readonly inFeatures: number,
    /** Size of each output's last dimension (PyTorch's `out_features`). */
    readonly outFeatures: number,
    opts: { bias?: boolean } = {},
  ) {
    super();
    this.weight = this.registerParameter(
      'weight',
      torchDefaultUniform([inFeatures, outFeatures], inFeatures),
      'linear',
    );
    this.bias =
      (opts.bias ?? true)
        ? this.registerParameter('bias', torchDefaultUniform([outFeatures], inFeatures), 'none', 'bias')
        : undefined;
  }
  forward(x: tf.Tensor): tf.Tensor {
    const lead = x.shape.slice(0, -1);
    const x2 = x.rank === 2 ? (x as tf.Tensor2D) : (x.reshape([-1, this.inFeatures]) as tf.Tensor2D);
    const y = tf.fused.matMul({ a: x2, b: this.weight.variable as tf.Tensor2D, bias: this.bias?.variable });
    return x.rank === 2 ? y : y.reshape([...lead, this.outFeatures]);
  }
  protected override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }
  protected override attributes(): Record<string, unknown> {
    return { in_features: this.inFeatures, out_features: this.outFeatures, bias: this.bias !== undefined };
  }
}
