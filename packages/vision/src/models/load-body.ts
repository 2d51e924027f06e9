// What vision_learner, unet_learner and the Siamese learner share around a body (fastai/vision/learner.py):
// the architecture registry an export names, the (pretrained) body cut at the meta's cut, and `_add_norm`.
import { ready } from '@tfai/core/backend';
import type { TensorModule } from '@tfai/core/nn';
import { Normalize } from '../augment/normalize.js';
import type { BatchTransform } from '../augment/batch-transform.js';
import { createBody, type Cut } from './create-body.js';
import { getModelMeta, type ModelMeta } from './model-meta.js';
import { loadPretrained } from './pretrained.js';
import { resnet18, resnet34, resnet50, resnet101, resnet152, type VisionArch } from './resnet.js';

/** The architectures an export can name (learners rebuild them by name): torchvision's ResNets. */
export const VISION_ARCHS: Readonly<Record<string, VisionArch>> = {
  resnet18,
  resnet34,
  resnet50,
  resnet101,
  resnet152,
};

/**
 * The registered architecture called `name` ({@link VISION_ARCHS}), or `undefined`.
 * @example
 * ```ts
 * visionArch('resnet34') === resnet34; // true
 * ```
 */
export function visionArch(name: string): VisionArch | undefined {
  return Object.hasOwn(VISION_ARCHS, name) ? VISION_ARCHS[name] : undefined;
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

/** Options of {@link loadBody}. */
export interface LoadBodyOptions {
  /**
   * Weights for the architecture before it is cut: `true` (default, as fastai: torchvision's published checkpoint,
   * downloaded once into `$TFAI_HOME/models`), a local `.pth`/`.safetensors` path or an http(s) URL of one, or
   * `false` (random weights).
   */
  pretrained?: boolean | string;
  /** Expected sha256 of downloaded weights. */
  pretrainedSha256?: string;
  /** Where to cut the body; default the architecture's `modelMeta` cut. */
  cut?: Cut | null;
  /** Input channels (default 3; the first conv is adapted, from the pretrained one when pretrained). */
  nIn?: number;
}

/**
 * The body of `arch` as `vision_learner`, `unet_learner` and the Siamese model build it: the architecture, its
 * pretrained weights loaded ({@link loadPretrained}), cut by {@link createBody} at `cut` (default the meta's), the
 * first conv adapted to `nIn`; the children left out (pool, fc) are disposed.
 * @example
 * ```ts
 * const body = await loadBody(resnet34, { pretrained: false }); // Sequential of the 8 children before the pool
 * body.call(tf.zeros([1, 224, 224, 3])).shape;                 // [1, 7, 7, 512]
 * ```
 */
export async function loadBody(arch: VisionArch, opts: LoadBodyOptions = {}): Promise<TensorModule> {
  await ready(); // the best backend before any tensor (not tfjs's pure-JS default)
  const { pretrained = true, pretrainedSha256, nIn = 3 } = opts;
  const model = arch();
  if (pretrained !== false) {
    try {
      await loadPretrained(model, pretrained, { arch: arch.name, sha256: pretrainedSha256 });
    } catch (e) {
      model.dispose();
      throw e;
    }
  }
  const body = createBody(model, { nIn, pretrained: pretrained !== false, cut: opts.cut ?? getModelMeta(arch).cut });
  // The children left out of the body (avgpool, fc) belong to nothing built from it.
  const kept = new Set(body.modules());
  for (const c of model.children()) if (!kept.has(c)) c.dispose();
  return body;
}

/** Data that can take a `Normalize` batch transform (vision's and segmentation's DataLoaders). */
export interface NormalizableData {
  readonly batchTfms: readonly BatchTransform[];
  addBatchTfms(...tfms: BatchTransform[]): void;
}

/**
 * fastai's `_add_norm(dls, meta, pretrained, n_in)`: with pretrained weights, an architecture with statistics and
 * `nIn` channels as many as the statistics, adds `Normalize.fromStats(meta.stats)` to the data unless it has a
 * `Normalize` already. Returns whether it added one.
 * @example
 * ```ts
 * addNormIfPretrained(dls, getModelMeta(resnet34), true); // ImageNet statistics
 * ```
 */
export function addNormIfPretrained(
  dls: NormalizableData,
  meta: ModelMeta,
  pretrained: boolean | string,
  nIn = 3,
): boolean {
  if (pretrained === false || !meta.stats || nIn !== meta.stats[0].length) return false;
  if (dls.batchTfms.some((t) => t instanceof Normalize)) return false;
  dls.addBatchTfms(Normalize.fromStats(meta.stats));
  return true;
}
