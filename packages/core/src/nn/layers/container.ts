import type * as tf from '@tensorflow/tfjs-core';
import { Module, type AnyModule } from '../module.js';

/** A module mapping one tensor to one tensor: what {@link Sequential} chains. */
export type TensorModule = Module<[tf.Tensor], tf.Tensor>;

/**
 * Children called in order, named `0`, `1`, … as `torch.nn.Sequential`; indexable (negative indices count from
 * the end) and sliceable without copying (`m.slice(0, 6)` shares the layers, as `m[:6]`).
 * @example
 * ```ts
 * const m = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * m.call(tf.zeros([1, 4])).shape; // [1, 2]
 * m.get(-1); // the last Linear
 * ```
 */
export class Sequential extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'Sequential';
  constructor(...layers: TensorModule[]) {
    super();
    layers.forEach((l, i) => this.registerModule(String(i), l));
  }
  /** Number of children. */
  get length(): number {
    return this.namedChildren().length;
  }
  /** The i-th child (negative counts from the end). */
  get(i: number): TensorModule {
    const kids = this.layers();
    const j = i < 0 ? kids.length + i : i;
    const m = kids[j];
    if (!m) throw new RangeError(`Sequential index ${i} out of range (length ${kids.length})`);
    return m;
  }
  /** The children as a list. */
  layers(): TensorModule[] {
    return this.children() as unknown as TensorModule[];
  }
  /** A new Sequential over children `[start, end)` (same layer objects, renumbered from 0). */
  slice(start = 0, end?: number): Sequential {
    return new Sequential(...this.layers().slice(start, end));
  }
  /** Appends a layer, named by its index. */
  append(layer: TensorModule): this {
    this.registerModule(String(this.length), layer);
    return this;
  }
  forward(x: tf.Tensor): tf.Tensor {
    let y = x;
    for (const l of this.layers()) y = l.call(y);
    return y;
  }
}

/** A list of modules with no forward of its own (PyTorch's `ModuleList`); children named `0`, `1`, …. */
export class ModuleList<M extends AnyModule = AnyModule> extends Module<never[], never> {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'ModuleList';
  constructor(mods: M[] = []) {
    super();
    mods.forEach((m, i) => this.registerModule(String(i), m));
  }
  /** The number of modules. */
  get length(): number {
    return this.namedChildren().length;
  }
  /** The `i`-th module. */
  get(i: number): M {
    const kids = this.children() as M[];
    const m = kids[i < 0 ? kids.length + i : i];
    if (!m) throw new RangeError(`ModuleList index ${i} out of range (length ${kids.length})`);
    return m;
  }
  /** The modules, in order. */
  items(): M[] {
    return this.children() as M[];
  }
  forward(): never {
    throw new Error('ModuleList has no forward; call its items');
  }
}
