// fastai 2.7's ConvLayer (`fastai/layers.py`): conv → (norm) → (activation) as one Sequential, with fastai's
// `init_linear` and `BatchNorm` initialisation. The building block of DynamicUnet.
import * as tf from '@tensorflow/tfjs';
import { BatchNorm2d, Conv2d, ConvTranspose2d, LeakyReLU, ReLU, Sequential, normal, uniform } from '@tfai/core';
import type { AnyModule, Parameter, TensorModule } from '@tfai/core';
import { ArchitectureError } from '../models/errors.js';
import type { InitFn } from '../models/create-vision-model.js';

/**
 * fastai's `NormType`: `Batch` (BatchNorm, weight 1), `BatchZero` (BatchNorm, weight 0), `Weight`
 * (weight normalisation of the conv), `Spectral` (spectral normalisation), or `null` for none.
 */
export type NormType = 'Batch' | 'BatchZero' | 'Weight' | 'Spectral' | null;

/** Builds an activation module (fastai's `act_cls`), e.g. `() => new ReLU()`. */
export type ActFactory = () => TensorModule;

/** fastai's `defaults.activation`: `nn.ReLU`. */
export const defaultActivation: ActFactory = () => new ReLU();

/** PyTorch's `fan_in` of a parameter in our layouts (conv HWIO / transposed conv `[kh, kw, out, in]`). */
export function torchFanIn(p: Parameter): number {
  const s = p.shape;
  if (p.layout === 'conv') return s[2] * s[0] * s[1];
  if (p.layout === 'linear') return s[0];
  return s.slice(1).reduce((a, b) => a * b, 1);
}

/** `kaiming_uniform_` with the ReLU gain (a = 0, fan-in): U(-√(6/fanIn), √(6/fanIn)). */
export function kaimingUniform(shape: number[], fanIn: number): tf.Tensor {
  return uniform(shape, Math.sqrt(6 / fanIn));
}

/**
 * fastai's `BatchNorm(nf, norm_type)`: a BatchNorm2d whose weight is 1 (0 for `BatchZero`) and bias 1e-3.
 * @example
 * ```ts
 * (await fastaiBatchNorm(64).bias!.variable.data())[0]; // 0.001
 * ```
 */
export function fastaiBatchNorm(nf: number, normType: NormType = 'Batch'): BatchNorm2d {
  const bn = new BatchNorm2d(nf);
  tf.tidy(() => {
    bn.weight!.variable.assign(tf.fill([nf], normType === 'BatchZero' ? 0 : 1));
    bn.bias!.variable.assign(tf.fill([nf], 1e-3));
  });
  return bn;
}

/** fastai's `init_linear`: bias ~ N(0, biasStd) (zero when biasStd is 0), weight by `init` (none: PyTorch's default). */
export function initLinear(conv: Conv2d | ConvTranspose2d, init: InitFn | null, biasStd: number | null): void {
  tf.tidy(() => {
    const b = conv.bias?.variable;
    if (b && biasStd !== null) b.assign(biasStd === 0 ? tf.zerosLike(b) : normal(b.shape, biasStd));
    if (init) conv.weight.variable.assign(init(conv.weight.shape, torchFanIn(conv.weight)));
  });
}

/** fastai's `init='auto'`: kaiming-uniform for ReLU-like activations (their `__default_init__`), else none. */
function autoInit(act: AnyModule | undefined): InitFn | null {
  return act instanceof ReLU || act instanceof LeakyReLU ? kaimingUniform : null;
}

/** Options of {@link ConvLayer}, as fastai's arguments. */
export interface ConvLayerOptions {
  /** Kernel size (default 3). */
  ks?: number;
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
  groups?: number;
}

/**
 * fastai's `ConvLayer`: a Sequential of a Conv2d (or ConvTranspose2d) `ni → nf`, then a BatchNorm and the
 * activation (order set by `bnFirst`), then `xtra`. Children are numbered as fastai's, so state-dict keys match.
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
      throw new ArchitectureError(`ConvLayer: normType 'Spectral' is not supported (use 'Batch', 'BatchZero', 'Weight' or null)`);
    if (normType === 'Weight' && (transpose || (opts.groups ?? 1) !== 1))
      throw new ArchitectureError(`ConvLayer: normType 'Weight' is supported for plain (not transposed, not grouped) convolutions only`);
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
}
