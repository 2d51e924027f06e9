// fastai's own XResNet (fastai/vision/models/xresnet.py: the "bag of tricks" ResNet-D): a Sequential of a
// three-conv stem, a max pool, four stages of fastai ResBlocks (stride on the 3×3 conv, AvgPool shortcut), then
// pool, flatten, dropout and a Linear. Children are numbered as fastai's, so its state dicts load unchanged.
import * as tf from '@tensorflow/tfjs-core';
import {
  AdaptiveAvgPool2d,
  BatchNorm2d,
  ConvLayer,
  Dropout,
  Flatten,
  Linear,
  MaxPool2d,
  ResBlock,
  Sequential,
  kaimingNormal,
} from '@tfai/core/nn';
import type { TensorModule } from '@tfai/core/nn';
import type { ResNetOptions } from './resnet.js';
import { Conv2d } from '@tfai/core/nn';

/** Options of the XResNet constructors: fastai's `n_out`, `p`, `c_in`, `stem_szs` and `widen`. */
export interface XResNetOptions extends ResNetOptions {
  /** Dropout before the final Linear (fastai's `p`). Default 0. */
  p?: number;
  /** Input channels (fastai's `c_in`). Default 3. */
  cIn?: number;
  /** Channels of the three stem convs. Default `[32, 32, 64]`. */
  stemSzs?: [number, number, number];
  /** Width multiplier of the stages. Default 1. */
  widen?: number;
}

/** fastai's `init_cnn`: every conv and Linear `kaiming_normal_`, every bias (BatchNorm's too) 0. */
function initCnn(m: Sequential): void {
  tf.tidy(() => {
    for (const l of m.modules()) {
      if (l instanceof Conv2d || l instanceof Linear) {
        const fanIn = l instanceof Conv2d ? l.weight.shape[0] * l.weight.shape[1] * l.weight.shape[2] : l.inFeatures;
        l.weight.variable.assign(kaimingNormal(l.weight.shape, fanIn));
      }
      const bias = l instanceof Conv2d || l instanceof Linear || l instanceof BatchNorm2d ? l.bias : undefined;
      bias?.variable.assign(tf.zerosLike(bias.variable));
    }
  });
}

/**
 * fastai's `XResNet(ResBlock, expansion, layers)`: children `0–2` the stem ConvLayers (`cIn→32` stride 2,
 * `32→32`, `32→64`), `3` MaxPool2d(3, 2, 1), `4–7` the stages (Sequentials of {@link ResBlock}s of
 * `64, 128, 256, 512` channels · expansion, the first of stages 2–4 with stride 2), then AdaptiveAvgPool2d(1),
 * Flatten, Dropout(p), Linear. fastai's `model_meta` cuts it at -4 and splits it `[stem], [rest of the body],
 * [head]`. Initialised by fastai's `init_cnn`.
 * @example
 * ```ts
 * const m = new XResNet(1, [2, 2, 2, 2], { numClasses: 10 }); // xresnet18
 * m.eval().call(tf.zeros([1, 64, 64, 3])).shape;              // [1, 10]
 * ```
 */
export class XResNet extends Sequential {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'XResNet';
  constructor(expansion: 1 | 4, layers: readonly number[], opts: XResNetOptions = {}) {
    const stem = [opts.cIn ?? 3, ...(opts.stemSzs ?? [32, 32, 64])];
    const widen = opts.widen ?? 1;
    const blockSzs = [
      Math.floor(64 / expansion),
      ...[64, 128, 256, 512, ...Array<number>(Math.max(0, layers.length - 4)).fill(256)].map((o) =>
        Math.floor(o * widen),
      ),
    ];
    const kids: TensorModule[] = [0, 1, 2].map(
      (i) => new ConvLayer(stem[i], stem[i + 1], { ks: 3, stride: i === 0 ? 2 : 1 }),
    );
    kids.push(new MaxPool2d(3, { stride: 2, padding: 1 }));
    layers.forEach((n, i) => {
      const [ni, nf] = [blockSzs[i], blockSzs[i + 1]];
      const stride = i === 0 ? 1 : 2;
      kids.push(
        new Sequential(
          ...Array.from(
            { length: n },
            (_, j) => new ResBlock(expansion, j === 0 ? ni : nf, nf, { stride: j === 0 ? stride : 1 }),
          ),
        ),
      );
    });
    kids.push(
      new AdaptiveAvgPool2d(1),
      new Flatten(),
      new Dropout(opts.p ?? 0),
      new Linear(blockSzs.at(-1)! * expansion, opts.numClasses ?? 1000),
    );
    super(...kids);
    initCnn(this);
  }
}

/**
 * fastai's `xresnet18`: expansion 1, `[2, 2, 2, 2]`; 11,708,744 parameters with 1000 classes, 512 features.
 * fastai 2.7 publishes no weights for it (its `pretrained=True` loads an xresnet50 file, which fails).
 * @example
 * ```ts
 * const learn = await visionLearner(dls, xresnet18, { pretrained: false });
 * ```
 */
export function xresnet18(opts: XResNetOptions = {}): XResNet {
  return new XResNet(1, [2, 2, 2, 2], opts);
}

/**
 * fastai's `xresnet34`: expansion 1, `[3, 4, 6, 3]`.
 * @example
 * ```ts
 * xresnet34({ numClasses: 10 });
 * ```
 */
export function xresnet34(opts: XResNetOptions = {}): XResNet {
  return new XResNet(1, [3, 4, 6, 3], opts);
}

/**
 * fastai's `xresnet50`: expansion 4, `[3, 4, 6, 3]`, 2048 features.
 * @example
 * ```ts
 * xresnet50();
 * ```
 */
export function xresnet50(opts: XResNetOptions = {}): XResNet {
  return new XResNet(4, [3, 4, 6, 3], opts);
}

/**
 * fastai's `xresnet101`: expansion 4, `[3, 4, 23, 3]`.
 * @example
 * ```ts
 * xresnet101();
 * ```
 */
export function xresnet101(opts: XResNetOptions = {}): XResNet {
  return new XResNet(4, [3, 4, 23, 3], opts);
}

/**
 * fastai's `xresnet152`: expansion 4, `[3, 8, 36, 3]`.
 * @example
 * ```ts
 * xresnet152();
 * ```
 */
export function xresnet152(opts: XResNetOptions = {}): XResNet {
  return new XResNet(4, [3, 8, 36, 3], opts);
}
