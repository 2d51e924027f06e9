// torchvision 0.14's ConvNeXt (models/convnext.py), with torchvision's module names, so its published checkpoints
// load with no renaming. Activations are NHWC, so the block's two `Permute`s (NCHW ↔ NHWC in PyTorch) are the
// identity here and its LayerNorm and Linears run on the channels as they lie.
import * as tf from '@tensorflow/tfjs-core';
import {
  AdaptiveAvgPool2d,
  Conv2d,
  Flatten,
  GELU,
  LayerNorm,
  LayerNorm2d,
  Linear,
  Module,
  Sequential,
  StochasticDepth,
  normal,
} from '@tfai/core/nn';
import type { Parameter, TensorModule } from '@tfai/core/nn';
import { Conv2dNormActivation } from './conv-norm-activation.js';
import type { ResNetOptions } from './resnet.js';

/**
 * torchvision's `ops.misc.Permute`, as ConvNeXt's block uses it: NCHW → NHWC and back in PyTorch. tfai's
 * activations are NHWC on both sides of it, so it passes its input through; it is kept as a child so the block's
 * indices (and state-dict keys such as `block.3.weight`) are torchvision's.
 * @example
 * ```ts
 * new Permute([0, 2, 3, 1]).call(x) === x; // true
 * ```
 */
export class Permute extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'Permute';
  constructor(
    /** PyTorch's permutation of NCHW axes (reported only). */
    readonly dims: number[],
  ) {
    super();
  }
  forward(x: tf.Tensor): tf.Tensor {
    return x;
  }
}

/**
 * torchvision's `CNBlock`: `x + stochastic_depth(layer_scale · block(x))`, the block a depthwise 7×7 conv,
 * LayerNorm, Linear to 4·dim, GELU, Linear back. Children `block` (7 layers, torchvision's indices) and
 * `stochastic_depth`; parameter `layer_scale` of PyTorch's shape `[dim, 1, 1]`.
 * @example
 * ```ts
 * new CNBlock(96, 1e-6, 0).call(tf.zeros([1, 8, 8, 96])).shape; // [1, 8, 8, 96]
 * ```
 */
export class CNBlock extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'CNBlock';
  /** The scale of the branch per channel, `[dim, 1, 1]` as PyTorch's, initialised to `layerScale`. */
  readonly layerScale: Parameter;
  /** The branch: dwconv 7×7, Permute, LayerNorm, Linear, GELU, Linear, Permute. */
  readonly block: Sequential;
  /** Drops the branch per sample in training. */
  readonly stochasticDepth: StochasticDepth;
  constructor(dim: number, layerScale: number, stochasticDepthProb: number) {
    super();
    this.layerScale = this.registerParameter('layer_scale', tf.fill([dim, 1, 1], layerScale));
    this.block = this.registerModule(
      'block',
      new Sequential(
        new Conv2d(dim, dim, 7, { padding: 3, groups: dim, bias: true }),
        new Permute([0, 2, 3, 1]),
        new LayerNorm(dim, { eps: 1e-6 }),
        new Linear(dim, 4 * dim),
        new GELU(),
        new Linear(4 * dim, dim),
        new Permute([0, 3, 1, 2]),
      ),
    );
    this.stochasticDepth = this.registerModule('stochastic_depth', new StochasticDepth(stochasticDepthProb, 'row'));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const scale = tf.reshape(this.layerScale.variable, [-1]);
      return tf.add(this.stochasticDepth.call(tf.mul(this.block.call(x), scale)), x);
    });
  }
}

/** One stage of a ConvNeXt: `numLayers` blocks of `inputChannels`, then a downsampling to `outChannels` (or none). */
export interface CNBlockConfig {
  /** Channels of the stage's blocks. */
  inputChannels: number;
  /** Channels after the downsampling that follows the stage; `null` for the last stage. */
  outChannels: number | null;
  /** Number of blocks. */
  numLayers: number;
}

/** Options of the {@link ConvNeXt} constructor (torchvision's keyword arguments). */
export interface ConvNeXtOptions extends ResNetOptions {
  /** Largest stochastic-depth probability (the last block's; linear from 0). Default 0. */
  stochasticDepthProb?: number;
  /** Initial value of every block's layer scale. Default 1e-6. */
  layerScale?: number;
}

/**
 * torchvision's `ConvNeXt`: children `features` (stem, then each stage followed by its downsampling), `avgpool`
 * and `classifier` (LayerNorm2d, Flatten, Linear). Initialised as torchvision: convs and linears
 * `trunc_normal_(std=0.02)` (a normal at this std), biases 0. fastai's default rule cuts it at `avgpool` (the
 * last child holding a pooling layer), so the body is `features` alone.
 * @example
 * ```ts
 * const m = new ConvNeXt([{ inputChannels: 16, outChannels: null, numLayers: 1 }], { numClasses: 10 });
 * m.eval().call(tf.zeros([1, 32, 32, 3])).shape; // [1, 10]
 * ```
 */
export class ConvNeXt extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'ConvNeXt';
  constructor(blockSetting: CNBlockConfig[], opts: ConvNeXtOptions = {}) {
    super();
    if (!blockSetting.length) throw new RangeError('The block_setting should not be empty');
    const sdProb = opts.stochasticDepthProb ?? 0;
    const layerScale = opts.layerScale ?? 1e-6;
    const norm = (c: number) => new LayerNorm2d(c, { eps: 1e-6 });
    const layers: TensorModule[] = [
      new Conv2dNormActivation(3, blockSetting[0].inputChannels, 4, {
        stride: 4,
        padding: 0,
        normLayer: norm,
        activationLayer: null,
        bias: true,
      }),
    ];
    const total = blockSetting.reduce((s, c) => s + c.numLayers, 0);
    let id = 0;
    for (const cnf of blockSetting) {
      const stage: TensorModule[] = [];
      for (let i = 0; i < cnf.numLayers; i++, id++)
        stage.push(new CNBlock(cnf.inputChannels, layerScale, total > 1 ? (sdProb * id) / (total - 1) : 0));
      layers.push(new Sequential(...stage));
      if (cnf.outChannels !== null)
        layers.push(
          new Sequential(norm(cnf.inputChannels), new Conv2d(cnf.inputChannels, cnf.outChannels, 2, { stride: 2 })),
        );
    }
    const last = blockSetting.at(-1)!;
    const lastChannels = last.outChannels ?? last.inputChannels;
    this.registerModule('features', new Sequential(...layers));
    this.registerModule('avgpool', new AdaptiveAvgPool2d(1));
    this.registerModule(
      'classifier',
      new Sequential(norm(lastChannels), new Flatten(), new Linear(lastChannels, opts.numClasses ?? 1000)),
    );
    for (const m of this.modules()) {
      if (!(m instanceof Conv2d || m instanceof Linear)) continue;
      tf.tidy(() => {
        m.weight.variable.assign(normal(m.weight.shape, 0.02));
        m.bias?.variable.assign(tf.zerosLike(m.bias.variable));
      });
    }
  }
  forward(x: tf.Tensor): tf.Tensor {
    // Children are looked up at call time, so a replaced first conv (createBody's nIn ≠ 3) is the one used.
    return tf.tidy(() => this.children().reduce<tf.Tensor>((y, m) => (m as unknown as TensorModule).call(y), x));
  }
}

/** torchvision's stage settings of the three ConvNeXts tfai builds. */
const CONVNEXT_SETTINGS = {
  tiny: { dims: [96, 192, 384, 768], depths: [3, 3, 9, 3], sd: 0.1 },
  small: { dims: [96, 192, 384, 768], depths: [3, 3, 27, 3], sd: 0.4 },
  base: { dims: [128, 256, 512, 1024], depths: [3, 3, 27, 3], sd: 0.5 },
} as const;

function convnext(size: keyof typeof CONVNEXT_SETTINGS, opts: ResNetOptions): ConvNeXt {
  const { dims, depths, sd } = CONVNEXT_SETTINGS[size];
  const setting = dims.map((d, i) => ({ inputChannels: d, outChannels: dims[i + 1] ?? null, numLayers: depths[i] }));
  return new ConvNeXt(setting, { stochasticDepthProb: sd, numClasses: opts.numClasses });
}

/**
 * ConvNeXt-T (torchvision `convnext_tiny`): dims 96…768, depths `[3, 3, 9, 3]`, stochastic depth up to 0.1;
 * 28,589,128 parameters with 1000 classes.
 * @example
 * ```ts
 * const learn = await visionLearner(dls, convnext_tiny, { pretrained: false });
 * ```
 */
export function convnext_tiny(opts: ResNetOptions = {}): ConvNeXt {
  return convnext('tiny', opts);
}

/**
 * ConvNeXt-S (torchvision `convnext_small`): dims 96…768, depths `[3, 3, 27, 3]`, stochastic depth up to 0.4;
 * 50,223,688 parameters with 1000 classes.
 * @example
 * ```ts
 * convnext_small({ numClasses: 10 });
 * ```
 */
export function convnext_small(opts: ResNetOptions = {}): ConvNeXt {
  return convnext('small', opts);
}

/**
 * ConvNeXt-B (torchvision `convnext_base`): dims 128…1024, depths `[3, 3, 27, 3]`, stochastic depth up to 0.5;
 * 88,591,464 parameters with 1000 classes.
 * @example
 * ```ts
 * convnext_base();
 * ```
 */
export function convnext_base(opts: ResNetOptions = {}): ConvNeXt {
  return convnext('base', opts);
}

/**
 * convnext_tiny under its TypeScript spelling: the same function, so its `name` (the registry key, what exports record)
 * stays torchvision's `'convnext_tiny'`.
 * @example
 * ```ts
 * convnextTiny === convnext_tiny; // true
 * ```
 */
export const convnextTiny = convnext_tiny;

/**
 * convnext_small under its TypeScript spelling: the same function, so its `name` (the registry key, what exports record)
 * stays torchvision's `'convnext_small'`.
 * @example
 * ```ts
 * convnextSmall === convnext_small; // true
 * ```
 */
export const convnextSmall = convnext_small;

/**
 * convnext_base under its TypeScript spelling: the same function, so its `name` (the registry key, what exports record)
 * stays torchvision's `'convnext_base'`.
 * @example
 * ```ts
 * convnextBase === convnext_base; // true
 * ```
 */
export const convnextBase = convnext_base;
