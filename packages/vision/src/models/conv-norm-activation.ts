// torchvision's `ops.misc.Conv2dNormActivation`, the convolution → norm → activation block of its modern
// architectures (EfficientNet's every block, ConvNeXt's stem), with torchvision's child names `0, 1, 2`.
import { BatchNorm2d, Conv2d, ReLU, Sequential } from '@tfai/core/nn';
import type { TensorModule } from '@tfai/core/nn';

/** Options of {@link Conv2dNormActivation}, as torchvision's arguments. */
export interface Conv2dNormActivationOptions {
  /** Stride of the convolution. Default 1. */
  stride?: number;
  /** Padding; default `(kernel_size − 1) / 2 · dilation` (floored). */
  padding?: number;
  /** Groups of the convolution (= channels: depthwise). Default 1. */
  groups?: number;
  /** Dilation of the convolution. Default 1. */
  dilation?: number;
  /** The norm layer for `out` channels, or `null` for none. Default BatchNorm2d. */
  normLayer?: ((channels: number) => TensorModule) | null;
  /** The activation, or `null` for none. Default ReLU. */
  activationLayer?: (() => TensorModule) | null;
  /** Whether the convolution has a bias. Default: only without a norm layer. */
  bias?: boolean;
}

/**
 * torchvision's `Conv2dNormActivation`: a `Sequential` of a Conv2d, a norm layer (BatchNorm2d by default) and an
 * activation (ReLU by default), either of the last two left out when `null`.
 * @example
 * ```ts
 * const stem = new Conv2dNormActivation(3, 32, 3, { stride: 2, activationLayer: () => new SiLU(true) });
 * stem.call(tf.zeros([1, 64, 64, 3])).shape; // [1, 32, 32, 32]
 * ```
 */
export class Conv2dNormActivation extends Sequential {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'Conv2dNormActivation';
  constructor(inChannels: number, outChannels: number, kernelSize = 3, opts: Conv2dNormActivationOptions = {}) {
    const dilation = opts.dilation ?? 1;
    const normLayer = opts.normLayer === undefined ? (c: number) => new BatchNorm2d(c) : opts.normLayer;
    const act = opts.activationLayer === undefined ? () => new ReLU(true) : opts.activationLayer;
    const layers: TensorModule[] = [
      new Conv2d(inChannels, outChannels, kernelSize, {
        stride: opts.stride ?? 1,
        padding: opts.padding ?? Math.floor((kernelSize - 1) / 2) * dilation,
        dilation,
        groups: opts.groups ?? 1,
        bias: opts.bias ?? normLayer === null,
      }),
    ];
    if (normLayer) layers.push(normLayer(outChannels));
    if (act) layers.push(act());
    super(...layers);
  }
}
