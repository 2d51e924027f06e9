// torchvision's DenseNet-BC (densenet121/161/169/201), with torchvision's module names, so its state dicts load
// with no renaming; the published checkpoints' legacy keys (`denselayer1.norm.1.weight`) are renamed on load as
// torchvision's `_load_state_dict` does.
import * as tf from '@tensorflow/tfjs-core';
import {
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
  type LoadStateDictOptions,
  type StateDictInput,
  type TensorModule,
  type HostTensor,
} from '@tfai/core/nn';
import type { ResNetOptions } from './resnet.js';
import { initLayers } from './tv-init.js';

/**
 * torchvision's `_DenseLayer`: `norm1, relu1, conv1` (1×1 to `bnSize·growthRate`), `norm2, relu2, conv2` (3×3 to
 * `growthRate`). Its forward returns the new features only; {@link DenseBlock} concatenates them.
 * @example
 * ```ts
 * new DenseLayer(64, 32, 4).call(tf.zeros([1, 8, 8, 64])).shape; // [1, 8, 8, 32]
 * ```
 */
export class DenseLayer extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = '_DenseLayer';
  /** BatchNorm of the concatenated input features. */
  readonly norm1: BatchNorm2d;
  /** ReLU after `norm1`. */
  readonly relu1: ReLU;
  /** 1×1 bottleneck conv to `bnSize·growthRate` channels. */
  readonly conv1: Conv2d;
  /** BatchNorm of the bottleneck. */
  readonly norm2: BatchNorm2d;
  /** ReLU after `norm2`. */
  readonly relu2: ReLU;
  /** 3×3 conv to `growthRate` new channels. */
  readonly conv2: Conv2d;
  constructor(numInputFeatures: number, growthRate: number, bnSize: number) {
    super();
    const mid = bnSize * growthRate;
    this.norm1 = this.registerModule('norm1', new BatchNorm2d(numInputFeatures));
    this.relu1 = this.registerModule('relu1', new ReLU(true));
    this.conv1 = this.registerModule('conv1', new Conv2d(numInputFeatures, mid, 1, { bias: false }));
    this.norm2 = this.registerModule('norm2', new BatchNorm2d(mid));
    this.relu2 = this.registerModule('relu2', new ReLU(true));
    this.conv2 = this.registerModule('conv2', new Conv2d(mid, growthRate, 3, { padding: 1, bias: false }));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const b = this.conv1.call(this.relu1.call(this.norm1.call(x)));
      return this.conv2.call(this.relu2.call(this.norm2.call(b)));
    });
  }
}

/**
 * torchvision's `_DenseBlock` (a `ModuleDict` of `denselayer1…n`): each layer sees the concatenation (on
 * channels) of the block's input and every earlier layer's output; the block returns the concatenation of all,
 * `numInputFeatures + n·growthRate` channels.
 * @example
 * ```ts
 * new DenseBlock(6, 64, 4, 32).call(tf.zeros([1, 8, 8, 64])).shape; // [1, 8, 8, 256]
 * ```
 */
export class DenseBlock extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = '_DenseBlock';
  constructor(numLayers: number, numInputFeatures: number, bnSize: number, growthRate: number) {
    super();
    for (let i = 0; i < numLayers; i++)
      this.registerModule(`denselayer${i + 1}`, new DenseLayer(numInputFeatures + i * growthRate, growthRate, bnSize));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let features = x;
      for (const layer of this.children() as unknown as TensorModule[])
        features = tf.concat([features, layer.call(features)], -1);
      return features;
    });
  }
}

/**
 * torchvision's `_Transition`: a Sequential `norm, relu, conv` (1×1, halving the channels), `pool`
 * (AvgPool2d 2×2).
 * @example
 * ```ts
 * new Transition(256, 128).call(tf.zeros([1, 8, 8, 256])).shape; // [1, 4, 4, 128]
 * ```
 */
export class Transition extends Sequential {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = '_Transition';
  constructor(numInputFeatures: number, numOutputFeatures: number) {
    super();
    this.registerModule('norm', new BatchNorm2d(numInputFeatures));
    this.registerModule('relu', new ReLU(true));
    this.registerModule('conv', new Conv2d(numInputFeatures, numOutputFeatures, 1, { bias: false }));
    this.registerModule('pool', new AvgPool2d(2, { stride: 2 }));
  }
}

/** torchvision's `_load_state_dict` pattern: the published files' `denselayerN.norm.1.weight` is `norm1.weight`. */
const LEGACY_KEY = /^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$/;

/**
 * torchvision's `DenseNet` (BC): children `features` (a Sequential named `conv0, norm0, relu0, pool0,
 * denseblock1, transition1, …, denseblock4, norm5`) and `classifier` (Linear); the forward applies a ReLU, a
 * global average pool and a flatten between them. Initialised as torchvision: convs `kaiming_normal_`,
 * BatchNorm 1/0, the classifier's bias 0. `loadStateDict` also takes the published checkpoints' legacy keys.
 * @example
 * ```ts
 * densenet121({ numClasses: 10 }).eval().call(tf.zeros([1, 64, 64, 3])).shape; // [1, 10]
 * ```
 */
export class DenseNet extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'DenseNet';
  /** The convolutional trunk (fastai's body, cut at -1). */
  readonly features: Sequential;
  /** The final Linear layer. */
  readonly classifier: Linear;
  constructor(
    growthRate: number,
    blockConfig: readonly number[],
    numInitFeatures: number,
    bnSize = 4,
    numClasses = 1000,
  ) {
    super();
    const f = new Sequential();
    f.registerModule('conv0', new Conv2d(3, numInitFeatures, 7, { stride: 2, padding: 3, bias: false }));
    f.registerModule('norm0', new BatchNorm2d(numInitFeatures));
    f.registerModule('relu0', new ReLU(true));
    f.registerModule('pool0', new MaxPool2d(3, { stride: 2, padding: 1 }));
    let n = numInitFeatures;
    blockConfig.forEach((numLayers, i) => {
      f.registerModule(`denseblock${i + 1}`, new DenseBlock(numLayers, n, bnSize, growthRate));
      n += numLayers * growthRate;
      if (i !== blockConfig.length - 1) {
        f.registerModule(`transition${i + 1}`, new Transition(n, n >> 1));
        n >>= 1;
      }
    });
    f.registerModule('norm5', new BatchNorm2d(n));
    this.features = this.registerModule('features', f);
    this.classifier = this.registerModule('classifier', new Linear(n, numClasses));
    initLayers(this, (m) => (m instanceof Conv2d ? { kind: 'kaimingNormal', mode: 'fanIn' } : undefined));
    tf.tidy(() => this.classifier.bias?.variable.assign(tf.zerosLike(this.classifier.bias.variable)));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const f = tf.relu(this.features.call(x));
      return this.classifier.call(tf.mean(f, [1, 2]));
    });
  }
  /**
   * Loads a state dict, renaming the legacy keys of torchvision's published DenseNet checkpoints first (a missing
   * `num_batches_tracked` starts at 0 in {@link Module.loadStateDict}, as PyTorch's BatchNorm).
   */
  override loadStateDict(
    input: StateDictInput,
    opts?: LoadStateDictOptions,
  ): {
    /** The module's parameter and buffer names absent from the input (PyTorch's `missing_keys`; empty when strict). */
    missing: string[];
    /** The input's keys that name no parameter or buffer (PyTorch's `unexpected_keys`; empty when strict). */
    unexpected: string[];
  } {
    const sd = 'toStateDict' in input && typeof input.toStateDict === 'function' ? input.toStateDict() : input;
    const renamed: Record<string, tf.Tensor | HostTensor> = {};
    for (const [k, v] of Object.entries(sd as Record<string, tf.Tensor | HostTensor>)) {
      const m = LEGACY_KEY.exec(k);
      renamed[m ? m[1] + m[2] : k] = v;
    }
    return super.loadStateDict(renamed, opts);
  }
}

/**
 * DenseNet-121 (torchvision `densenet121`): growth 32, blocks `[6, 12, 24, 16]`, 64 initial features;
 * 7,978,856 parameters with 1000 classes, 1024 features out of the body.
 * @example
 * ```ts
 * const learn = await visionLearner(dls, densenet121, { pretrained: false });
 * ```
 */
export function densenet121(opts: ResNetOptions = {}): DenseNet {
  return new DenseNet(32, [6, 12, 24, 16], 64, 4, opts.numClasses);
}

/**
 * DenseNet-161: growth 48, blocks `[6, 12, 36, 24]`, 96 initial features; 28,681,000 parameters, 2208 features.
 * @example
 * ```ts
 * densenet161({ numClasses: 37 });
 * ```
 */
export function densenet161(opts: ResNetOptions = {}): DenseNet {
  return new DenseNet(48, [6, 12, 36, 24], 96, 4, opts.numClasses);
}

/**
 * DenseNet-169: growth 32, blocks `[6, 12, 32, 32]`; 14,149,480 parameters, 1664 features.
 * @example
 * ```ts
 * densenet169();
 * ```
 */
export function densenet169(opts: ResNetOptions = {}): DenseNet {
  return new DenseNet(32, [6, 12, 32, 32], 64, 4, opts.numClasses);
}

/**
 * DenseNet-201: growth 32, blocks `[6, 12, 48, 32]`; 20,013,928 parameters, 1920 features.
 * @example
 * ```ts
 * densenet201();
 * ```
 */
export function densenet201(opts: ResNetOptions = {}): DenseNet {
  return new DenseNet(32, [6, 12, 48, 32], 64, 4, opts.numClasses);
}
