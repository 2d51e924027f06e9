// @tfai/core/nn — what models are made of: PyTorch's `Module` (parameter names, state dicts, hooks), torch.nn's
// layers on NHWC activations and their init functions, and fastai's `layers.py` blocks shared by vision, tabular
// and text. Node-only: `Module` loads `node:async_hooks` (the build guard).

// ---- Modules (torch.nn) ----
// `Module` with PyTorch's parameter names and state dicts, init functions.
export { Module, Parameter, numParams } from './nn/module.js';
export type {
  AnyModule,
  TorchLayout,
  ParamKind,
  HookHandle,
  ForwardHook,
  LayerInfo,
  StateDict,
  LoadStateDictOptions,
  NumParamsOptions,
  HostTensor,
  StateDictSource,
  StateDictInput,
} from './nn/module.js';
export { detach } from './nn/detach.js';
export { uniform, normal, torchDefaultUniform, kaimingNormal } from './nn/init.js';

// ---- Layers (torch.nn) ----
// PyTorch's layers on NHWC activations, with PyTorch's names and defaults.
export { Linear } from './nn/layers/linear.js';
export { Conv2d, ConvTranspose2d } from './nn/layers/conv.js';
export type { Conv2dOptions, ConvTranspose2dOptions, Size2d } from './nn/layers/conv.js';
export {
  BatchNorm1d,
  BatchNorm2d,
  batchNormRelu,
  batchNormReluFuses,
  bnReluPair,
  forwardFusingBnRelu,
} from './nn/layers/batchnorm.js';
export type { BatchNormOptions, BatchNormReluOrder, BnReluPair } from './nn/layers/batchnorm.js';
export { Dropout } from './nn/layers/dropout.js';
export { Embedding } from './nn/layers/embedding.js';
export { ReLU, LeakyReLU, Sigmoid, Tanh, Identity, SigmoidRange, Lambda } from './nn/layers/activation.js';
// #31: the layers of torchvision's ConvNeXt and EfficientNet.
export { GELU, SiLU } from './nn/layers/activation.js';
export { LayerNorm, LayerNorm2d } from './nn/layers/layer-norm.js';
export { StochasticDepth, stochasticDepth } from './nn/layers/stochastic-depth.js';
export { SqueezeExcitation } from './nn/layers/squeeze-excitation.js';
export {
  MaxPool2d,
  AvgPool2d,
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  AdaptiveConcatPool2d,
} from './nn/layers/pooling.js';
export type { Pool2dOptions } from './nn/layers/pooling.js';
export { Flatten, PixelShuffle, pixelShuffle } from './nn/layers/reshape.js';
export { Upsample, interpolate } from './nn/layers/upsample.js';
export type { UpsampleOptions } from './nn/layers/upsample.js';
export { Sequential, ModuleList } from './nn/layers/container.js';
export type { TensorModule } from './nn/layers/container.js';
export { LSTM } from './nn/layers/lstm.js';
export type { LSTMState, LSTMOptions } from './nn/layers/lstm.js';

// ---- fastai's layers (fastai/layers.py) ----
// The shared blocks of vision, tabular and text: LinBnDrop, ConvLayer, ResBlock, PixelShuffleICNR, SelfAttention…
export { fastaiBatchNorm, fastaiBatchNorm1d } from './nn/fastai/norm.js';
export type { NormType } from './nn/fastai/norm.js';
export { truncNormal, torchFanIn, kaimingUniform, initLinear, applyInit } from './nn/fastai/init.js';
export type { InitFn } from './nn/fastai/init.js';
export { fastaiEmbedding } from './nn/fastai/embedding.js';
export { LinBnDrop, linBnDropLayers } from './nn/fastai/lin-bn-drop.js';
export type { LinBnDropOptions } from './nn/fastai/lin-bn-drop.js';
export { ConvLayer, defaultActivation } from './nn/fastai/conv-layer.js';
export type { ConvLayerOptions, ActFactory } from './nn/fastai/conv-layer.js';
export { ResBlock } from './nn/fastai/res-block.js';
export type { ResBlockOptions } from './nn/fastai/res-block.js';
export { SequentialEx, OrigModule, MergeLayer } from './nn/fastai/sequential-ex.js';
export type { TensorModuleOrOrig } from './nn/fastai/sequential-ex.js';
export { PixelShuffleICNR, ReplicationPad2d, icnrInit } from './nn/fastai/pixel-shuffle-icnr.js';
export type { PixelShuffleICNROptions } from './nn/fastai/pixel-shuffle-icnr.js';
export { SelfAttention, SpectralConv1d } from './nn/fastai/self-attention.js';
