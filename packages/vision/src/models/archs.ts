// The one architecture registry: per name, how to build the architecture, fastai's `model_meta` for it, and
// torchvision's published weights that `pretrained: true` loads. `modelMeta` and the lookups derive from it.
import { ImageDataError } from '../data/errors.js';
import { resnetMeta, defaultMeta, type ModelMeta } from './model-meta.js';
import { imagenetDefaultMeta } from './model-meta.js';
import { convnext_tiny, convnext_small, convnext_base } from './convnext.js';
import { efficientnet_b0, efficientnet_b1, efficientnet_b2, efficientnet_b3 } from './efficientnet.js';
import { resnet18, resnet34, resnet50, resnet101, resnet152, type VisionArch } from './resnet.js';
import { CLASSIC_ARCHS } from './classic-meta.js';

/** What tfai knows of an architecture an export can name. */
export interface ArchEntry {
  /** The architecture (a function building the whole model, named as the registry key). */
  build: VisionArch;
  /** fastai's `model_meta` entry: cut, splitter, normalisation statistics. */
  meta: ModelMeta;
  /**
   * torchvision's checkpoint fastai's `pretrained=True` loads (`IMAGENET1K_V1`, from torchvision's
   * `models/resnet.py`); the hex after the dash is the start of the file's sha256.
   */
  weights?: {
    /** The checkpoint's file name as torchvision publishes it, e.g. `'resnet34-b627a593.pth'`. */
    file: string;
  };
}

/**
 * The architecture registry, keyed by name: torchvision's ResNets. Learners rebuild exported models by these names.
 * @example
 * ```ts
 * VISION_ARCHS.resnet34.weights?.file; // 'resnet34-b627a593.pth'
 * Object.keys(VISION_ARCHS);           // ['resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152']
 * ```
 */
export const VISION_ARCHS: Readonly<Record<string, ArchEntry>> = {
  resnet18: { build: resnet18, meta: resnetMeta, weights: { file: 'resnet18-f37072fd.pth' } },
  resnet34: { build: resnet34, meta: resnetMeta, weights: { file: 'resnet34-b627a593.pth' } },
  resnet50: { build: resnet50, meta: resnetMeta, weights: { file: 'resnet50-0676ba61.pth' } },
  resnet101: { build: resnet101, meta: resnetMeta, weights: { file: 'resnet101-63fe2227.pth' } },
  resnet152: { build: resnet152, meta: resnetMeta, weights: { file: 'resnet152-394f9c45.pth' } },
  // #31: torchvision's ConvNeXts and EfficientNets (their IMAGENET1K_V1 weights, what `pretrained=True` loads).
  convnext_tiny: { build: convnext_tiny, meta: imagenetDefaultMeta, weights: { file: 'convnext_tiny-983f1562.pth' } },
  convnext_small: {
    build: convnext_small,
    meta: imagenetDefaultMeta,
    weights: { file: 'convnext_small-0c510722.pth' },
  },
  convnext_base: { build: convnext_base, meta: imagenetDefaultMeta, weights: { file: 'convnext_base-6075fbad.pth' } },
  efficientnet_b0: {
    build: efficientnet_b0,
    meta: imagenetDefaultMeta,
    weights: { file: 'efficientnet_b0_rwightman-3dd342df.pth' },
  },
  efficientnet_b1: {
    build: efficientnet_b1,
    meta: imagenetDefaultMeta,
    weights: { file: 'efficientnet_b1_rwightman-533bc792.pth' },
  },
  efficientnet_b2: {
    build: efficientnet_b2,
    meta: imagenetDefaultMeta,
    weights: { file: 'efficientnet_b2_rwightman-bcdf34b7.pth' },
  },
  efficientnet_b3: {
    build: efficientnet_b3,
    meta: imagenetDefaultMeta,
    weights: { file: 'efficientnet_b3_rwightman-cf984f9c.pth' },
  },
  ...CLASSIC_ARCHS,
};

/** The registry entry called `name`, or `undefined` (own keys only: `toString` is no architecture). */
function entry(name: string): ArchEntry | undefined {
  return Object.hasOwn(VISION_ARCHS, name) ? VISION_ARCHS[name] : undefined;
}

/**
 * fastai's `model_meta`, keyed by architecture name: the registry's `meta`s.
 * @example
 * ```ts
 * modelMeta.resnet34.cut; // -2
 * ```
 */
export const modelMeta: Readonly<Record<string, ModelMeta>> = Object.fromEntries(
  Object.entries(VISION_ARCHS).map(([name, e]) => [name, e.meta]),
);

/**
 * The meta of an architecture or architecture name, or {@link defaultMeta} (`model_meta.get(arch, _default_meta)`).
 * @example
 * ```ts
 * getModelMeta(resnet18).split === resnetSplit; // true
 * ```
 */
export function getModelMeta(arch: VisionArch | string): ModelMeta {
  return entry(typeof arch === 'string' ? arch : arch.name)?.meta ?? defaultMeta;
}

/**
 * The registered architecture called `name`, or `undefined`.
 * @example
 * ```ts
 * visionArch('resnet34') === resnet34; // true
 * ```
 */
export function visionArch(name: string): VisionArch | undefined {
  return entry(name)?.build;
}

/**
 * The registered architecture an exported learner names; throws {@link ImageDataError} listing the known ones.
 * @example
 * ```ts
 * const arch = exportedArch(args.arch); // in a learner builder
 * ```
 */
export function exportedArch(name: string): VisionArch {
  const arch = visionArch(name);
  if (!arch)
    throw new ImageDataError(
      `export names architecture '${name}', which @tfai/vision does not have (${Object.keys(VISION_ARCHS).join(', ')})`,
    );
  return arch;
}

/**
 * Whether `arch` is the registered architecture of its name (so an export can name it).
 * @example
 * ```ts
 * isRegisteredArch(resnet18); // true
 * ```
 */
export function isRegisteredArch(arch: VisionArch): boolean {
  return visionArch(arch.name) === arch;
}

/**
 * torchvision's published weights file for the architecture called `name`, or `undefined`.
 * @example
 * ```ts
 * publishedWeights('resnet18'); // 'resnet18-f37072fd.pth'
 * ```
 */
export function publishedWeights(name: string): string | undefined {
  return entry(name)?.weights?.file;
}
