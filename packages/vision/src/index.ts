// @tfai/vision — public API. Explicit exports only.

// Architectures (torchvision names and parameter counts).
export { ResNet, BasicBlock, Bottleneck, resnet18, resnet34, resnet50, resnet101, resnet152 } from './models/resnet.js';
export type { ResNetOptions, VisionArch } from './models/resnet.js';
// fastai's vision learner building blocks.
export { createBody, cutModel, hasPoolType, updateFirstLayer } from './models/create-body.js';
export type { Cut, CutFn, CreateBodyOptions } from './models/create-body.js';
export { createHead } from './models/create-head.js';
export type { CreateHeadOptions } from './models/create-head.js';
export { AdaptiveConcatPool2d } from '@tfai/core';
export { createVisionModel, addHead } from './models/create-vision-model.js';
export type { CreateVisionModelOptions, AddHeadOptions } from './models/create-vision-model.js';
export { modelMeta, getModelMeta, defaultMeta, defaultSplit, resnetSplit, imagenetStats } from './models/model-meta.js';
export type { ModelMeta, Stats } from './models/model-meta.js';
export { inChannels, dummyEval, modelSizes, numFeaturesModel } from './models/model-sizes.js';
export { loadPretrained, resolvePretrained, modelsCacheDir, pretrainedWeights, TORCHVISION_BASE_URL } from './models/pretrained.js';
export type { PretrainedSource, PretrainedOptions } from './models/pretrained.js';
export { ArchitectureError, PretrainedWeightsError } from './models/errors.js';
// Image data: decoding with sharp, items, labels and splits, ImageDataLoaders.
export { ImageReadError, ImageDataError } from './data/errors.js';
export { loadImage, sourceName, isImageSource, setMaxImagePixels, getMaxImagePixels, DEFAULT_MAX_IMAGE_PIXELS } from './data/image.js';
export type { ImageSource, RGBImage } from './data/image.js';
export { getImageFiles, parentLabel, grandparentSplitter, randomSplitter, regexLabel, IMAGE_EXTENSIONS } from './data/items.js';
export type { GetImageFilesOptions, Split } from './data/items.js';
export { parseCsv, readCsv } from './data/csv.js';
export { ImageDataset, ImageDataLoader, collateImages } from './data/image-dataset.js';
export type { ImageSample, ImageDataLoaderOptions } from './data/image-dataset.js';
export { ImageDataLoaders } from './data/image-data-loaders.js';
export type { ImageDataLoadersOptions, ImageInferenceSpec, ShowBatchOptions } from './data/image-data-loaders.js';
export { writeImageGrid, batchToImages } from './data/image-grid.js';
export type { GridTile, CaptionLine, ImageGridOptions } from './data/image-grid.js';
// Item transforms (sharp) and batch transforms (tf ops).
export { Resize, resizePlan, cropPad } from './augment/resize.js';
export type { ResizeOptions, CropPadPlan } from './augment/resize.js';
export { RandomResizedCrop, randomResizedCropPlan } from './augment/random-resized-crop.js';
export type { RandomResizedCropOptions } from './augment/random-resized-crop.js';
export type { ItemTransform, ItemContext, ItemTfmSpec, ResizeMethod, PadMode, Size } from './augment/item-transform.js';
export { applyBatchTfms, decodeBatchTfms } from './augment/batch-transform.js';
export type { BatchTransform, BatchContext, BatchTfmSpec } from './augment/batch-transform.js';
export { Normalize } from './augment/normalize.js';
export { AffineCoordTfm, flipMat, dihedralMat, rotateMat, zoomMat, warpMat, toPixelTransform } from './augment/affine.js';
export type { AffineOptions, Mat3 } from './augment/affine.js';
export { LightingTfm } from './augment/lighting.js';
export type { LightingOptions } from './augment/lighting.js';
export { augTransforms } from './augment/aug-transforms.js';
export type { AugTransformsOptions } from './augment/aug-transforms.js';
export { itemTfmFromJSON, batchTfmFromJSON } from './augment/from-json.js';
// visionLearner, predict/showResults, and the builders loadLearner finds by name.
export { visionLearner, VisionLearner, learnerBuilders, VISION_ARCHS } from './learner/vision-learner.js';
export type { VisionLearnerOptions, VisionLearnerArgs, VisionPrediction, ShowResultsOptions } from './learner/vision-learner.js';
// Looking at results.
export { ClassificationInterpretation } from './interpret/classification-interpretation.js';
export type { PlotTopLossesOptions } from './interpret/classification-interpretation.js';
export { confusionMatrixSvg } from './interpret/confusion-plot.js';
export type { ConfusionPlotOptions } from './interpret/confusion-plot.js';
// Segmentation: DynamicUnet, unetLearner, segmentation data and metrics.
export { DynamicUnet, sizeChangeIndices } from './unet/dynamic-unet.js';
export type { DynamicUnetOptions } from './unet/dynamic-unet.js';
export { UnetBlock } from './unet/unet-block.js';
export type { UnetBlockOptions } from './unet/unet-block.js';
export { ResizeToOrig, ToTensorBase, resizeNearestLike } from './unet/resize-to-orig.js';
// fastai's shared layers now live in @tfai/core (issue 15); re-exported here, the same objects, for compatibility.
export { applyInit, ConvLayer, fastaiBatchNorm, defaultActivation, kaimingUniform, initLinear, PixelShuffleICNR, ReplicationPad2d, icnrInit } from '@tfai/core';
export { ResBlock, MergeLayer, SequentialEx, OrigModule, SelfAttention, SpectralConv1d } from '@tfai/core';
export type { InitFn, ConvLayerOptions, NormType, ActFactory, PixelShuffleICNROptions, ResBlockOptions, TensorModuleOrOrig } from '@tfai/core';
export { unetLearner, UnetLearner, createUnetModel, buildUnetLearner } from './unet/unet-learner.js';
export type { UnetLearnerOptions, UnetLearnerArgs, CreateUnetModelOptions, SegmentationPrediction, SegmentationResultsOptions } from './unet/unet-learner.js';
export { SegmentationDataLoaders } from './segmentation/segmentation-data-loaders.js';
export type { SegmentationDataLoadersOptions, SegmentationInferenceSpec, SegmentationShowOptions } from './segmentation/segmentation-data-loaders.js';
export { SegmentationDataset, SegmentationDataLoader, collateSegmentation } from './segmentation/segmentation-dataset.js';
export type { SegmentationSample, SegmentationDataLoaderOptions } from './segmentation/segmentation-dataset.js';
export { loadMask, checkMask, cropPadMask, maskToRGB, classColors, readCodes } from './segmentation/mask.js';
export type { Mask } from './segmentation/mask.js';
export { foregroundAcc, dice, diceMulti, jaccardCoeff, jaccardCoeffMulti, SEGMENTATION_METRICS } from './segmentation/metrics.js';
// Deprecated PascalCase aliases (one release).
export { Dice, DiceMulti, JaccardCoeff, JaccardCoeffMulti } from './segmentation/metrics.js';
export type { BinarySegOptions } from './segmentation/metrics.js';
export { SegmentationDataError } from './segmentation/errors.js';
// One way to build a learner around a body (issue 15): the architecture registry, the (pretrained) body, fastai's _add_norm.
export { loadBody, addNormIfPretrained, visionArch, isRegisteredArch } from './models/load-body.js';
export type { LoadBodyOptions, NormalizableData } from './models/load-body.js';
export type { DeprecatedFlatHeadOptions } from './learner/vision-learner.js';
export type { DeprecatedFlatUnetOptions } from './unet/unet-learner.js';

// --- The vision mid level (#15): one sample pipeline for every image task, transforms with one draw per sample ---
export { VisionDataset, VisionDataLoader, applyItemTfms, collateSamples, loadSample, drawSeed } from './data/sample.js';
export type { VisionItem, VisionSample, VisionDatasetOptions, VisionDataLoaderOptions } from './data/sample.js';
export { VisionDataLoaders, imageSources, visionLoaderOptions } from './data/vision-data-loaders.js';
export type { VisionTfmSpecs, VisionShowOptions, VisionLoaderSettings } from './data/vision-data-loaders.js';
export { applyBatchPlans } from './augment/batch-transform.js';
export type { BatchPlan } from './augment/batch-transform.js';
export type { ItemPlan } from './augment/item-transform.js';
export { FlipItem } from './augment/flip.js';
export type { FlipItemOptions } from './augment/flip.js';
