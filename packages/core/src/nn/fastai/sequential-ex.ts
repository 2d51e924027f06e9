// fastai 2.7's SequentialEx and MergeLayer (`fastai/layers.py`): a sequence whose layers may also see its input
// (fastai's `x.orig`), and the layer that concatenates or adds that input.
import * as tf from '@tensorflow/tfjs-core';
import { ModuleList, type TensorModule } from '../layers/container.js';
import { Module } from '../module.js';

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
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'MergeLayer';
  constructor(
    /** Concatenate the sequence's input after `x` on the channel axis (true) or add it (fastai's `dense`; default false). */
    readonly dense = false,
  ) {
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
 * fastai's `SequentialEx`: layers called in order (kept in a `layers` list, so state-dict keys are
 * `layers.<i>.…`), where an {@link OrigModule} also receives the sequence's input.
 * @example
 * ```ts
 * const block = new SequentialEx(new ConvLayer(8, 8), new ConvLayer(8, 8), new MergeLayer());
 * block.call(tf.zeros([1, 4, 4, 8])).shape; // [1, 4, 4, 8]
 * ```
 */
export class SequentialEx extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'SequentialEx';
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
