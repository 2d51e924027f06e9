// What vision_learner, unet_learner and the Siamese learner share around a body (fastai/vision/learner.py):
// the (pretrained) body cut at the meta's cut, and `_add_norm`.
import { ready } from '@tfai/core/backend';
import type { Learner } from '@tfai/core';
import type { TensorModule } from '@tfai/core/nn';
import { Normalize } from '../augment/normalize.js';
import type { BatchTransform } from '../augment/batch-transform.js';
import { createBody, type Cut } from './create-body.js';
import { getModelMeta, isRegisteredArch } from './archs.js';
import type { ModelMeta } from './model-meta.js';
import { loadPretrained } from './pretrained.js';
import type { VisionArch } from './resnet.js';

/** Options of `loadBody`. */
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

/** {@link LoadBodyOptions} with their defaults filled in. */
export interface BodyOptions extends LoadBodyOptions {
  pretrained: boolean | string;
  nIn: number;
}

/**
 * The body options with their defaults, stated here once for every body-based factory and learner: pretrained
 * weights (`true`, as fastai) and 3 input channels.
 * @example
 * ```ts
 * bodyOptions({ cut: -3 }); // { pretrained: true, pretrainedSha256: undefined, cut: -3, nIn: 3 }
 * ```
 */
export function bodyOptions(opts: LoadBodyOptions = {}): BodyOptions {
  return {
    pretrained: opts.pretrained ?? true,
    pretrainedSha256: opts.pretrainedSha256,
    cut: opts.cut,
    nIn: opts.nIn ?? 3,
  };
}

/**
 * The body of `arch` as `vision_learner`, `unet_learner` and the Siamese model build it: the architecture, its
 * pretrained weights loaded (`loadPretrained`), cut by {@link createBody} at `cut` (default the meta's), the
 * first conv adapted to `nIn`; the children left out (pool, fc) are disposed.
 * @example
 * ```ts
 * const body = await loadBody(resnet34, { pretrained: false }); // Sequential of the 8 children before the pool
 * body.call(tf.zeros([1, 224, 224, 3])).shape;                 // [1, 7, 7, 512]
 * ```
 */
export async function loadBody(arch: VisionArch, opts: LoadBodyOptions = {}): Promise<TensorModule> {
  await ready(); // the best backend before any tensor (not tfjs's pure-JS default)
  const { pretrained, pretrainedSha256, nIn } = bodyOptions(opts);
  const model = arch();
  if (pretrained !== false) {
    try {
      await loadPretrained(model, pretrained, { arch: arch.name, sha256: pretrainedSha256 });
    } catch (e) {
      model.dispose();
      throw e;
    }
  }
  let body: TensorModule;
  try {
    body = createBody(model, { nIn, pretrained: pretrained !== false, cut: opts.cut ?? getModelMeta(arch).cut });
  } catch (e) {
    model.dispose(); // a bad cut or nIn: nothing built survives
    throw e;
  }
  // The children left out of the body (avgpool, fc) belong to nothing built from it.
  const kept = new Set(body.modules());
  for (const c of model.children()) if (!kept.has(c)) c.dispose();
  return body;
}

/** Data that can take a `Normalize` batch transform (vision's and segmentation's DataLoaders). */
export interface NormalizableData {
  /** The batch transforms both loaders apply (a learner adds the pretrained Normalize unless one is here). */
  readonly batchTfms: readonly BatchTransform[];
  /** Appends batch transforms to both loaders. */
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
  nIn = bodyOptions().nIn,
): boolean {
  if (pretrained === false || !meta.stats || nIn !== meta.stats[0].length) return false;
  if (dls.batchTfms.some((t) => t instanceof Normalize)) return false;
  dls.addBatchTfms(Normalize.fromStats(meta.stats));
  return true;
}

/** Options of {@link setUpBodyLearner}: the body's, and whether to add the architecture's normalisation. */
export interface BodyLearnerOptions extends LoadBodyOptions {
  /** Add the architecture's normalisation (ImageNet stats) to the data when pretrained (default true, as fastai). */
  normalize?: boolean;
}

/** What {@link setUpBodyLearner} settles for a body-based learner. */
export interface BodyLearnerSetUp {
  /** The body options, defaults filled in. */
  body: BodyOptions;
  /** The architecture's meta (its splitter, statistics). */
  meta: ModelMeta;
  /**
   * What an export records of the body (`arch`, `nIn`, a numeric `cut`), or `undefined` when the JSON cannot name
   * it (an architecture outside the registry, a cut function).
   */
  bodyArgs: { arch: string; nIn: number; cut?: number } | undefined;
}

/**
 * Splits a body-based learner's options into the body's ({@link BodyLearnerOptions}, for {@link setUpBodyLearner})
 * and the learner's own.
 * @example
 * ```ts
 * const [bodyOpts, { head, ...rest }] = splitBodyLearnerOptions(opts);
 * ```
 */
export function splitBodyLearnerOptions<T extends BodyLearnerOptions>(
  opts: T,
): [BodyLearnerOptions, Omit<T, keyof BodyLearnerOptions>] {
  const { pretrained, pretrainedSha256, cut, nIn, normalize, ...rest } = opts;
  return [{ pretrained, pretrainedSha256, cut, nIn, normalize }, rest];
}

/**
 * The set-up `visionLearner`, `unetLearner` and `siameseLearner` share (fastai's `vision_learner` prologue): the
 * best backend, the body options with their defaults ({@link bodyOptions}), the architecture's meta, its
 * normalisation added to the data when pretrained (`addNormIfPretrained`, unless `normalize: false`), and what
 * an export can record of the body.
 * @example
 * ```ts
 * const { body, meta, bodyArgs } = await setUpBodyLearner(dls, resnet34, { pretrained: false });
 * ```
 */
export async function setUpBodyLearner(
  dls: NormalizableData,
  arch: VisionArch,
  opts: BodyLearnerOptions,
): Promise<BodyLearnerSetUp> {
  await ready(); // the best backend before any tensor (not tfjs's pure-JS default)
  const body = bodyOptions(opts);
  const meta = getModelMeta(arch);
  if (opts.normalize ?? true) addNormIfPretrained(dls, meta, body.pretrained, body.nIn);
  const { cut } = body;
  const nameable = isRegisteredArch(arch) && (cut === undefined || typeof cut === 'number');
  const bodyArgs = nameable ? { arch: arch.name, nIn: body.nIn, ...(cut === undefined ? {} : { cut }) } : undefined;
  return { body, meta, bodyArgs };
}

/**
 * fastai's last step of a body-based learner: with pretrained weights, `freeze()` (only the head trains).
 * @example
 * ```ts
 * freezeIfPretrained(learn, body);
 * ```
 */
export function freezeIfPretrained(learn: Learner, body: BodyOptions): void {
  if (body.pretrained !== false) learn.freeze();
}
