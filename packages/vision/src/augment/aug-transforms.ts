// fastai's `aug_transforms`: the standard batch augmentation, composed as `setup_aug_tfms` composes it.
import { AffineCoordTfm, type AffineOptions } from './affine.js';
import type { BatchTransform } from './batch-transform.js';
import { LightingTfm } from './lighting.js';

/** Options of {@link augTransforms}, with fastai's defaults. */
export interface AugTransformsOptions extends AffineOptions {
  /** Multiplies `maxRotate`, `maxLighting` and `maxWarp` (default 1). */
  mult?: number;
  /** Largest change of brightness and contrast (default 0.2; 0 for none). */
  maxLighting?: number;
  /** Probability of each lighting change per image (default 0.75). */
  pLighting?: number;
}

/**
 * fastai's `aug_transforms`: random flips, rotations (±10°), zooms (1–1.1×) and perspective warps (0.2), each with
 * probability `pAffine`, done as one affine/perspective resampling per image (`tf.image.transform`), then random
 * brightness and contrast (±0.2, probability `pLighting`). Pass the result as `batchTfms`; validation batches are
 * not augmented.
 * @example
 * ```ts
 * const dls = await ImageDataLoaders.fromFolder(path, { itemTfms: [new Resize(64)], batchTfms: augTransforms({ maxRotate: 20 }) });
 * ```
 */
export function augTransforms(opts: AugTransformsOptions = {}): BatchTransform[] {
  const mult = opts.mult ?? 1;
  const { maxLighting = 0.2, pLighting = 0.75, mult: _mult, ...affine } = opts;
  const maxRotate = (affine.maxRotate ?? 10) * mult;
  const maxWarp = (affine.maxWarp ?? 0.2) * mult;
  const lighting = maxLighting * mult;
  const res: BatchTransform[] = [];
  const doFlip = affine.doFlip ?? true;
  const zoom = (affine.minZoom ?? 1) < 1 || (affine.maxZoom ?? 1.1) > 1;
  if (doFlip || maxRotate || maxWarp || zoom) res.push(new AffineCoordTfm({ ...affine, maxRotate, maxWarp }));
  if (lighting) res.push(new LightingTfm({ maxLighting: lighting, pLighting }));
  return res;
}
