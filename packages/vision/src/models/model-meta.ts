// fastai's model_meta: per architecture, where to cut the body, how to split parameters into groups for
// discriminative learning rates and freezing, and the normalisation statistics of its pretrained weights.
import { params, type Splitter } from '@tfai/core';
import { type AnyModule, type Parameter } from '@tfai/core/nn';
import { ArchitectureError } from './errors.js';
import type { Cut } from './create-body.js';
import type { VisionArch } from './resnet.js';

/** Mean and standard deviation per channel (RGB). */
export type Stats = [number[], number[]];

/** What fastai knows of an architecture: `cut` for {@link createBody}, `split`, and `stats` if pretrained. */
export interface ModelMeta {
  cut?: Cut;
  split: Splitter;
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
const resnetMeta: ModelMeta = { cut: -2, split: resnetSplit, stats: imagenetStats };

/**
 * fastai's `model_meta`, keyed by architecture name (the name of its constructor function).
 * @example
 * ```ts
 * modelMeta.resnet34.cut; // -2
 * ```
 */
export const modelMeta: Readonly<Record<string, ModelMeta>> = {
  resnet18: resnetMeta,
  resnet34: resnetMeta,
  resnet50: resnetMeta,
  resnet101: resnetMeta,
  resnet152: resnetMeta,
};

/**
 * The meta of an architecture or architecture name, or {@link defaultMeta} (`model_meta.get(arch, _default_meta)`).
 * @example
 * ```ts
 * getModelMeta(resnet18).split === resnetSplit; // true
 * ```
 */
export function getModelMeta(arch: VisionArch | string): ModelMeta {
  const name = typeof arch === 'string' ? arch : arch.name;
  return Object.hasOwn(modelMeta, name) ? modelMeta[name] : defaultMeta;
}
