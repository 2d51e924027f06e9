import * as tf from '@tensorflow/tfjs-core';
import { Module } from '../module.js';
import type { TensorModule } from './container.js';
import { Conv2d } from './conv.js';
import { AdaptiveAvgPool2d } from './pooling.js';
import { ReLU, Sigmoid } from './activation.js';

/**
 * torchvision's `ops.SqueezeExcitation` (EfficientNet's MBConv): `x · σ(fc2(act(fc1(avgpool(x)))))`, the
 * channel weights from the image's average through two 1×1 convolutions. Children (PyTorch's names):
 * `avgpool, fc1, fc2, activation, scale_activation`.
 * @example
 * ```ts
 * new SqueezeExcitation(96, 4, { activation: new SiLU() }).call(tf.zeros([1, 8, 8, 96])).shape; // [1, 8, 8, 96]
 * ```
 */
export class SqueezeExcitation extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'SqueezeExcitation';
  /** The global average pool. */
  readonly avgpool: AdaptiveAvgPool2d;
  /** 1×1 convolution down to the squeeze channels. */
  readonly fc1: Conv2d;
  /** 1×1 convolution back up to the input channels. */
  readonly fc2: Conv2d;
  /** The activation between the two (PyTorch's default ReLU; SiLU in EfficientNet). */
  readonly activation: TensorModule;
  /** The gate (Sigmoid). */
  readonly scaleActivation: TensorModule;
  constructor(
    inputChannels: number,
    squeezeChannels: number,
    opts: { activation?: TensorModule; scaleActivation?: TensorModule } = {},
  ) {
    super();
    this.avgpool = this.registerModule('avgpool', new AdaptiveAvgPool2d(1));
    this.fc1 = this.registerModule('fc1', new Conv2d(inputChannels, squeezeChannels, 1));
    this.fc2 = this.registerModule('fc2', new Conv2d(squeezeChannels, inputChannels, 1));
    this.activation = this.registerModule('activation', opts.activation ?? new ReLU());
    this.scaleActivation = this.registerModule('scale_activation', opts.scaleActivation ?? new Sigmoid());
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const s = this.avgpool.call(x);
      const scale = this.scaleActivation.call(this.fc2.call(this.activation.call(this.fc1.call(s))));
      return tf.mul(scale, x);
    });
  }
}
