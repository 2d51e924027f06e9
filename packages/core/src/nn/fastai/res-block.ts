// fastai 2.7's ResBlock (`fastai/layers.py`, expansion 1 or 4, any stride: xresnet's block).
import * as tf from '@tensorflow/tfjs-core';
import { ReLU } from '../layers/activation.js';
import { Sequential, type TensorModule } from '../layers/container.js';
import { Module } from '../module.js';
import { AvgPool2d } from '../layers/pooling.js';
import { ConvLayer, defaultActivation, type ActFactory } from './conv-layer.js';
import type { NormType } from './norm.js';

/** Options of {@link ResBlock}. */
export interface ResBlockOptions {
  /** Default `'Batch'` (the second conv's BatchNorm then starts at zero, `BatchZero`). */
  normType?: NormType;
  /** Default ReLU. */
  actCls?: ActFactory;
  /** Kernel size of the convs (default 3). */
  ks?: number;
  /**
   * Stride of the block (default 1): on the first conv (expansion 1) or the middle one (expansion 4); the
   * shortcut then starts with fastai's `AvgPool(stride, ceil_mode=True)` (`pool_first`).
   */
  stride?: number;
}

/**
 * fastai's `ResBlock(expansion, ni, nf, stride)`: `act(convpath(x) + idpath(x))`. `convpath` is two
 * `ks×ks` ConvLayers (expansion 1) or 1×1, ks×ks, 1×1 (expansion 4), the last without activation; `idpath` is
 * empty, or a 1×1 ConvLayer when the channel counts differ, preceded by `AvgPool2d(stride, ceil_mode=True)` when
 * the stride is not 1.
 * @example
 * ```ts
 * const rb = new ResBlock(1, 99, 99, { normType: null }); // DynamicUnet's last block
 * rb.call(tf.zeros([1, 8, 8, 99])).shape;                 // [1, 8, 8, 99]
 * ```
 */
export class ResBlock extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'ResBlock';
  /** The residual branch: two ks×ks ConvLayers (expansion 1) or 1×1, ks×ks, 1×1 (expansion 4), the last with no activation and a zero-initialised BatchNorm (fastai's `convpath`). */
  readonly convpath: Sequential;
  /** The shortcut: empty (identity) when input and output channels match, else a 1×1 ConvLayer without activation (fastai's `idpath`). */
  readonly idpath: Sequential;
  /** The activation applied to the sum of both paths (fastai's `act`; default `ReLU(inplace=True)`). */
  readonly act: TensorModule;
  constructor(expansion: number, ni: number, nf: number, opts: ResBlockOptions = {}) {
    super();
    const normType = opts.normType === undefined ? 'Batch' : opts.normType;
    const norm2: NormType = normType === 'Batch' ? 'BatchZero' : normType;
    const ks = opts.ks ?? 3;
    const actCls = opts.actCls ?? defaultActivation;
    const nh = nf;
    const [nfE, niE] = [nf * expansion, ni * expansion];
    const k0 = { normType, actCls };
    const k1 = { normType: norm2, actCls: null };
    const stride = opts.stride ?? 1;
    const convs =
      expansion === 1
        ? [new ConvLayer(niE, nh, { ks, stride, ...k0 }), new ConvLayer(nh, nfE, { ks, ...k1 })]
        : [
            new ConvLayer(niE, nh, { ks: 1, ...k0 }),
            new ConvLayer(nh, nh, { ks, stride, ...k0 }),
            new ConvLayer(nh, nfE, { ks: 1, ...k1 }),
          ];
    this.convpath = this.registerModule('convpath', new Sequential(...convs));
    const idpath: TensorModule[] = [];
    if (niE !== nfE) idpath.push(new ConvLayer(niE, nfE, { ks: 1, actCls: null }));
    if (stride !== 1) idpath.unshift(new AvgPool2d(stride, { ceilMode: true }));
    this.idpath = this.registerModule('idpath', new Sequential(...idpath));
    // fastai: `defaults.activation(inplace=True)` when act_cls is the default.
    this.act = this.registerModule('act', actCls === defaultActivation ? new ReLU(true) : actCls());
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.act.call(tf.add(this.convpath.call(x), this.idpath.call(x))));
  }
}
