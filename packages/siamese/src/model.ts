// The Siamese model of fastai's book (chapter 11): one encoder applied to both images, the two feature maps
// concatenated on the channel axis, then a head that says "same" or "different".
import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, Module } from '@tfai/core/nn';
import type { OnnxConverter, OnnxInputsOf } from '@tfai/core/onnx';
import type { TensorModule } from '@tfai/core/nn';
import {
  createHead,
  loadBody,
  numFeaturesModel,
  type CreateHeadOptions,
  type LoadBodyOptions,
  type VisionArch,
} from '@tfai/vision/models';
import { SiameseInputError } from './errors.js';

/**
 * fastai's `SiameseModel(encoder, head)`: `head(cat([encoder(x1), encoder(x2)], channels))`. The encoder runs
 * twice (as in PyTorch, so BatchNorm sees each image batch on its own); activations are NHWC, so the features
 * are concatenated on the last axis. Children are named `encoder` and `head`, as the book's state dict.
 * @example
 * ```ts
 * const encoder = createBody(resnet34, { cut: -2 });
 * const model = new SiameseModel(encoder, createHead(512 * 2, 2, { ps: 0.5 }));
 * model.eval().call(imgsA, imgsB).shape; // [batch, 2]
 * ```
 */
export class SiameseModel extends Module<[tf.Tensor, tf.Tensor], tf.Tensor> {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'SiameseModel';
  /** The body applied to each image on its own (the same weights for both; PyTorch's `encoder`). */
  readonly encoder: TensorModule;
  /** Maps the two encodings concatenated on the channel axis to the 2 logits different/same (PyTorch's `head`). */
  readonly head: TensorModule;
  constructor(encoder: TensorModule, head: TensorModule) {
    super();
    this.encoder = this.registerModule('encoder', encoder);
    this.head = this.registerModule('head', head);
  }

  forward(x1: tf.Tensor, x2: tf.Tensor): tf.Tensor {
    if (!x1 || !x2)
      throw new SiameseInputError(`SiameseModel needs two image batches, got ${[x1, x2].filter(Boolean).length}`);
    if (x1.shape[0] !== x2.shape[0])
      throw new SiameseInputError(`the two image batches differ in size: ${x1.shape[0]} and ${x2.shape[0]} images`);
    return tf.tidy(() => {
      const ftrs = tf.concat([this.encoder.call(x1), this.encoder.call(x2)], -1);
      return this.head.call(ftrs);
    });
  }

  /** ONNX form: one encoder (one set of initializers) on both images, features concatenated, then the head. */
  static readonly onnx: OnnxConverter<SiameseModel> = (_m, [x1, x2], ctx) => {
    if (!x1 || !x2) throw ctx.fail('needs two image inputs');
    const a = ctx.child1('encoder', x1);
    const b = ctx.child1('encoder', x2);
    const ftrs = {
      name: ctx.graph.op('Concat', [a.name, b.name], { axis: { i: a.rank === 4 ? 1 : -1 } }),
      rank: a.rank,
    };
    return [ctx.child1('head', ftrs)];
  };

  /** The ONNX inputs: `image1` and `image2`, NCHW float32 batches of the same size. */
  static readonly onnxInputs: OnnxInputsOf<SiameseModel> = (m) => {
    const conv = m.encoder.modules().find((l): l is Conv2d => l instanceof Conv2d);
    const c = conv?.inChannels ?? 3;
    const doc = 'images, NCHW float32 (normalised as the description says)';
    return ['image1', 'image2'].map((name) => ({
      name,
      dtype: 'float32' as const,
      shape: ['batch', c, 'height', 'width'],
      doc,
    }));
  };
}

/** Options of {@link createSiameseModel}: the encoder's (vision's `loadBody`: `pretrained`, `cut`, `nIn`…) and the head's. */
export interface CreateSiameseModelOptions extends LoadBodyOptions {
  /**
   * {@link createHead}'s options (fastai's `cnn_config`), e.g. `{ linFtrs: [256], ps: 0.25 }`; default `{ ps: 0.5 }`
   * as the book (hidden sizes `[512]`).
   */
  head?: CreateHeadOptions;
  /** Outputs of the head (default 2: different, same). */
  nOut?: number;
}

/**
 * The head options of a Siamese model: `head` over the book's `ps: 0.5`.
 * @example
 * ```ts
 * siameseHeadOptions({ linFtrs: [256] }); // { ps: 0.5, linFtrs: [256] }
 * ```
 */
export function siameseHeadOptions(head: CreateHeadOptions = {}): CreateHeadOptions {
  return { ps: 0.5, ...head };
}

/**
 * The book's Siamese model for an architecture: encoder `loadBody(arch, {cut})` (vision's body: pretrained weights
 * if asked, cut at `modelMeta[arch].cut` by default), head `createHead(numFeatures · 2, 2, {ps: 0.5, ...head})`.
 * @example
 * ```ts
 * const model = await createSiameseModel(resnet34); // torchvision's pretrained weights
 * numParams(model.encoder); // 21284672
 * const small = await createSiameseModel(resnet18, { pretrained: false, head: { linFtrs: [256], ps: 0.25 } });
 * ```
 */
export async function createSiameseModel(
  arch: VisionArch,
  opts: CreateSiameseModelOptions = {},
): Promise<SiameseModel> {
  const { pretrained, pretrainedSha256, cut, nIn, nOut = 2 } = opts;
  const head = siameseHeadOptions(opts.head);
  const encoder = await loadBody(arch, { pretrained, pretrainedSha256, cut, nIn });
  const nf = numFeaturesModel(encoder);
  return new SiameseModel(encoder, createHead(nf * 2, nOut, head));
}
