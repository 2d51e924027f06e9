// @tfai/vision/models — fastai's vision models: torchvision's ResNets and the architecture registry and metadata,
// create_body/create_head/create_vision_model, pretrained bodies and weights (downloaded once, hash-checked; Node-only),
// and the U-Net (DynamicUnet, its blocks, create_unet_model).

// ---- Architectures ----
// torchvision's ResNets (names, layouts and parameter counts), the architecture registry and model metadata.
export { ResNet, BasicBlock, Bottleneck, resnet18, resnet34, resnet50, resnet101, resnet152 } from './models/resnet.js';
export type { ResNetOptions, VisionArch, BlockClass } from './models/resnet.js';
// #31: torchvision's ConvNeXt and EfficientNet (B0–B3), and torchvision's Conv2dNormActivation block.
export { ConvNeXt, CNBlock, Permute, convnext_tiny, convnext_small, convnext_base } from './models/convnext.js';
export { convnextTiny, convnextSmall, convnextBase } from './models/convnext.js';
export type { CNBlockConfig, ConvNeXtOptions } from './models/convnext.js';
export {
  EfficientNet,
  MBConv,
  mbconvConfig,
  makeDivisible,
  efficientnet_b0,
  efficientnet_b1,
  efficientnet_b2,
  efficientnet_b3,
} from './models/efficientnet.js';
export { efficientnetB0, efficientnetB1, efficientnetB2, efficientnetB3 } from './models/efficientnet.js';
export type { MBConvConfig, EfficientNetOptions } from './models/efficientnet.js';
export { Conv2dNormActivation } from './models/conv-norm-activation.js';
export type { Conv2dNormActivationOptions } from './models/conv-norm-activation.js';
// fastai's other model_meta families: its XResNet, torchvision's DenseNet, SqueezeNet, VGG-BN and AlexNet.
export { XResNet, xresnet18, xresnet34, xresnet50, xresnet101, xresnet152 } from './models/xresnet.js';
export type { XResNetOptions } from './models/xresnet.js';
export {
  DenseNet,
  DenseBlock,
  DenseLayer,
  Transition,
  densenet121,
  densenet161,
  densenet169,
  densenet201,
} from './models/densenet.js';
export { SqueezeNet, Fire, squeezenet1_0, squeezenet1_1 } from './models/squeezenet.js';
export type { SqueezeNetVersion } from './models/squeezenet.js';
export { VGG, vgg11_bn, vgg13_bn, vgg16_bn, vgg19_bn, torchFlatten } from './models/vgg.js';
export type { VggConfig } from './models/vgg.js';
export { AlexNet, alexnet } from './models/alexnet.js';
export {
  CLASSIC_ARCHS,
  xresnetSplit,
  squeezenetSplit,
  densenetSplit,
  vggSplit,
  alexnetSplit,
  xresnetMeta,
  squeezenetMeta,
  densenetMeta,
  vggMeta,
  alexnetMeta,
} from './models/classic-meta.js';
export { VISION_ARCHS, modelMeta, getModelMeta, visionArch, isRegisteredArch } from './models/archs.js';
export type { ArchEntry } from './models/archs.js';
export { defaultMeta, defaultSplit, resnetSplit, imagenetStats } from './models/model-meta.js';
export { imagenetDefaultMeta } from './models/model-meta.js';
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
export { loadBody, addNormIfPretrained } from './models/load-body.js';
export type { LoadBodyOptions, NormalizableData } from './models/load-body.js';

// ---- Pretrained weights ----
// torchvision's published checkpoints (downloaded once, hash-checked), or a local .pth/.safetensors.
export { loadPretrained, resolvePretrained, modelsCacheDir, TORCHVISION_BASE_URL } from './models/pretrained.js';
export type { PretrainedSource, PretrainedOptions } from './models/pretrained.js';

// ---- U-Net (fastai/vision/models/unet.py) ----
export { DynamicUnet } from './unet/dynamic-unet.js';
export type { DynamicUnetOptions } from './unet/dynamic-unet.js';
export { UnetBlock, Hook } from './unet/unet-block.js';
export type { UnetBlockOptions } from './unet/unet-block.js';
export { ResizeToOrig, ToTensorBase } from './unet/resize-to-orig.js';
export { createUnetModel } from './unet/unet-learner.js';
export type { CreateUnetModelOptions } from './unet/unet-learner.js';
