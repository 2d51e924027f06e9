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
