// @tfai/vision — public API: fastai.vision for tfjs, grouped as fastai's modules. Explicit named exports only;
// helpers the sibling packages share are in `./internal.ts` (the `@tfai/vision/internal` subpath).

// ---- Architectures ----
// torchvision's ResNets (names, layouts and parameter counts), the architecture registry and model metadata.
export { ResNet, BasicBlock, Bottleneck, resnet18, resnet34, resnet50, resnet101, resnet152 } from './models/resnet.js';
export type { ResNetOptions, VisionArch } from './models/resnet.js';
export { modelMeta, getModelMeta, defaultMeta, defaultSplit, resnetSplit, imagenetStats } from './models/model-meta.js';
export type { ModelMeta, Stats } from './models/model-meta.js';
export { PretrainedWeightsError } from './models/errors.js';

// ---- Bodies and heads ----
// fastai's create_body/create_head/create_vision_model, pretrained bodies (loadBody) and _add_norm.
export { createBody, cutModel, hasPoolType, updateFirstLayer } from './models/create-body.js';
export type { Cut, CutFn, CreateBodyOptions } from './models/create-body.js';
export { createHead } from './models/create-head.js';
export type { CreateHeadOptions } from './models/create-head.js';
export { createVisionModel, addHead } from './models/create-vision-model.js';
export type { CreateVisionModelOptions, AddHeadOptions } from './models/create-vision-model.js';
export { inChannels, dummyEval, modelSizes, numFeaturesModel } from './models/model-sizes.js';
export { loadBody, addNormIfPretrained, visionArch, isRegisteredArch } from './models/load-body.js';
export type { LoadBodyOptions, NormalizableData } from './models/load-body.js';

// ---- Pretrained weights ----
// torchvision's published checkpoints (downloaded once, hash-checked), or a local .pth/.safetensors.
export {
  loadPretrained,
  resolvePretrained,
  modelsCacheDir,
  pretrainedWeights,
  TORCHVISION_BASE_URL,
} from './models/pretrained.js';
export type { PretrainedSource, PretrainedOptions } from './models/pretrained.js';

// ---- Images and items ----
// Decoding with sharp (size-limited), image files, labels and splits, CSVs, image grids.
export { ImageReadError, ImageDataError } from './data/errors.js';
export {
  loadImage,
  sourceName,
  isImageSource,
  setMaxImagePixels,
  getMaxImagePixels,
  DEFAULT_MAX_IMAGE_PIXELS,
} from './data/image.js';
export type { ImageSource, RGBImage } from './data/image.js';
export { getImageFiles, parentLabel, regexLabel, IMAGE_EXTENSIONS } from './data/items.js';
export type { GetImageFilesOptions } from './data/items.js';
export { writeImageGrid, batchToImages } from './data/image-grid.js';
export type { GridTile, CaptionLine, ImageGridOptions } from './data/image-grid.js';

// ---- Data loaders (the vision mid level) ----
// One sample pipeline for every image task (one transform draw per sample), and ImageDataLoaders' factories.
export { VisionDataset, VisionDataLoader, applyItemTfms, collateSamples, loadSample } from './data/sample.js';
export type { VisionItem, VisionSample, VisionDatasetOptions, VisionDataLoaderOptions } from './data/sample.js';
export { VisionDataLoaders, imageSources } from './data/vision-data-loaders.js';
export type { VisionTfmSpecs, VisionShowOptions, VisionLoaderSettings } from './data/vision-data-loaders.js';
export { ImageDataset, ImageDataLoader, collateImages } from './data/image-dataset.js';
export type { ImageSample, ImageDataLoaderOptions } from './data/image-dataset.js';
export { ImageDataLoaders } from './data/image-data-loaders.js';
export type { ImageDataLoadersOptions, ImageInferenceSpec, ShowBatchOptions } from './data/image-data-loaders.js';

// ---- Transforms ----
// Item transforms (sharp, one plan per sample, masks moved with the image) and batch transforms (tf ops).
export { Resize, resizePlan, cropPad } from './augment/resize.js';
export type { ResizeOptions, CropPadPlan } from './augment/resize.js';
export { RandomResizedCrop, randomResizedCropPlan } from './augment/random-resized-crop.js';
export type { RandomResizedCropOptions } from './augment/random-resized-crop.js';
export { FlipItem } from './augment/flip.js';
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
} from './augment/affine.js';
export type { AffineOptions, Mat3 } from './augment/affine.js';
export { LightingTfm } from './augment/lighting.js';
export type { LightingOptions } from './augment/lighting.js';
export { augTransforms } from './augment/aug-transforms.js';
export type { AugTransformsOptions } from './augment/aug-transforms.js';
export { itemTfmFromJSON, batchTfmFromJSON } from './augment/from-json.js';

// ---- Learner ----
// visionLearner (head options in `head: {...}`), predict/showResults, and the builders loadLearner finds by name.
export { visionLearner, VisionLearner, learnerBuilders, VISION_ARCHS } from './learner/vision-learner.js';
export type {
  VisionLearnerOptions,
  VisionLearnerArgs,
  VisionPrediction,
  ShowResultsOptions,
} from './learner/vision-learner.js';

// ---- Interpretation ----
// fastai's ClassificationInterpretation: confusion matrix, most confused, top losses.
export { ClassificationInterpretation } from './interpret/classification-interpretation.js';
export type { PlotTopLossesOptions } from './interpret/classification-interpretation.js';
export { confusionMatrixSvg } from './interpret/confusion-plot.js';
export type { ConfusionPlotOptions } from './interpret/confusion-plot.js';

// ---- Segmentation ----
// DynamicUnet and unetLearner (options in `unet: {...}`), segmentation data, masks and metrics.
export { DynamicUnet } from './unet/dynamic-unet.js';
export type { DynamicUnetOptions } from './unet/dynamic-unet.js';
export { UnetBlock } from './unet/unet-block.js';
export type { UnetBlockOptions } from './unet/unet-block.js';
export { ResizeToOrig, ToTensorBase } from './unet/resize-to-orig.js';
export { unetLearner, UnetLearner, createUnetModel } from './unet/unet-learner.js';
export type {
  UnetLearnerOptions,
  UnetLearnerArgs,
  CreateUnetModelOptions,
  SegmentationPrediction,
  SegmentationResultsOptions,
} from './unet/unet-learner.js';
export { SegmentationDataLoaders } from './segmentation/segmentation-data-loaders.js';
export type {
  SegmentationDataLoadersOptions,
  SegmentationInferenceSpec,
  SegmentationShowOptions,
} from './segmentation/segmentation-data-loaders.js';
export {
  SegmentationDataset,
  SegmentationDataLoader,
  collateSegmentation,
} from './segmentation/segmentation-dataset.js';
export type { SegmentationSample, SegmentationDataLoaderOptions } from './segmentation/segmentation-dataset.js';
export { loadMask, checkMask, cropPadMask, maskToRGB, classColors, readCodes } from './segmentation/mask.js';
export type { Mask } from './segmentation/mask.js';
export {
  foregroundAcc,
  dice,
  diceMulti,
  jaccardCoeff,
  jaccardCoeffMulti,
  SEGMENTATION_METRICS,
} from './segmentation/metrics.js';
export type { BinarySegOptions } from './segmentation/metrics.js';
export { SegmentationDataError } from './segmentation/errors.js';
