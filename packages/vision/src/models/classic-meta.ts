// fastai 2.7's `model_meta` for its other families (fastai/vision/learner.py): xresnet (fastai's own), and
// torchvision's SqueezeNet, DenseNet, VGG-BN and AlexNet, with their cuts, splitters and the published weights
// `pretrained: true` loads. The registry (archs.ts) spreads `CLASSIC_ARCHS` into its table.
import { params } from '@tfai/core';
import type { AnyModule, Parameter, Sequential } from '@tfai/core/nn';
import { alexnet } from './alexnet.js';
import type { ArchEntry } from './archs.js';
import { densenet121, densenet161, densenet169, densenet201 } from './densenet.js';
import { ArchitectureError } from './errors.js';
import { imagenetStats, type ModelMeta } from './model-meta.js';
import { squeezenet1_0, squeezenet1_1 } from './squeezenet.js';
import { vgg11_bn, vgg13_bn, vgg16_bn, vgg19_bn } from './vgg.js';
import { xresnet18, xresnet34, xresnet50, xresnet101, xresnet152 } from './xresnet.js';

/** `m[i]` of a model whose children are a list (a Sequential), with the function named in the error. */
function nth(m: AnyModule, i: number, what: string): AnyModule {
  const c = m.children()[i];
  if (!c) throw new ArchitectureError(`${what}: ${m.typeName} has no child ${i} (it has ${m.children().length})`);
  return c;
}

/** `[params(a[:k]), params(a[k:]), params(m[1:])]` where `a` is the body (`depth` 1) or the body's first child (2). */
function threeGroups(m: AnyModule, k: number, depth: 1 | 2, what: string): Parameter[][] {
  let a = nth(m, 0, what);
  if (depth === 2) a = nth(a, 0, what);
  const kids = (a as Sequential).children();
  return [params(...kids.slice(0, k)), params(...kids.slice(k)), params(...m.children().slice(1))];
}

/**
 * fastai's `_xresnet_split`: `L(m[0][:3], m[0][3:], m[1:])` — the three stem convs, the rest of the body, the head.
 * @example
 * ```ts
 * xresnetSplit(await createVisionModel(xresnet18, 10, { pretrained: false })).length; // 3
 * ```
 */
export function xresnetSplit(m: AnyModule): Parameter[][] {
  return threeGroups(m, 3, 1, 'xresnetSplit');
}

/**
 * fastai's `_squeezenet_split`: `L(m[0][0][:5], m[0][0][5:], m[1:])` (the body is `Sequential(features)`).
 * @example
 * ```ts
 * squeezenetSplit(await createVisionModel(squeezenet1_1, 10, { pretrained: false })).length; // 3
 * ```
 */
export function squeezenetSplit(m: AnyModule): Parameter[][] {
  return threeGroups(m, 5, 2, 'squeezenetSplit');
}

/**
 * fastai's `_densenet_split`: `L(m[0][0][:7], m[0][0][7:], m[1:])` — stem to denseblock2, the rest, the head.
 * @example
 * ```ts
 * densenetSplit(await createVisionModel(densenet121, 10, { pretrained: false })).length; // 3
 * ```
 */
export function densenetSplit(m: AnyModule): Parameter[][] {
  return threeGroups(m, 7, 2, 'densenetSplit');
}

/**
 * fastai's `_vgg_split`: `L(m[0][0][:22], m[0][0][22:], m[1:])`.
 * @example
 * ```ts
 * vggSplit(await createVisionModel(vgg16_bn, 10, { pretrained: false })).length; // 3
 * ```
 */
export function vggSplit(m: AnyModule): Parameter[][] {
  return threeGroups(m, 22, 2, 'vggSplit');
}

/**
 * fastai's `_alexnet_split`: `L(m[0][0][:6], m[0][0][6:], m[1:])`.
 * @example
 * ```ts
 * alexnetSplit(await createVisionModel(alexnet, 10, { pretrained: false })).length; // 3
 * ```
 */
export function alexnetSplit(m: AnyModule): Parameter[][] {
  return threeGroups(m, 6, 2, 'alexnetSplit');
}

/** fastai's `_xresnet_meta`: cut -4 (before pool, flatten, dropout, Linear), {@link xresnetSplit}, ImageNet stats. */
export const xresnetMeta: ModelMeta = { cut: -4, split: xresnetSplit, stats: imagenetStats };
/** fastai's `_squeezenet_meta`: cut -1 (the body is `features`), {@link squeezenetSplit}, ImageNet stats. */
export const squeezenetMeta: ModelMeta = { cut: -1, split: squeezenetSplit, stats: imagenetStats };
/** fastai's `_densenet_meta`: cut -1 (the body is `features`, without the forward's final ReLU). */
export const densenetMeta: ModelMeta = { cut: -1, split: densenetSplit, stats: imagenetStats };
/** fastai's `_vgg_meta`: cut -2 (the body is `features`). */
export const vggMeta: ModelMeta = { cut: -2, split: vggSplit, stats: imagenetStats };
/** fastai's `_alexnet_meta`: cut -2 (the body is `features`). */
export const alexnetMeta: ModelMeta = { cut: -2, split: alexnetSplit, stats: imagenetStats };

/**
 * The registry entries of fastai's other `model_meta` families. Weights: torchvision 0.14's `IMAGENET1K_V1`
 * files (the hash prefix in each name is checked on download); xresnet has none (fastai 2.7 publishes only an
 * xresnet50 file of an older layout, `xrn50_940.pth`, loaded non-strictly).
 * @example
 * ```ts
 * CLASSIC_ARCHS.densenet121.weights?.file; // 'densenet121-a639ec97.pth'
 * ```
 */
export const CLASSIC_ARCHS: Readonly<Record<string, ArchEntry>> = {
  xresnet18: { build: xresnet18, meta: xresnetMeta },
  xresnet34: { build: xresnet34, meta: xresnetMeta },
  xresnet50: { build: xresnet50, meta: xresnetMeta },
  xresnet101: { build: xresnet101, meta: xresnetMeta },
  xresnet152: { build: xresnet152, meta: xresnetMeta },
  squeezenet1_0: { build: squeezenet1_0, meta: squeezenetMeta, weights: { file: 'squeezenet1_0-b66bff10.pth' } },
  squeezenet1_1: { build: squeezenet1_1, meta: squeezenetMeta, weights: { file: 'squeezenet1_1-b8a52dc0.pth' } },
  densenet121: { build: densenet121, meta: densenetMeta, weights: { file: 'densenet121-a639ec97.pth' } },
  densenet161: { build: densenet161, meta: densenetMeta, weights: { file: 'densenet161-8d451a50.pth' } },
  densenet169: { build: densenet169, meta: densenetMeta, weights: { file: 'densenet169-b2777c0a.pth' } },
  densenet201: { build: densenet201, meta: densenetMeta, weights: { file: 'densenet201-c1103571.pth' } },
  vgg11_bn: { build: vgg11_bn, meta: vggMeta, weights: { file: 'vgg11_bn-6002323d.pth' } },
  vgg13_bn: { build: vgg13_bn, meta: vggMeta, weights: { file: 'vgg13_bn-abd245e5.pth' } },
  vgg16_bn: { build: vgg16_bn, meta: vggMeta, weights: { file: 'vgg16_bn-6c64b313.pth' } },
  vgg19_bn: { build: vgg19_bn, meta: vggMeta, weights: { file: 'vgg19_bn-c79401a0.pth' } },
  alexnet: { build: alexnet, meta: alexnetMeta, weights: { file: 'alexnet-owt-7be5be79.pth' } },
};
