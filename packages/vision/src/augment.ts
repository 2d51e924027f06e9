// @tfai/vision/augment — fastai's vision augmentations: item transforms (sharp, one plan per sample, masks moved
// with the image; Node-only) and batch transforms (tf ops), augTransforms, and their JSON forms.

// ---- Transforms ----
// Item transforms (sharp, one plan per sample, masks moved with the image) and batch transforms (tf ops).
export { Resize, resizePlan, cropPad } from './augment/resize.js';
export type { ResizeOptions, CropPadPlan } from './augment/resize.js';
export { RandomResizedCrop, randomResizedCropPlan } from './augment/random-resized-crop.js';
export type { RandomResizedCropOptions } from './augment/random-resized-crop.js';
export { FlipItem } from './augment/flip.js';
export { cropPadPoints } from './augment/item-transform.js';
export type { FlipItemOptions } from './augment/flip.js';
export type {
  ItemTransform,
  ItemContext,
  ItemTfmSpec,
  ItemPlan,
  ResizeMethod,
  PadMode,
  Size,
} from './augment/item-transform.js';
export { applyBatchTfms, applyBatchPlans, decodeBatchTfms } from './augment/batch-transform.js';
export type { BatchTransform, BatchContext, BatchTfmSpec, BatchPlan } from './augment/batch-transform.js';
export { Normalize } from './augment/normalize.js';
export {
  AffineCoordTfm,
  flipMat,
  dihedralMat,
  rotateMat,
  zoomMat,
  warpMat,
  toPixelTransform,
  pointTransform,
  movePoints,
  inv3,
} from './augment/affine.js';
export type { AffineOptions, Mat3 } from './augment/affine.js';
export { LightingTfm } from './augment/lighting.js';
export type { LightingOptions } from './augment/lighting.js';
export { augTransforms } from './augment/aug-transforms.js';
export type { AugTransformsOptions } from './augment/aug-transforms.js';
export { itemTfmFromJSON, batchTfmFromJSON } from './augment/from-json.js';
