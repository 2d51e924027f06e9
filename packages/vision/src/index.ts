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
export { createVisionModel, addHead, applyInit } from './models/create-vision-model.js';
export type { CreateVisionModelOptions, AddHeadOptions, InitFn } from './models/create-vision-model.js';
export { modelMeta, getModelMeta, defaultMeta, defaultSplit, resnetSplit, imagenetStats } from './models/model-meta.js';
export type { ModelMeta, Stats } from './models/model-meta.js';
export { inChannels, dummyEval, modelSizes, numFeaturesModel } from './models/model-sizes.js';
export { loadPretrained, resolvePretrained, downloadCached, tfaiHome, pretrainedWeights, PRETRAINED_BASE_URL } from './models/pretrained.js';
export type { PretrainedSource, PretrainedOptions } from './models/pretrained.js';
export { ArchitectureError, PretrainedWeightsError } from './models/errors.js';
// Segmentation: DynamicUnet, unetLearner, segmentation data and metrics (issue 8).
export { DynamicUnet, sizeChangeIndices } from './unet/dynamic-unet.js';
export type { DynamicUnetOptions } from './unet/dynamic-unet.js';
export { UnetBlock, Hook } from './unet/unet-block.js';
export type { UnetBlockOptions } from './unet/unet-block.js';
export { ConvLayer, fastaiBatchNorm, defaultActivation, kaimingUniform, initLinear } from './unet/conv-layer.js';
export type { ConvLayerOptions, NormType, ActFactory } from './unet/conv-layer.js';
export { PixelShuffleICNR, ReplicationPad2d, icnrInit } from './unet/pixel-shuffle-icnr.js';
export type { PixelShuffleICNROptions } from './unet/pixel-shuffle-icnr.js';
export { ResBlock, MergeLayer, ResizeToOrig, ToTensorBase, SequentialEx, OrigModule, resizeNearestLike } from './unet/res-block.js';
export type { ResBlockOptions, TensorModuleOrOrig } from './unet/res-block.js';
export { SelfAttention, SpectralConv1d } from './unet/self-attention.js';
export { unetLearner, UnetLearner, createUnetModel, buildUnetLearner } from './unet/unet-learner.js';
export type { UnetLearnerOptions, UnetLearnerArgs, CreateUnetModelOptions, SegmentationPrediction, SegmentationResultsOptions } from './unet/unet-learner.js';
export { SegmentationDataLoaders } from './segmentation/segmentation-data-loaders.js';
export type { SegmentationDataLoadersOptions, SegmentationInferenceSpec, SegmentationShowOptions } from './segmentation/segmentation-data-loaders.js';
export { SegmentationDataset, SegmentationDataLoader, collateSegmentation, applySegBatchTfms, segItemTfms } from './segmentation/segmentation-dataset.js';
export type { SegmentationSample, SegmentationDataLoaderOptions } from './segmentation/segmentation-dataset.js';
export { loadMask, checkMask, cropPadMask, maskToRGB, classColors, readCodes } from './segmentation/mask.js';
export type { Mask } from './segmentation/mask.js';
export { foregroundAcc, Dice, DiceMulti, JaccardCoeff, JaccardCoeffMulti, SEGMENTATION_METRICS } from './segmentation/metrics.js';
export type { BinarySegOptions } from './segmentation/metrics.js';
export { SegmentationDataError } from './segmentation/errors.js';
