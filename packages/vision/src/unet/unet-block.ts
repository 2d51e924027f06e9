// fastai 2.7's UnetBlock (`fastai/vision/models/unet.py`) and the forward hook it reads the encoder's
// activation from (`fastai/callback/hook.py`'s `Hook` with `detach=False`).
import * as tf from '@tensorflow/tfjs-core';
import { ArchitectureError } from '@tfai/core';
import {
  ConvLayer,
  Module,
  PixelShuffleICNR,
  SelfAttention,
  applyInit,
  defaultActivation,
  fastaiBatchNorm,
  kaimingNormal,
} from '@tfai/core/nn';
import type { ActFactory, AnyModule, BatchNorm2d, HookHandle, InitFn, NormType, TensorModule } from '@tfai/core/nn';
import type { OnnxConverter } from '@tfai/core/onnx';
import { resizeNearestLike, resizeNearestLikeOnnx } from './resize-to-orig.js';

/**
 * A forward hook keeping the last output of a module (fastai's `Hook(m, _hook_inner, detach=False)`). The stored
 * tensor belongs to the forward pass that produced it: read it during that pass, then {@link clear} it.
 * @example
 * ```ts
 * const hook = new Hook(body.get(6));
 * body.call(x); hook.stored!.shape; // layer3's output
 * hook.remove();
 * ```
 */
export class Hook {
  /** The hooked module's last output (NHWC), owned by the forward pass that produced it; undefined after `clear`. */
  stored: tf.Tensor | undefined;
  private readonly handle: HookHandle;
  constructor(
    /** The module whose forward output is kept (an encoder layer, for a U-Net skip connection). */
    readonly module: AnyModule,
  ) {
    this.handle = module.registerForwardHook((_m, _inputs, out) => {
      this.stored = out as tf.Tensor;
    });
  }
  /** Forgets the stored activation. */
  clear(): void {
    this.stored = undefined;
  }
  /** Detaches the hook. */
  remove(): void {
    this.handle.remove();
    this.stored = undefined;
  }
}

/** Options of {@link UnetBlock}, as fastai's arguments. */
export interface UnetBlockOptions {
  /** Keep all channels after the concatenation (false halves them: the last block). Default true. */
  finalDiv?: boolean;
  /** Blur after the PixelShuffle upsampling. */
  blur?: boolean;
  /** Default ReLU. */
  actCls?: ActFactory;
  /** Add a SelfAttention layer after the second conv. */
  selfAttention?: boolean;
  /** Initialiser of the two convs (default kaiming-normal). */
  init?: InitFn;
  /** Norm of the convs (default none). */
  normType?: NormType;
}

/**
 * fastai's `UnetBlock(up_in_c, x_in_c, hook)`: upsamples the decoder's input ×2 with {@link PixelShuffleICNR}
 * (`up_in_c → up_in_c/2` channels), resizes it (nearest) to the hooked encoder activation when their sizes differ,
 * concatenates it with that activation after a BatchNorm, applies ReLU and two 3×3 ConvLayers.
 * Output channels: `up_in_c/2 + x_in_c` (halved when `finalDiv` is false).
 * @example
 * ```ts
 * const block = new UnetBlock(512, 256, new Hook(encoder.get(6)));
 * ```
 */
export class UnetBlock extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'UnetBlock';
  /** Upsamples the decoder input ×2 to `upInC/2` channels (PyTorch's `shuf`). */
  readonly shuf: PixelShuffleICNR;
  /** BatchNorm on the hooked encoder activation before the concatenation (PyTorch's `bn`). */
  readonly bn: BatchNorm2d;
  /** First 3×3 ConvLayer after the concatenation, `upInC/2 + xInC → nf` channels. */
  readonly conv1: ConvLayer;
  /** Second 3×3 ConvLayer, `nf → nf` channels (with SelfAttention when asked). */
  readonly conv2: ConvLayer;
  /** Activation applied to the concatenation of the upsampled input and the normalised skip (ReLU by default, `actCls`). */
  readonly relu: TensorModule;
  /** Output channels. */
  readonly nf: number;
  constructor(
    /** Channels of the decoder input (fastai's `up_in_c`). */
    readonly upInC: number,
    /** Channels of the hooked encoder activation (fastai's `x_in_c`). */
    readonly xInC: number,
    /** The hook holding the encoder activation this block concatenates (the skip connection). */
    readonly hook: Hook,
    opts: UnetBlockOptions = {},
  ) {
    super();
    const actCls = opts.actCls ?? defaultActivation;
    const normType = opts.normType ?? null;
    this.shuf = this.registerModule(
      'shuf',
      new PixelShuffleICNR(upInC, upInC >> 1, { blur: opts.blur, actCls, normType }),
    );
    this.bn = this.registerModule('bn', fastaiBatchNorm(xInC));
    const ni = (upInC >> 1) + xInC;
    this.nf = (opts.finalDiv ?? true) ? ni : ni >> 1;
    this.conv1 = this.registerModule('conv1', new ConvLayer(ni, this.nf, { actCls, normType }));
    const xtra = opts.selfAttention ? new SelfAttention(this.nf) : undefined;
    this.conv2 = this.registerModule('conv2', new ConvLayer(this.nf, this.nf, { actCls, normType, xtra }));
    this.relu = this.registerModule('relu', actCls());
    applyInit(this.conv1, opts.init ?? kaimingNormal);
    applyInit(this.conv2, opts.init ?? kaimingNormal);
  }

  forward(upIn: tf.Tensor): tf.Tensor {
    const s = this.hook.stored;
    if (!s)
      throw new ArchitectureError(
        'UnetBlock: no stored encoder activation (the encoder must run before the block, inside the same DynamicUnet forward)',
      );
    return tf.tidy(() => {
      const up = resizeNearestLike(this.shuf.call(upIn), s.shape[1]!, s.shape[2]!);
      const cat = this.relu.call(tf.concat([up, this.bn.call(s)], -1));
      return this.conv2.call(this.conv1.call(cat));
    });
  }

  /**
   * ONNX form: inputs the upsampling path and the hooked encoder activation (DynamicUnet's converter passes
   * it); the PixelShuffle_ICNR (DepthToSpace CRD), the resize to the skip's size, BatchNorm, concat and convs.
   */
  static readonly onnx: OnnxConverter<UnetBlock> = (_m, [upIn, s], ctx) => {
    if (!upIn || !s) throw ctx.fail("needs the encoder's hooked activation as a second input");
    const up = resizeNearestLikeOnnx(ctx.graph, ctx.child1('shuf', upIn), s);
    const cat = ctx.graph.op('Concat', [up.name, ctx.child1('bn', s).name], { axis: { i: 1 } });
    const x = ctx.child1('relu', { name: cat, rank: 4 });
    return [ctx.child1('conv2', ctx.child1('conv1', x))];
  };
}
