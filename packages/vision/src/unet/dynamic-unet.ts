// fastai 2.7's DynamicUnet (`fastai/vision/models/unet.py`): a U-Net decoder built on any encoder by probing it
// with a dummy image, hooking the layers after which the spatial size changes, and sizing each UnetBlock from
// the measured channel counts.
import * as tf from '@tensorflow/tfjs-core';
import { ArchitectureError } from '@tfai/core';
import {
  ConvLayer,
  MergeLayer,
  PixelShuffleICNR,
  ReLU,
  ResBlock,
  Sequential,
  SequentialEx,
  SigmoidRange,
  applyInit,
  defaultActivation,
  fastaiBatchNorm,
  kaimingNormal,
} from '@tfai/core/nn';
import type { ActFactory, AnyModule, InitFn, NormType, TensorModule, TensorModuleOrOrig } from '@tfai/core/nn';
import { inChannels, modelSizes } from '../models/model-sizes.js';
import type { OnnxConverter, OnnxValue } from '@tfai/core/onnx';
import { ResizeToOrig, resizeNearestLikeOnnx, ToTensorBase } from './resize-to-orig.js';
import { Hook, UnetBlock } from './unet-block.js';

/**
 * fastai's `_get_sz_change_idxs`: indices `i` of the layers whose output width differs from the next layer's
 * (fastai compares `size[-1]`, the width in NCHW; here the width is axis 2 of the NHWC shapes).
 * @example
 * ```ts
 * sizeChangeIndices([[1, 64, 64, 3], [1, 64, 64, 16], [1, 32, 32, 32]]); // [1]
 * ```
 */
export function sizeChangeIndices(sizes: number[][]): number[] {
  const w = sizes.map((s) => s[2]);
  const out: number[] = [];
  for (let i = 0; i + 1 < w.length; i++) if (w[i] !== w[i + 1]) out.push(i);
  return out;
}

/** Options of {@link DynamicUnet}, as fastai's arguments. */
export interface DynamicUnetOptions {
  /** Blur after every PixelShuffle upsampling but the last (see `blurFinal`). Default false. */
  blur?: boolean;
  /** With `blur`, blur the last UnetBlock too. Default true. */
  blurFinal?: boolean;
  /** A SelfAttention layer in the third-from-last UnetBlock. Default false. */
  selfAttention?: boolean;
  /** Outputs squashed into `[low, high]` by a SigmoidRange. */
  yRange?: [number, number];
  /** Concatenate the input image before a last ResBlock (default true). */
  lastCross?: boolean;
  /**
   * Halve the channels in the last ResBlock. fastai 2.7 builds the final conv for the un-halved count (and fails
   * at the first forward); tfai sizes the final conv from the ResBlock's output.
   */
  bottle?: boolean;
  /** Activation (default ReLU). */
  actCls?: ActFactory;
  /** Initialiser of the middle conv, the UnetBlocks' convs and the last ResBlock (default kaiming-normal). */
  init?: InitFn;
  /** Norm of the decoder's convs: `null` (default, fastai's), `'Batch'` or `'BatchZero'`. */
  normType?: NormType;
}

/**
 * fastai 2.7's `DynamicUnet(encoder, n_out, img_size, …)`. `encoder` is a Sequential (e.g. `createBody(resnet34(),
 * { cut: -2 })`); its children's NHWC output sizes on a dummy `imgSize` image decide where the skip connections
 * are taken. Layers, in order: encoder, BatchNorm, ReLU, middle conv, one UnetBlock per size change, a final
 * PixelShuffle_ICNR (when the last skip is smaller than the image), ResizeToOrig, MergeLayer + ResBlock (`lastCross`),
 * a 1×1 ConvLayer to `nOut`, SigmoidRange (`yRange`), ToTensorBase. Parameter names are fastai's (`layers.4.shuf.0.0.weight`).
 * Input `[N, H, W, C]`, output `[N, H, W, nOut]` for any H, W (not only `imgSize`).
 * @example
 * ```ts
 * const unet = new DynamicUnet(createBody(resnet34(), { cut: -2 }), 32, [128, 128]);
 * unet.call(tf.zeros([1, 128, 128, 3])).shape; // [1, 128, 128, 32]
 * ```
 */
export class DynamicUnet extends SequentialEx {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'DynamicUnet';
  /** The encoder's layers whose outputs the UnetBlocks use, in decoder order (fastai's `sfs`). */
  readonly hooks: Hook[];
  /** The hooked encoder indices (fastai's reversed `sz_chg_idxs`). */
  readonly hookedIndices: number[];
  /** The encoder's children's NHWC output shapes on the dummy image. */
  readonly encoderSizes: number[][];

  constructor(encoder: TensorModule, nOut: number, imgSize: [number, number], opts: DynamicUnetOptions = {}) {
    const actCls = opts.actCls ?? defaultActivation;
    const normType = opts.normType ?? null;
    const init = opts.init ?? kaimingNormal;
    const kids = (encoder as unknown as AnyModule).children();
    // One child is enough, as in fastai: a body cut to `features` (torchvision's ConvNeXt, EfficientNet) has no size
    // change between children to hook, so the decoder is the middle conv, PixelShuffle_ICNR and the resize (#31).
    if (kids.length < 1)
      throw new ArchitectureError(
        `DynamicUnet: the encoder (${encoder.typeName}) must be a Sequential of layers to hook, it has ${kids.length} children`,
      );
    const sizes = modelSizes(encoder, imgSize);
    const idxs = sizeChangeIndices(sizes).reverse();
    const hooks = idxs.map((i) => new Hook(kids[i]));

    const last = sizes[sizes.length - 1];
    let ni = last[3];
    const middleConv = new Sequential(
      new ConvLayer(ni, ni * 2, { actCls, normType }),
      new ConvLayer(ni * 2, ni, { actCls, normType }),
    ).eval();
    const layers: TensorModuleOrOrig[] = [encoder, fastaiBatchNorm(ni), new ReLU(), middleConv];
    let c = ni;
    idxs.forEach((idx, i) => {
      const notFinal = i !== idxs.length - 1;
      const block = new UnetBlock(c, sizes[idx][3], hooks[i], {
        finalDiv: notFinal,
        blur: (opts.blur ?? false) && (notFinal || (opts.blurFinal ?? true)),
        selfAttention: (opts.selfAttention ?? false) && i === idxs.length - 3,
        actCls,
        init,
        normType,
      }).eval();
      layers.push(block);
      c = block.nf;
    });
    ni = c;
    if (imgSize[0] !== sizes[0][1] || imgSize[1] !== sizes[0][2]) {
      layers.push(new PixelShuffleICNR(ni, ni, { actCls, normType }));
    }
    layers.push(new ResizeToOrig());
    if (opts.lastCross ?? true) {
      layers.push(new MergeLayer(true));
      ni += inChannels(encoder as unknown as AnyModule);
      const nf = opts.bottle ? ni >> 1 : ni;
      layers.push(new ResBlock(1, ni, nf, { actCls, normType }));
      ni = nf;
    }
    layers.push(new ConvLayer(ni, nOut, { ks: 1, actCls: null, normType }));
    applyInit(middleConv, init);
    applyInit(layers[layers.length - 2], init);
    if (opts.yRange) layers.push(new SigmoidRange(...opts.yRange));
    layers.push(new ToTensorBase());
    super(...layers);
    this.hooks = hooks;
    this.hookedIndices = idxs;
    this.encoderSizes = sizes;
  }

  /** The encoder (layer 0). */
  get encoder(): TensorModule {
    return this.get(0) as TensorModule;
  }

  override forward(x: tf.Tensor): tf.Tensor {
    try {
      return tf.tidy(() => super.forward(x));
    } finally {
      for (const h of this.hooks) h.clear();
    }
  }

  /** Removes the hooks from the encoder and frees every parameter. */
  override dispose(): void {
    for (const h of this.hooks) h.remove();
    super.dispose();
  }

  /**
   * The layers as a Sequential view (same modules, children `0…n-1`), so that splitters written for
   * `Sequential(body, …)` models (`resnetSplit`: `m[0][:6], m[0][6:], m[1:]`) apply to a U-Net, as fastai's
   * splitters index `DynamicUnet` directly.
   */
  asSequential(): Sequential {
    return new Sequential(...(this.layers() as TensorModule[]));
  }

  /**
   * ONNX form: the encoder child by child (keeping the hooked activations), then each layer: a UnetBlock gets
   * its skip, ResizeToOrig resizes to the input's size, MergeLayer concatenates the input (last cross).
   */
  static readonly onnx: OnnxConverter<DynamicUnet> = (m, [input], ctx) => {
    const x = input!;
    const kids = (m.encoder as unknown as AnyModule).namedChildren();
    const skips = new Map<AnyModule, OnnxValue>();
    let y = x;
    for (const [name, kid] of kids) {
      y = ctx.child1(`layers.0.${name}`, y);
      skips.set(kid, y);
    }
    m.layers().forEach((l, i) => {
      if (i === 0) return;
      if (l instanceof UnetBlock) {
        const s = skips.get(l.hook.module);
        if (!s) throw ctx.fail(`block ${i} hooks a module outside the encoder`);
        y = ctx.child(`layers.${i}`, [y, s])[0]!;
      } else if (l instanceof ResizeToOrig) y = resizeNearestLikeOnnx(ctx.graph, y, x);
      else if (l instanceof MergeLayer)
        y = {
          name: l.dense
            ? ctx.graph.op('Concat', [y.name, x.name], { axis: { i: 1 } })
            : ctx.graph.op('Add', [y.name, x.name]),
          rank: 4,
        };
      else y = ctx.child1(`layers.${i}`, y);
    });
    return [y];
  };
}
