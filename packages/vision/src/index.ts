// @tfai/vision — fastai.vision for tfjs: images and items, the data loaders, visionLearner and unetLearner,
// interpretation and segmentation. Explicit named exports only. Subpaths by concern: `@tfai/vision/models` (ResNets,
// createBody/createHead/createVisionModel, pretrained weights, DynamicUnet), `@tfai/vision/augment` (item and batch
// transforms, augTransforms). Helpers the sibling packages share are in `./internal.ts` (`@tfai/vision/internal`).
//
// In a page (the `browser` export condition) the same imports work: images decode with the browser's
// `createImageBitmap` instead of sharp, `predict` takes `ImagePixels` (an `ImageData`) as well, and what needs files
// or sharp (folder loaders, `writeImageGrid`, showBatch, showResults) throws a typed error. Importing this package
// registers its learner builders with core's `loadLearner` (hence `sideEffects` lists this file).

// ---- Images and items ----
// Decoding with sharp (size-limited), image files, labels and splits, CSVs, image grids.
export { ImageReadError, ImageDataError } from './data/errors.js';
export {
  loadImage,
  sourceName,
  isImageSource,
  isImagePixels,
  pixelsToRGB,
  setMaxImagePixels,
  getMaxImagePixels,
  DEFAULT_MAX_IMAGE_PIXELS,
  setDecodePixelBudget,
  DEFAULT_DECODE_PIXEL_BUDGET,
} from './data/image.js';
export type { ImagePixels, ImageSource, RGBImage } from './data/image.js';
export { resizeBilinear } from './data/resample.js';
export { getImageFiles, regexLabel, IMAGE_EXTENSIONS } from './data/items.js';
export type { GetImageFilesOptions } from './data/items.js';
export { writeImageGrid, batchToImages } from './data/image-grid.js';
export type { GridTile, CaptionLine, ImageGridOptions } from './data/image-grid.js';

// ---- Data loaders (the vision mid level) ----
// One sample pipeline for every image task (one transform draw per sample), and ImageDataLoaders' factories.
export { VisionDataset, VisionDataLoader, applyItemTfms, collateSamples, loadSample } from './data/sample.js';
export type {
  VisionItem,
  VisionSample,
  VisionTarget,
  PixelPoints,
  VisionDatasetOptions,
  VisionDataLoaderOptions,
} from './data/sample.js';
export { VisionDataLoaders, imageSources } from './data/vision-data-loaders.js';
export type { VisionTfmSpecs, VisionShowOptions, VisionLoaderSettings } from './data/vision-data-loaders.js';
export { ImageDataset, ImageDataLoader, collateImages } from './data/image-dataset.js';
export type { ImageSample, ImageDataLoaderOptions, ImageDatasetOptions } from './data/image-dataset.js';
export { ImageDataLoaders } from './data/image-data-loaders.js';
export type {
  ImageDataLoadersOptions,
  ImageFromDfOptions,
  ImageInferenceSpec,
  ImageTargetSpec,
  ShowBatchOptions,
} from './data/image-data-loaders.js';

// ---- DataBlock blocks (fastai's ImageBlock, MaskBlock, PointBlock; DataBlock itself is @tfai/core/data's) ----
export { ImageBlock } from './data/image-block.js';
export type { ImageTargetBlock, ImageBlockLoadersInput } from './data/image-block.js';
export { PointBlock } from './data/point-block.js';
export { MaskBlock } from './segmentation/mask-block.js';
export { drawPoints } from './data/draw-points.js';

// ---- Learner ----
// visionLearner (head options in `head: {...}`), predict/showResults, and the builders loadLearner finds by name.
export { visionLearner, VisionLearner, learnerBuilders } from './learner/vision-learner.js';
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
// unetLearner (options in `unet: {...}`), segmentation data, masks and metrics (DynamicUnet: `@tfai/vision/models`).
export { unetLearner, UnetLearner } from './unet/unet-learner.js';
export type {
  UnetLearnerOptions,
  UnetLearnerArgs,
  UnetConfig,
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
export { loadMask, checkMask, cropPadMask, maskToRGB, classColors } from './data/mask.js';
export type { Mask } from './data/mask.js';
export { readCodes } from './segmentation/codes.js';
export {
  foregroundAcc,
  dice,
  diceMulti,
  jaccardCoeff,
  jaccardCoeffMulti,
  SEGMENTATION_METRICS,
} from './segmentation/metrics.js';
export type { BinarySegOptions } from './segmentation/metrics.js';
export { SegmentationDataError } from './data/errors.js';

// ---- The names a fastai user reaches for first (DESIGN.md §7), also in @tfai/vision/models: the same objects ----
export { resnet18, resnet34, resnet50 } from './models/resnet.js';
export { convnext_tiny, convnext_small, convnext_base } from './models/convnext.js';
export { convnextTiny, convnextSmall, convnextBase } from './models/convnext.js';
export { efficientnet_b0, efficientnet_b1, efficientnet_b2, efficientnet_b3 } from './models/efficientnet.js';
export { efficientnetB0, efficientnetB1, efficientnetB2, efficientnetB3 } from './models/efficientnet.js';
export { xresnet18, xresnet34, xresnet50, xresnet101, xresnet152 } from './models/xresnet.js';
export { densenet121, densenet161, densenet169, densenet201 } from './models/densenet.js';
export { squeezenet1_0, squeezenet1_1 } from './models/squeezenet.js';
export { vgg11_bn, vgg13_bn, vgg16_bn, vgg19_bn } from './models/vgg.js';
export { alexnet } from './models/alexnet.js';
export { modelMeta } from './models/archs.js';
export { createBody } from './models/create-body.js';
export { createHead } from './models/create-head.js';
export { DynamicUnet } from './unet/dynamic-unet.js';
// fastai.vision.all exports fastai.layers' AdaptiveConcatPool2d, which createHead puts in every head: core's object.
export { AdaptiveConcatPool2d } from '@tfai/core/nn';

// ---- Registration ----
// Importing this package lets core's `loadLearner` rebuild its learners, in a page too (where an export cannot import
// a package by name); `sideEffects` in package.json lists this file so that bundlers keep `import '@tfai/vision'`.
import { registerLearnerBuilders } from '@tfai/core/io';
import { learnerBuilders as builders } from './learner/vision-learner.js';
registerLearnerBuilders('@tfai/vision', builders);
