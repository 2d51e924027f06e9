// fastai 2.7's create_body: cut a (pretrained) model's children into a Sequential body, adapting the first
// conv to `nIn` input channels (`_update_first_layer`, `_load_pretrained_weights`).
import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, Sequential } from '@tfai/core/nn';
import type { AnyModule, TensorModule } from '@tfai/core/nn';
import { ArchitectureError } from './errors.js';
import type { VisionArch } from './resnet.js';

/** A function cut: receives the whole model, returns the body (fastai's callable `cut`). */
export type CutFn = (model: AnyModule) => TensorModule;

/** Where to cut: an index into the model's children (negative counts from the end) or a function. */
export type Cut = number | CutFn;

/** Options of {@link createBody}. */
export interface CreateBodyOptions {
  /** Input channels; ≠ 3 replaces the first conv (default 3). */
  nIn?: number;
  /**
   * Whether the model's weights are pretrained: then the new first conv for `nIn ≠ 3` is derived from the old
   * one (sum for 1 channel, first two ·1.5 for 2, zero-padded for more). Default false.
   */
  pretrained?: boolean;
  /** Default: the index of the last child that is or contains a pooling layer (8 for a ResNet). */
  cut?: Cut | null;
}

/**
 * True if `m` is a pooling layer (class name ending in `Pool1d/2d/3d`) or contains one (fastai's
 * `has_pool_type`).
 * @example
 * ```ts
 * hasPoolType(new AdaptiveAvgPool2d(1)); // true
 * ```
 */
export function hasPoolType(m: AnyModule): boolean {
  return /Pool[123]d$/.test(m.typeName) || m.children().some(hasPoolType);
}

/**
 * Cuts an instantiated model (fastai's `cut_model`): `Sequential(...children[:cut])` for an index, `cut(model)`
 * for a function.
 * @example
 * ```ts
 * cutModel(resnet18(), -2).length; // 8
 * ```
 */
export function cutModel(model: AnyModule, cut: number): Sequential;
export function cutModel<M extends TensorModule>(model: AnyModule, cut: (model: AnyModule) => M): M;
export function cutModel(model: AnyModule, cut: Cut): TensorModule;
export function cutModel(model: AnyModule, cut: Cut): TensorModule {
  if (typeof cut === 'function') return cut(model);
  if (!Number.isInteger(cut)) throw new ArchitectureError(`cut must be an integer or a function, got ${String(cut)}`);
  return new Sequential(...(model.children().slice(0, cut) as unknown as TensorModule[]));
}

/** fastai's `_get_first_layer`: the module owning the first parameter, its parent and its name there. */
function firstLayer(model: AnyModule): { layer: AnyModule; parent: AnyModule; name: string } {
  const first = model.namedParameters()[0];
  if (!first) throw new ArchitectureError(`${model.typeName} has no parameters, so it has no first layer to adapt`);
  const path = first[0].split('.').slice(0, -1);
  if (!path.length)
    throw new ArchitectureError(`the first parameter '${first[0]}' belongs to the model itself, not to a layer`);
  let parent = model;
  let layer = model;
  for (const name of path) {
    parent = layer;
    layer = layer.namedChildren().find(([n]) => n === name)![1];
  }
  return { layer, parent, name: path.at(-1)! };
}

/** fastai's `_load_pretrained_weights`, on HWIO weights: the input-channel axis is 2. */
function adaptedWeight(old: tf.Tensor, fresh: tf.Tensor, nIn: number): tf.Tensor {
  return tf.tidy(() => {
    if (nIn === 1) return tf.sum(old, 2, true);
    if (nIn === 2) return tf.mul(tf.slice(old, [0, 0, 0, 0], [-1, -1, 2, -1]), 1.5);
    const [kh, kw, , out] = fresh.shape;
    return tf.concat([old, tf.zeros([kh, kw, nIn - 3, out])], 2);
  });
}

/**
 * fastai's `_update_first_layer`: replaces the first conv of `model` (in place) by one with `nIn` input
 * channels and the same other settings, derived from the old weights if `pretrained`.
 * @example
 * ```ts
 * const m = resnet18();
 * updateFirstLayer(m, 1, false); // conv1 is now Conv2d(1, 64, …)
 * ```
 */
export function updateFirstLayer(model: AnyModule, nIn: number, pretrained: boolean): void {
  if (nIn === 3) return;
  if (!Number.isInteger(nIn) || nIn < 1) throw new ArchitectureError(`nIn must be a positive integer, got ${nIn}`);
  const { layer, parent, name } = firstLayer(model);
  if (!(layer instanceof Conv2d))
    throw new ArchitectureError(`changing the input channels is only supported with Conv2d, found ${layer.typeName}`);
  if (layer.inChannels !== 3)
    throw new ArchitectureError(`unexpected number of input channels: found ${layer.inChannels} while expecting 3`);
  const fresh = new Conv2d(nIn, layer.outChannels, layer.kernelSize, {
    stride: layer.stride,
    padding: layer.padding,
    dilation: layer.dilation,
    groups: layer.groups,
    bias: layer.bias !== undefined,
  });
  if (pretrained)
    tf.tidy(() => fresh.weight.variable.assign(adaptedWeight(layer.weight.variable, fresh.weight.variable, nIn)));
  parent.registerModule(name, fresh);
  layer.dispose();
}

/**
 * fastai 2.7's `create_body`: adapts the first conv to `nIn` channels, then cuts the model's children at
 * `cut` into a `Sequential` body (its children renamed `0…n-1`, so state-dict keys read `4.0.conv1.weight`).
 * Pass a model (e.g. one loaded with `loadPretrained`) or an architecture, which is built with random
 * weights (the children left out are then disposed). A model's layers are shared with the body, not copied.
 * @example
 * ```ts
 * const body = createBody(resnet34, { cut: -2 });
 * body.call(tf.zeros([1, 224, 224, 3])).shape; // [1, 7, 7, 512]
 * ```
 */
export function createBody(
  arch: VisionArch | AnyModule,
  opts?: CreateBodyOptions & { cut?: number | null },
): Sequential;
export function createBody<M extends TensorModule>(
  arch: VisionArch | AnyModule,
  opts: CreateBodyOptions & { cut: (model: AnyModule) => M },
): M;
export function createBody(arch: VisionArch | AnyModule, opts?: CreateBodyOptions): TensorModule;
export function createBody(arch: VisionArch | AnyModule, opts: CreateBodyOptions = {}): TensorModule {
  const model = typeof arch === 'function' ? arch() : arch;
  updateFirstLayer(model, opts.nIn ?? 3, opts.pretrained ?? false);
  let cut = opts.cut ?? undefined;
  if (cut === undefined) {
    const kids = model.children();
    cut = kids.findLastIndex(hasPoolType);
    if (cut < 0) throw new ArchitectureError(`${model.typeName} has no pooling layer to cut at; pass cut`);
  }
  const body = cutModel(model, cut);
  // A model built here has no other owner: free the children left out of the body (avgpool, fc).
  if (typeof arch === 'function' && typeof cut === 'number') for (const c of model.children().slice(cut)) c.dispose();
  return body;
}
