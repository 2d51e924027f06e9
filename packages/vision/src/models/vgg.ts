// torchvision's VGG with BatchNorm (vgg11_bn/13_bn/16_bn/19_bn), with torchvision's module names.
import * as tf from '@tensorflow/tfjs-core';
import {
  AdaptiveAvgPool2d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
} from '@tfai/core/nn';
import type { TensorModule } from '@tfai/core/nn';
import type { ResNetOptions } from './resnet.js';
import { initLayers } from './tv-init.js';

/** A VGG configuration of torchvision: `A` (11 layers), `B` (13), `D` (16), `E` (19). */
export type VggConfig = 'A' | 'B' | 'D' | 'E';

/** torchvision's `cfgs`: channel counts, `'M'` for a 2×2 max pool. */
const CFGS: Record<VggConfig, readonly (number | 'M')[]> = {
  A: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  B: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  D: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  E: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
};

/** torchvision's `make_layers(cfg, batch_norm=True)`: `Conv2d(3×3, padding 1), BatchNorm2d, ReLU` per number. */
function makeLayers(cfg: VggConfig): Sequential {
  const layers: TensorModule[] = [];
  let cin = 3;
  for (const v of CFGS[cfg]) {
    if (v === 'M') layers.push(new MaxPool2d(2, { stride: 2 }));
    else {
      layers.push(new Conv2d(cin, v, 3, { padding: 1 }), new BatchNorm2d(v), new ReLU(true));
      cin = v;
    }
  }
  return new Sequential(...layers);
}

/**
 * torchvision's `VGG` with BatchNorm: children `features`, `avgpool` (AdaptiveAvgPool2d 7×7) and `classifier`
 * (`Linear(25088, 4096), ReLU, Dropout, Linear(4096, 4096), ReLU, Dropout, Linear(4096, numClasses)`), flattened
 * before the classifier. Initialised as torchvision: convs `kaiming_normal_(fan_out)`, linears `normal_(0, 0.01)`,
 * biases 0.
 * @example
 * ```ts
 * vgg11_bn({ numClasses: 10 }).eval().call(tf.zeros([1, 64, 64, 3])).shape; // [1, 10]
 * ```
 */
export class VGG extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'VGG';
  /** The convolutional trunk (fastai's body, cut at -2). */
  readonly features: Sequential;
  /** Average pool to 7×7. */
  readonly avgpool: AdaptiveAvgPool2d;
  /** The three fully connected layers. */
  readonly classifier: Sequential;
  constructor(cfg: VggConfig, numClasses = 1000, dropout = 0.5) {
    super();
    this.features = this.registerModule('features', makeLayers(cfg));
    this.avgpool = this.registerModule('avgpool', new AdaptiveAvgPool2d(7));
    this.classifier = this.registerModule(
      'classifier',
      new Sequential(
        new Linear(512 * 7 * 7, 4096),
        new ReLU(true),
        new Dropout(dropout),
        new Linear(4096, 4096),
        new ReLU(true),
        new Dropout(dropout),
        new Linear(4096, numClasses),
      ),
    );
    initLayers(this, (m) =>
      m instanceof Conv2d ? { kind: 'kaimingNormal', mode: 'fanOut' } : { kind: 'normal', std: 0.01 },
    );
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.classifier.call(torchFlatten(this.avgpool.call(this.features.call(x)))));
  }
}

/** `torch.flatten(x, 1)` of an NHWC activation: channels-first order, so the first Linear sees PyTorch's layout. */
export function torchFlatten(x: tf.Tensor): tf.Tensor {
  return tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [x.shape[0], -1]);
}

/**
 * VGG-11 with BatchNorm (torchvision `vgg11_bn`): 132,868,840 parameters with 1000 classes, 512 features.
 * @example
 * ```ts
 * const body = createBody(vgg11_bn, { cut: -2 });
 * ```
 */
export function vgg11_bn(opts: ResNetOptions = {}): VGG {
  return new VGG('A', opts.numClasses);
}

/**
 * VGG-13 with BatchNorm: 133,053,736 parameters.
 * @example
 * ```ts
 * vgg13_bn();
 * ```
 */
export function vgg13_bn(opts: ResNetOptions = {}): VGG {
  return new VGG('B', opts.numClasses);
}

/**
 * VGG-16 with BatchNorm: 138,365,992 parameters.
 * @example
 * ```ts
 * vgg16_bn();
 * ```
 */
export function vgg16_bn(opts: ResNetOptions = {}): VGG {
  return new VGG('D', opts.numClasses);
}

/**
 * VGG-19 with BatchNorm: 143,678,248 parameters.
 * @example
 * ```ts
 * vgg19_bn();
 * ```
 */
export function vgg19_bn(opts: ResNetOptions = {}): VGG {
  return new VGG('E', opts.numClasses);
}
