// torchvision 0.14's EfficientNet B0–B3 (models/efficientnet.py), with torchvision's module names, so its published
// checkpoints load with no renaming. Activations are NHWC.
import * as tf from '@tensorflow/tfjs-core';
import {
  AdaptiveAvgPool2d,
  Conv2d,
  Dropout,
  Linear,
  Module,
  Sequential,
  SiLU,
  SqueezeExcitation,
  StochasticDepth,
  normal,
  uniform,
} from '@tfai/core/nn';
import type { TensorModule } from '@tfai/core/nn';
import { Conv2dNormActivation } from './conv-norm-activation.js';
import type { ResNetOptions } from './resnet.js';

/** torchvision's `_make_divisible(v, 8)`: the nearest multiple of 8, not below 8 nor more than 10 % below `v`. */
export function makeDivisible(v: number, divisor = 8, minValue = divisor): number {
  let out = Math.max(minValue, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (out < 0.9 * v) out += divisor;
  return out;
}

/** One stage of an EfficientNet: torchvision's `MBConvConfig` after its width and depth multipliers. */
export interface MBConvConfig {
  /** Expansion of the inverted bottleneck (1 or 6). */
  expandRatio: number;
  /** Kernel size of the depthwise convolution (3 or 5). */
  kernel: number;
  /** Stride of the stage's first block. */
  stride: number;
  /** Channels into the stage. */
  inputChannels: number;
  /** Channels out of the stage. */
  outChannels: number;
  /** Number of blocks. */
  numLayers: number;
}

/**
 * torchvision's `MBConvConfig(expand_ratio, kernel, stride, input_channels, out_channels, num_layers, width_mult,
 * depth_mult)`: channels scaled by `widthMult` and made divisible by 8, layers scaled by `depthMult` and rounded up.
 * @example
 * ```ts
 * mbconvConfig(6, 3, 2, 16, 24, 2, 1.1, 1.2); // { inputChannels: 16, outChannels: 24, numLayers: 3, … }
 * ```
 */
export function mbconvConfig(
  expandRatio: number,
  kernel: number,
  stride: number,
  inputChannels: number,
  outChannels: number,
  numLayers: number,
  widthMult = 1,
  depthMult = 1,
): MBConvConfig {
  return {
    expandRatio,
    kernel,
    stride,
    inputChannels: makeDivisible(inputChannels * widthMult),
    outChannels: makeDivisible(outChannels * widthMult),
    numLayers: Math.ceil(numLayers * depthMult),
  };
}

const silu = () => new SiLU(true);

/**
 * torchvision's `MBConv`: a 1×1 expansion (when the ratio is not 1), a depthwise k×k convolution, squeeze-and-
 * excitation, a 1×1 projection, each with BatchNorm (and SiLU but the last); plus the input, through stochastic
 * depth, when stride 1 keeps the channels. Children `block` and `stochastic_depth`.
 * @example
 * ```ts
 * new MBConv(mbconvConfig(6, 3, 1, 24, 24, 1), 0).call(tf.zeros([1, 8, 8, 24])).shape; // [1, 8, 8, 24]
 * ```
 */
export class MBConv extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'MBConv';
  /** Whether the input is added back (stride 1, same channels). */
  readonly useResConnect: boolean;
  /** The expansion, depthwise, SE and projection layers. */
  readonly block: Sequential;
  /** Drops the branch per sample in training. */
  readonly stochasticDepth: StochasticDepth;
  constructor(cnf: MBConvConfig, stochasticDepthProb: number) {
    super();
    if (cnf.stride < 1 || cnf.stride > 2) throw new RangeError('illegal stride value');
    this.useResConnect = cnf.stride === 1 && cnf.inputChannels === cnf.outChannels;
    const expanded = makeDivisible(cnf.inputChannels * cnf.expandRatio);
    const layers: TensorModule[] = [];
    if (expanded !== cnf.inputChannels)
      layers.push(new Conv2dNormActivation(cnf.inputChannels, expanded, 1, { activationLayer: silu }));
    layers.push(
      new Conv2dNormActivation(expanded, expanded, cnf.kernel, {
        stride: cnf.stride,
        groups: expanded,
        activationLayer: silu,
      }),
      new SqueezeExcitation(expanded, Math.max(1, Math.floor(cnf.inputChannels / 4)), { activation: silu() }),
      new Conv2dNormActivation(expanded, cnf.outChannels, 1, { activationLayer: null }),
    );
    this.block = this.registerModule('block', new Sequential(...layers));
    this.stochasticDepth = this.registerModule('stochastic_depth', new StochasticDepth(stochasticDepthProb, 'row'));
  }
  forward(x: tf.Tensor): tf.Tensor {
    if (!this.useResConnect) return this.block.call(x);
    return tf.tidy(() => tf.add(this.stochasticDepth.call(this.block.call(x)), x));
  }
}

/** Options of the {@link EfficientNet} constructor (torchvision's keyword arguments). */
export interface EfficientNetOptions extends ResNetOptions {
  /** Largest stochastic-depth probability (linear in the block index from 0). Default 0.2. */
  stochasticDepthProb?: number;
}

/**
 * torchvision's `EfficientNet` (V1): children `features` (stem conv, the MBConv stages, a 1×1 conv to 4× the last
 * stage's channels), `avgpool` and `classifier` (Dropout, Linear). Initialised as torchvision: convs
 * `kaiming_normal_(mode='fan_out')`, biases 0, linears uniform in ±1/√out. fastai's default rule cuts it at
 * `avgpool`, so the body is `features`.
 * @example
 * ```ts
 * const m = new EfficientNet([mbconvConfig(1, 3, 1, 16, 8, 1)], 0.2, { numClasses: 10 });
 * m.eval().call(tf.zeros([1, 32, 32, 3])).shape; // [1, 10]
 * ```
 */
export class EfficientNet extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'EfficientNet';
  constructor(setting: MBConvConfig[], dropout: number, opts: EfficientNetOptions = {}) {
    super();
    if (!setting.length) throw new RangeError('The inverted_residual_setting should not be empty');
    const sdProb = opts.stochasticDepthProb ?? 0.2;
    const layers: TensorModule[] = [
      new Conv2dNormActivation(3, setting[0].inputChannels, 3, { stride: 2, activationLayer: silu }),
    ];
    const total = setting.reduce((s, c) => s + c.numLayers, 0);
    let id = 0;
    for (const cnf of setting) {
      const stage: TensorModule[] = [];
      for (let i = 0; i < cnf.numLayers; i++, id++) {
        const blockCnf = i === 0 ? cnf : { ...cnf, inputChannels: cnf.outChannels, stride: 1 };
        stage.push(new MBConv(blockCnf, (sdProb * id) / total));
      }
      layers.push(new Sequential(...stage));
    }
    const lastIn = setting.at(-1)!.outChannels;
    const lastOut = 4 * lastIn;
    layers.push(new Conv2dNormActivation(lastIn, lastOut, 1, { activationLayer: silu }));
    this.registerModule('features', new Sequential(...layers));
    this.registerModule('avgpool', new AdaptiveAvgPool2d(1));
    this.registerModule(
      'classifier',
      new Sequential(new Dropout(dropout), new Linear(lastOut, opts.numClasses ?? 1000)),
    );
    for (const m of this.modules()) {
      tf.tidy(() => {
        if (m instanceof Conv2d) {
          const [kh, kw, , out] = m.weight.shape;
          m.weight.variable.assign(normal(m.weight.shape, Math.sqrt(2 / (out * kh * kw))));
          m.bias?.variable.assign(tf.zerosLike(m.bias.variable));
        } else if (m instanceof Linear) {
          m.weight.variable.assign(uniform(m.weight.shape, 1 / Math.sqrt(m.outFeatures)));
          m.bias?.variable.assign(tf.zerosLike(m.bias.variable));
        }
      });
    }
  }
  forward(x: tf.Tensor): tf.Tensor {
    // As torchvision: features, avgpool, flatten, classifier (children looked up at call time).
    return tf.tidy(() =>
      this.namedChildren().reduce<tf.Tensor>((y, [name, m]) => {
        const inp = name === 'classifier' ? tf.reshape(y, [y.shape[0], -1]) : y;
        return (m as unknown as TensorModule).call(inp);
      }, x),
    );
  }
}

/** torchvision's B0 stages: expand ratio, kernel, stride, in, out, layers. */
const B0: [number, number, number, number, number, number][] = [
  [1, 3, 1, 32, 16, 1],
  [6, 3, 2, 16, 24, 2],
  [6, 5, 2, 24, 40, 2],
  [6, 3, 2, 40, 80, 3],
  [6, 5, 1, 80, 112, 3],
  [6, 5, 2, 112, 192, 4],
  [6, 3, 1, 192, 320, 1],
];

function efficientnet(widthMult: number, depthMult: number, dropout: number, opts: ResNetOptions): EfficientNet {
  const setting = B0.map(([e, k, s, i, o, n]) => mbconvConfig(e, k, s, i, o, n, widthMult, depthMult));
  return new EfficientNet(setting, dropout, { numClasses: opts.numClasses });
}

/**
 * EfficientNet-B0 (torchvision `efficientnet_b0`): width 1.0, depth 1.0, dropout 0.2; 5,288,548 parameters with
 * 1000 classes.
 * @example
 * ```ts
 * const learn = await visionLearner(dls, efficientnet_b0, { pretrained: false });
 * ```
 */
export function efficientnet_b0(opts: ResNetOptions = {}): EfficientNet {
  return efficientnet(1.0, 1.0, 0.2, opts);
}

/**
 * EfficientNet-B1: width 1.0, depth 1.1, dropout 0.2; 7,794,184 parameters with 1000 classes.
 * @example
 * ```ts
 * efficientnet_b1({ numClasses: 10 });
 * ```
 */
export function efficientnet_b1(opts: ResNetOptions = {}): EfficientNet {
  return efficientnet(1.0, 1.1, 0.2, opts);
}

/**
 * EfficientNet-B2: width 1.1, depth 1.2, dropout 0.3; 9,109,994 parameters with 1000 classes.
 * @example
 * ```ts
 * efficientnet_b2();
 * ```
 */
export function efficientnet_b2(opts: ResNetOptions = {}): EfficientNet {
  return efficientnet(1.1, 1.2, 0.3, opts);
}

/**
 * EfficientNet-B3: width 1.2, depth 1.4, dropout 0.3; 12,233,232 parameters with 1000 classes.
 * @example
 * ```ts
 * efficientnet_b3();
 * ```
 */
export function efficientnet_b3(opts: ResNetOptions = {}): EfficientNet {
  return efficientnet(1.2, 1.4, 0.3, opts);
}

/**
 * efficientnet_b0 under its TypeScript spelling: the same function, so its `name` (the registry key, what exports record)
 * stays torchvision's `'efficientnet_b0'`.
 * @example
 * ```ts
 * efficientnetB0 === efficientnet_b0; // true
 * ```
 */
export const efficientnetB0 = efficientnet_b0;

/**
 * efficientnet_b1 under its TypeScript spelling: the same function, so its `name` (the registry key, what exports record)
 * stays torchvision's `'efficientnet_b1'`.
 * @example
 * ```ts
 * efficientnetB1 === efficientnet_b1; // true
 * ```
 */
export const efficientnetB1 = efficientnet_b1;

/**
 * efficientnet_b2 under its TypeScript spelling: the same function, so its `name` (the registry key, what exports record)
 * stays torchvision's `'efficientnet_b2'`.
 * @example
 * ```ts
 * efficientnetB2 === efficientnet_b2; // true
 * ```
 */
export const efficientnetB2 = efficientnet_b2;

/**
 * efficientnet_b3 under its TypeScript spelling: the same function, so its `name` (the registry key, what exports record)
 * stays torchvision's `'efficientnet_b3'`.
 * @example
 * ```ts
 * efficientnetB3 === efficientnet_b3; // true
 * ```
 */
export const efficientnetB3 = efficientnet_b3;
