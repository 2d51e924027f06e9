// fastai 2.7's ConvLayer (`fastai/layers.py`): conv → (norm) → (activation) as one Sequential, with fastai's
// `init_linear` and `BatchNorm` initialisation. The building block of DynamicUnet.
import { ArchitectureError } from '../../errors.js';
import { LeakyReLU, ReLU } from '../layers/activation.js';
import { Conv2d, ConvTranspose2d } from '../layers/conv.js';
import type * as tf from '@tensorflow/tfjs-core';
import { forwardFusingBnRelu } from '../layers/batchnorm.js';
import { Sequential, type TensorModule } from '../layers/container.js';
import type { AnyModule } from '../module.js';
import { initLinear, kaimingUniform, type InitFn } from './init.js';
import { fastaiBatchNorm, type NormType } from './norm.js';

/** Builds an activation module (fastai's `act_cls`), e.g. `() => new ReLU()`. */
export type ActFactory = () => TensorModule;

/** fastai's `defaults.activation`: `nn.ReLU`. */
export const defaultActivation: ActFactory = () => new ReLU();

/** fastai's `init='auto'`: kaiming-uniform for ReLU-like activations (their `__default_init__`), else none. */
function autoInit(act: AnyModule | undefined): InitFn | null {
  return act instanceof ReLU || act instanceof LeakyReLU ? kaimingUniform : null;
}

/** Options of {@link ConvLayer}, as fastai's arguments. */
export interface ConvLayerOptions {
  /** Kernel size (default 3). */
  ks?: number;
  /** Step of the convolution: 2 downsamples by two, or upsamples by two with `transpose` (fastai's `stride`; default 1). */
  stride?: number;
  /** Default `(ks - 1) / 2` (0 for a transposed conv). */
  padding?: number;
  /** Default: no bias when followed by BatchNorm. */
  bias?: boolean;
  /** Default `'Batch'`. `'Weight'` wraps the conv in weight normalisation (PyTorch's `weight_g`/`weight_v`). */
  normType?: NormType;
  /** Norm before the activation (default true). */
  bnFirst?: boolean;
  /** The activation; `null` for none. Default ReLU. */
  actCls?: ActFactory | null;
  /** A transposed convolution instead (`ConvTranspose2d`). */
  transpose?: boolean;
  /** Weight initialiser; `'auto'` (default) is kaiming-uniform for ReLU, PyTorch's default otherwise. */
  init?: 'auto' | InitFn | null;
  /** A layer appended at the end (fastai's `xtra`, e.g. SelfAttention). */
  xtra?: TensorModule;
  /** Std of the bias initialisation (default 0.01; 0 zeroes it). */
  biasStd?: number;
  /** Channel groups of the Conv2d, dividing `ni` and `nf` (fastai's `groups`; default 1; not with `transpose` or `'Weight'`). */
  groups?: number;
}

/**
 * fastai's `ConvLayer`: a Sequential of a Conv2d (or ConvTranspose2d) `ni → nf`, then a BatchNorm and the
 * activation (order set by `bnFirst`), then `xtra`. Children are numbered as fastai's, so state-dict keys match.
 * In training, a BatchNorm and a ReLU run as one kernel forward and one backward (`batchNormRelu`; not when
 * either has forward hooks).
 * @example
 * ```ts
 * const c = new ConvLayer(16, 32);              // Conv2d(16, 32, 3, padding 1, no bias), BatchNorm2d(32), ReLU
 * c.call(tf.zeros([1, 8, 8, 16])).shape;        // [1, 8, 8, 32]
 * new ConvLayer(16, 32, { normType: null, actCls: null, ks: 1 }); // a 1×1 conv with bias
 * ```
 */
export class ConvLayer extends Sequential {
  constructor(ni: number, nf: number, opts: ConvLayerOptions = {}) {
    const ks = opts.ks ?? 3;
    const stride = opts.stride ?? 1;
    const transpose = opts.transpose ?? false;
    const padding = opts.padding ?? (transpose ? 0 : (ks - 1) >> 1);
    const normType = opts.normType === undefined ? 'Batch' : opts.normType;
    if (normType === 'Spectral')
      throw new ArchitectureError(
        `ConvLayer: normType 'Spectral' is not supported (use 'Batch', 'BatchZero', 'Weight' or null)`,
      );
    if (normType === 'Weight' && (transpose || (opts.groups ?? 1) !== 1))
      throw new ArchitectureError(
        `ConvLayer: normType 'Weight' is supported for plain (not transposed, not grouped) convolutions only`,
      );
    const bn = normType === 'Batch' || normType === 'BatchZero';
    const bias = opts.bias ?? !bn;
    const conv = transpose
      ? new ConvTranspose2d(ni, nf, ks, { stride, padding, bias })
      : new Conv2d(ni, nf, ks, { stride, padding, bias, groups: opts.groups });
    const act = opts.actCls === null ? undefined : (opts.actCls ?? defaultActivation)();
    const init = opts.init ?? 'auto';
    initLinear(conv, init === 'auto' ? autoInit(act) : init, opts.biasStd ?? 0.01);
    // fastai: `if norm_type == NormType.Weight: conv = weight_norm(conv)`, after the initialisation.
    if (normType === 'Weight') (conv as Conv2d).weightNorm();
    const actBn: TensorModule[] = [];
    if (act) actBn.push(act);
    if (bn) actBn.push(fastaiBatchNorm(nf, normType));
    if (opts.bnFirst ?? true) actBn.reverse();
    const layers: TensorModule[] = [conv, ...actBn];
    if (opts.xtra) layers.push(opts.xtra);
    super(...layers);
  }

  override forward(x: tf.Tensor): tf.Tensor {
    return forwardFusingBnRelu(this.layers(), x);
  }
}
