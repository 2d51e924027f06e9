// torchvision's SqueezeNet 1.0 and 1.1, with torchvision's module names.
import * as tf from '@tensorflow/tfjs-core';
import { AdaptiveAvgPool2d, Conv2d, Dropout, MaxPool2d, Module, ReLU, Sequential } from '@tfai/core/nn';
import type { TensorModule } from '@tfai/core/nn';
import type { ResNetOptions } from './resnet.js';
import { initLayers } from './tv-init.js';

/**
 * torchvision's `Fire` module: `squeeze` (1×1) and its ReLU, then `expand1x1` and `expand3x3` side by side, each
 * with a ReLU, concatenated on channels (`expand1x1Planes + expand3x3Planes` out).
 * @example
 * ```ts
 * new Fire(96, 16, 64, 64).call(tf.zeros([1, 8, 8, 96])).shape; // [1, 8, 8, 128]
 * ```
 */
export class Fire extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'Fire';
  /** 1×1 squeeze conv. */
  readonly squeeze: Conv2d;
  /** ReLU after the squeeze. */
  readonly squeezeActivation: ReLU;
  /** 1×1 expand conv. */
  readonly expand1x1: Conv2d;
  /** ReLU after `expand1x1`. */
  readonly expand1x1Activation: ReLU;
  /** 3×3 expand conv (padding 1). */
  readonly expand3x3: Conv2d;
  /** ReLU after `expand3x3`. */
  readonly expand3x3Activation: ReLU;
  constructor(inplanes: number, squeezePlanes: number, expand1x1Planes: number, expand3x3Planes: number) {
    super();
    this.squeeze = this.registerModule('squeeze', new Conv2d(inplanes, squeezePlanes, 1));
    this.squeezeActivation = this.registerModule('squeeze_activation', new ReLU(true));
    this.expand1x1 = this.registerModule('expand1x1', new Conv2d(squeezePlanes, expand1x1Planes, 1));
    this.expand1x1Activation = this.registerModule('expand1x1_activation', new ReLU(true));
    this.expand3x3 = this.registerModule('expand3x3', new Conv2d(squeezePlanes, expand3x3Planes, 3, { padding: 1 }));
    this.expand3x3Activation = this.registerModule('expand3x3_activation', new ReLU(true));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const s = this.squeezeActivation.call(this.squeeze.call(x));
      return tf.concat(
        [this.expand1x1Activation.call(this.expand1x1.call(s)), this.expand3x3Activation.call(this.expand3x3.call(s))],
        -1,
      );
    });
  }
}

/** SqueezeNet's version: torchvision's `'1_0'` or `'1_1'`. */
export type SqueezeNetVersion = '1_0' | '1_1';

const pool = () => new MaxPool2d(3, { stride: 2, ceilMode: true });

/**
 * torchvision's `SqueezeNet`: children `features` (a Sequential of convs, ceil-mode max pools and {@link Fire}s)
 * and `classifier` (`Dropout, Conv2d(512, numClasses, 1), ReLU, AdaptiveAvgPool2d(1)`), flattened at the end.
 * Initialised as torchvision: the final conv `normal_(0, 0.01)`, the others `kaiming_uniform_`, biases 0.
 * @example
 * ```ts
 * squeezenet1_1({ numClasses: 10 }).eval().call(tf.zeros([1, 64, 64, 3])).shape; // [1, 10]
 * ```
 */
export class SqueezeNet extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'SqueezeNet';
  /** The convolutional trunk (fastai's body, cut at -1). */
  readonly features: Sequential;
  /** Dropout, final 1×1 conv, ReLU, global average pool. */
  readonly classifier: Sequential;
  constructor(version: SqueezeNetVersion = '1_0', numClasses = 1000) {
    super();
    const layers: TensorModule[] =
      version === '1_0'
        ? [
            new Conv2d(3, 96, 7, { stride: 2 }),
            new ReLU(true),
            pool(),
            new Fire(96, 16, 64, 64),
            new Fire(128, 16, 64, 64),
            new Fire(128, 32, 128, 128),
            pool(),
            new Fire(256, 32, 128, 128),
            new Fire(256, 48, 192, 192),
            new Fire(384, 48, 192, 192),
            new Fire(384, 64, 256, 256),
            pool(),
            new Fire(512, 64, 256, 256),
          ]
        : [
            new Conv2d(3, 64, 3, { stride: 2 }),
            new ReLU(true),
            pool(),
            new Fire(64, 16, 64, 64),
            new Fire(128, 16, 64, 64),
            pool(),
            new Fire(128, 32, 128, 128),
            new Fire(256, 32, 128, 128),
            pool(),
            new Fire(256, 48, 192, 192),
            new Fire(384, 48, 192, 192),
            new Fire(384, 64, 256, 256),
            new Fire(512, 64, 256, 256),
          ];
    this.features = this.registerModule('features', new Sequential(...layers));
    const finalConv = new Conv2d(512, numClasses, 1);
    this.classifier = this.registerModule(
      'classifier',
      new Sequential(new Dropout(0.5), finalConv, new ReLU(true), new AdaptiveAvgPool2d(1)),
    );
    initLayers(this, (m) => (m === finalConv ? { kind: 'normal', std: 0.01 } : { kind: 'kaimingUniform' }));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const y = this.classifier.call(this.features.call(x));
      return tf.reshape(y, [y.shape[0], -1]);
    });
  }
}

/**
 * SqueezeNet 1.0 (torchvision `squeezenet1_0`): 1,248,424 parameters with 1000 classes, 512 features.
 * @example
 * ```ts
 * const body = createBody(squeezenet1_0, { cut: -1 });
 * ```
 */
export function squeezenet1_0(opts: ResNetOptions = {}): SqueezeNet {
  return new SqueezeNet('1_0', opts.numClasses);
}

/**
 * SqueezeNet 1.1 (torchvision `squeezenet1_1`): 1,235,496 parameters, 2.4× less computation than 1.0.
 * @example
 * ```ts
 * squeezenet1_1({ numClasses: 37 });
 * ```
 */
export function squeezenet1_1(opts: ResNetOptions = {}): SqueezeNet {
  return new SqueezeNet('1_1', opts.numClasses);
}
