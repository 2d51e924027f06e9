// fastai 2.7's ResBlock (`fastai/layers.py`, expansion 1 or 4, stride 1) and the two SequentialEx layers
// DynamicUnet ends with: MergeLayer (concatenate or add the network's input) and ResizeToOrig.
import * as tf from '@tensorflow/tfjs';
import { Module, ModuleList, ReLU, Sequential } from '@tfai/core';
import type { TensorModule } from '@tfai/core';
import { ConvLayer, defaultActivation, type ActFactory, type NormType } from './conv-layer.js';

/** Options of {@link ResBlock}. */
export interface ResBlockOptions {
  /** Default `'Batch'` (the second conv's BatchNorm then starts at zero, `BatchZero`). */
  normType?: NormType;
  /** Default ReLU. */
  actCls?: ActFactory;
  /** Kernel size of the convs (default 3). */
  ks?: number;
}

/**
 * fastai's `ResBlock(expansion, ni, nf)` with stride 1: `act(convpath(x) + idpath(x))`. `convpath` is two
 * `ks×ks` ConvLayers (expansion 1) or 1×1, ks×ks, 1×1 (expansion 4), the last without activation; `idpath` is
 * empty, or a 1×1 ConvLayer when the channel counts differ.
 * @example
 * ```ts
 * const rb = new ResBlock(1, 99, 99, { normType: null }); // DynamicUnet's last block
 * rb.call(tf.zeros([1, 8, 8, 99])).shape;                 // [1, 8, 8, 99]
 * ```
 */
export class ResBlock extends Module {
  readonly convpath: Sequential;
  readonly idpath: Sequential;
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
    const convs =
      expansion === 1
        ? [new ConvLayer(niE, nh, { ks, ...k0 }), new ConvLayer(nh, nfE, { ks, ...k1 })]
        : [new ConvLayer(niE, nh, { ks: 1, ...k0 }), new ConvLayer(nh, nh, { ks, ...k0 }), new ConvLayer(nh, nfE, { ks: 1, ...k1 })];
    this.convpath = this.registerModule('convpath', new Sequential(...convs));
    this.idpath = this.registerModule('idpath', niE !== nfE ? new Sequential(new ConvLayer(niE, nfE, { ks: 1, actCls: null })) : new Sequential());
    // fastai: `defaults.activation(inplace=True)` when act_cls is the default.
    this.act = this.registerModule('act', actCls === defaultActivation ? new ReLU(true) : actCls());
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.act.call(tf.add(this.convpath.call(x), this.idpath.call(x))));
  }
}

/**
 * A layer of a {@link SequentialEx} that also receives the sequence's input (fastai's `x.orig`).
 */
export abstract class OrigModule extends Module<[tf.Tensor, tf.Tensor], tf.Tensor> {}

/**
 * fastai's `MergeLayer(dense)`: concatenates the sequence's input to `x` on the channel axis (`dense`), or adds it.
 * @example
 * ```ts
 * new MergeLayer(true).call(tf.zeros([1, 8, 8, 96]), tf.zeros([1, 8, 8, 3])).shape; // [1, 8, 8, 99]
 * ```
 */
export class MergeLayer extends OrigModule {
  constructor(readonly dense = false) {
    super();
  }
  forward(x: tf.Tensor, orig: tf.Tensor): tf.Tensor {
    return this.dense ? tf.concat([x, orig], -1) : tf.add(x, orig);
  }
  protected override attributes(): Record<string, unknown> {
    return { dense: this.dense };
  }
}

/**
 * fastai's `ResizeToOrig`: resizes `x` to the spatial size of the sequence's input with nearest-neighbour
 * interpolation (PyTorch's `F.interpolate(mode='nearest')`: source index `⌊i·in/out⌋`), when they differ.
 * @example
 * ```ts
 * new ResizeToOrig().call(tf.zeros([1, 96, 128, 8]), tf.zeros([1, 95, 127, 3])).shape; // [1, 95, 127, 8]
 * ```
 */
export class ResizeToOrig extends OrigModule {
  forward(x: tf.Tensor, orig: tf.Tensor): tf.Tensor {
    return resizeNearestLike(x, orig.shape[1]!, orig.shape[2]!);
  }
}

/** `F.interpolate(x, (h, w), mode='nearest')` on NHWC, or `x` itself when it already has that size. */
export function resizeNearestLike(x: tf.Tensor, h: number, w: number): tf.Tensor {
  if (x.shape[1] === h && x.shape[2] === w) return x;
  return tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [h, w], false, false);
}

/**
 * fastai's `ToTensorBase`: the identity here (fastai uses it to drop the tensor subclass of the input).
 */
export class ToTensorBase extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    return x;
  }
}

/**
 * fastai's `SequentialEx`: layers called in order (kept in a `layers` list, so state-dict keys are
 * `layers.<i>.…`), where an {@link OrigModule} also receives the sequence's input.
 * @example
 * ```ts
 * const block = new SequentialEx(new ConvLayer(8, 8), new ConvLayer(8, 8), new MergeLayer());
 * block.call(tf.zeros([1, 4, 4, 8])).shape; // [1, 4, 4, 8]
 * ```
 */
export class SequentialEx extends Module {
  private readonly list: TensorModuleOrOrig[] = [];
  constructor(...layers: TensorModuleOrOrig[]) {
    super();
    this.registerModule('layers', new ModuleList(layers));
    this.list = layers;
  }
  /** The i-th layer (negative counts from the end), as fastai's `m[i]`. */
  get(i: number): TensorModuleOrOrig {
    const l = this.list[i < 0 ? this.list.length + i : i];
    if (!l) throw new RangeError(`${this.typeName} index ${i} out of range (length ${this.list.length})`);
    return l;
  }
  /** Number of layers. */
  get length(): number {
    return this.list.length;
  }
  /** The layers as a list. */
  layers(): TensorModuleOrOrig[] {
    return [...this.list];
  }
  forward(x: tf.Tensor): tf.Tensor {
    let res = x;
    for (const l of this.list) res = l instanceof OrigModule ? l.call(res, x) : l.call(res);
    return res;
  }
}

/** A layer of a {@link SequentialEx}. */
export type TensorModuleOrOrig = TensorModule | OrigModule;
