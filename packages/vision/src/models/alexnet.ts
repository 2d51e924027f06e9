// torchvision's AlexNet (the "one weird trick" variant), with torchvision's module names.
import * as tf from '@tensorflow/tfjs-core';
import { AdaptiveAvgPool2d, Conv2d, Dropout, Linear, MaxPool2d, Module, ReLU, Sequential } from '@tfai/core/nn';
import type { ResNetOptions } from './resnet.js';
import { torchFlatten } from './vgg.js';

/**
 * torchvision's `AlexNet`: children `features` (5 convs with ReLUs and 3 max pools), `avgpool`
 * (AdaptiveAvgPool2d 6×6) and `classifier` (`Dropout, Linear(9216, 4096), ReLU, Dropout, Linear(4096, 4096),
 * ReLU, Linear(4096, numClasses)`), flattened before the classifier. PyTorch's default init.
 * @example
 * ```ts
 * alexnet({ numClasses: 10 }).eval().call(tf.zeros([1, 64, 64, 3])).shape; // [1, 10]
 * ```
 */
export class AlexNet extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'AlexNet';
  /** The convolutional trunk (fastai's body, cut at -2). */
  readonly features: Sequential;
  /** Average pool to 6×6. */
  readonly avgpool: AdaptiveAvgPool2d;
  /** The three fully connected layers with dropout. */
  readonly classifier: Sequential;
  constructor(numClasses = 1000, dropout = 0.5) {
    super();
    this.features = this.registerModule(
      'features',
      new Sequential(
        new Conv2d(3, 64, 11, { stride: 4, padding: 2 }),
        new ReLU(true),
        new MaxPool2d(3, { stride: 2 }),
        new Conv2d(64, 192, 5, { padding: 2 }),
        new ReLU(true),
        new MaxPool2d(3, { stride: 2 }),
        new Conv2d(192, 384, 3, { padding: 1 }),
        new ReLU(true),
        new Conv2d(384, 256, 3, { padding: 1 }),
        new ReLU(true),
        new Conv2d(256, 256, 3, { padding: 1 }),
        new ReLU(true),
        new MaxPool2d(3, { stride: 2 }),
      ),
    );
    this.avgpool = this.registerModule('avgpool', new AdaptiveAvgPool2d(6));
    this.classifier = this.registerModule(
      'classifier',
      new Sequential(
        new Dropout(dropout),
        new Linear(256 * 6 * 6, 4096),
        new ReLU(true),
        new Dropout(dropout),
        new Linear(4096, 4096),
        new ReLU(true),
        new Linear(4096, numClasses),
      ),
    );
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.classifier.call(torchFlatten(this.avgpool.call(this.features.call(x)))));
  }
}

/**
 * AlexNet (torchvision `alexnet`): 61,100,840 parameters with 1000 classes, 256 features out of the body.
 * @example
 * ```ts
 * const body = createBody(alexnet, { cut: -2 });
 * ```
 */
export function alexnet(opts: ResNetOptions = {}): AlexNet {
  return new AlexNet(opts.numClasses);
}
