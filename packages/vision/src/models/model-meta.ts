// fastai's model_meta entries: where to cut the body, how to split parameters into groups for discriminative
// learning rates and freezing, and the normalisation statistics of its pretrained weights. The table by
// architecture name is the registry's (archs.ts).
import { params, type Splitter } from '@tfai/core';
import type { AnyModule, Parameter } from '@tfai/core/nn';
import { ArchitectureError } from './errors.js';
import type { Cut } from './create-body.js';

/** Mean and standard deviation per channel (RGB). */
export type Stats = [number[], number[]];

/** What fastai knows of an architecture: `cut` for {@link createBody}, `split`, and `stats` if pretrained. */
export interface ModelMeta {
  /** Where to cut the body: a child index (ResNets: -2, before the pool) or a function; undefined: before the last child with a pooling layer. */
  cut?: Cut;
  /** Splits the parameters into groups for discriminative learning rates and freezing (fastai's `split`). */
  split: Splitter;
  /** Normalisation statistics of the pretrained weights (ImageNet's for the ResNets). */
  stats?: Stats;
}

/**
 * ImageNet's per-channel mean and std (fastai's `imagenet_stats`), for normalising inputs of pretrained models.
 * @example
 * ```ts
 * const [mean, std] = imagenetStats; // [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
 * ```
 */
export const imagenetStats: Stats = [
  [0.485, 0.456, 0.406],
  [0.229, 0.224, 0.225],
];

function child(m: AnyModule, i: number, what: string): AnyModule {
  const kids = m.children();
  const c = kids[i];
  if (!c)
    throw new ArchitectureError(
      `${what}: expected a model with at least ${i + 1} children, ${m.typeName} has ${kids.length}`,
    );
  return c;
}

/**
 * fastai's `default_split`: `[params(m[0]), params(m[1:])]` — body, then head.
 * @example
 * ```ts
 * defaultSplit(await createVisionModel(resnet18, 10)).length; // 2
 * ```
 */
export function defaultSplit(m: AnyModule): Parameter[][] {
  const kids = m.children();
  return [params(child(m, 0, 'defaultSplit')), params(...kids.slice(1))];
}

/**
 * fastai's `_resnet_split`: `L(m[0][:6], m[0][6:], m[1:])` — the stem with layer1 and layer2, then layer3 and
 * layer4, then the head: three parameter groups.
 * @example
 * ```ts
 * const groups = resnetSplit(await createVisionModel(resnet34, 37));
 * groups.map((g) => g.length); // [48, 60, 6]
 * ```
 */
export function resnetSplit(m: AnyModule): Parameter[][] {
  const body = child(m, 0, 'resnetSplit').children();
  return [params(...body.slice(0, 6)), params(...body.slice(6)), params(...m.children().slice(1))];
}

/** fastai's `_default_meta`, for architectures it knows nothing about. */
export const defaultMeta: ModelMeta = { cut: undefined, split: defaultSplit };
/** The meta of torchvision's ResNets (fastai's `_resnet_meta`): cut before the pool, {@link resnetSplit}, ImageNet stats. */
export const resnetMeta: ModelMeta = { cut: -2, split: resnetSplit, stats: imagenetStats };
