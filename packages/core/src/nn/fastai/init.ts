// fastai's init helpers (`fastai/layers.py`, `fastai/torch_core.py`): `trunc_normal_`, `init_linear`,
// `apply_init` / `init_default`, and the kaiming initialisers ConvLayer's `init='auto'` picks.
import * as tf from '@tensorflow/tfjs-core';
import { BatchNorm1d, BatchNorm2d } from '../layers/batchnorm.js';
import type { Conv2d, ConvTranspose2d } from '../layers/conv.js';
import { kaimingNormal, normal, uniform } from '../init.js';
import type { AnyModule, Parameter } from '../module.js';

/** A weight initialiser: a new tensor of `shape` given PyTorch's fan-in (as {@link kaimingNormal}). */
export type InitFn = (shape: number[], fanIn: number) => tf.Tensor;

/**
 * PyTorch's `fan_in` of a parameter in our layouts (conv HWIO → PyTorch `[out, in, kh, kw]`, linear `[in, out]` →
 * `[out, in]`; otherwise `size(1) · receptive field`).
 * @example
 * ```ts
 * torchFanIn(new Conv2d(16, 32, 3).weight); // 144
 * ```
 */
export function torchFanIn(p: Parameter): number {
  const s = p.shape;
  if (p.layout === 'conv') return s[2] * s[0] * s[1];
  if (p.layout === 'linear') return s[0];
  return s.slice(1).reduce((a, b) => a * b, 1);
}

/**
 * `kaiming_uniform_` with the ReLU gain (a = 0, fan-in): U(-√(6/fanIn), √(6/fanIn)).
 * @example
 * ```ts
 * kaimingUniform([3, 3, 16, 32], 144); // |w| ≤ √(6/144)
 * ```
 */
export function kaimingUniform(shape: number[], fanIn: number): tf.Tensor {
  return uniform(shape, Math.sqrt(6 / fanIn));
}

/**
 * fastai's `trunc_normal_`: `normal().fmod(2) * std + mean`, values within two standard deviations.
 * @example
 * ```ts
 * truncNormal([10, 4], 0.01); // |x| < 0.02
 * ```
 */
export function truncNormal(shape: number[], std = 1, mean = 0): tf.Tensor {
  return tf.tidy(() => {
    const x = normal(shape);
    const fmod = tf.sub(x, tf.mul(tf.sign(x), tf.mul(2, tf.floor(tf.div(tf.abs(x), 2)))));
    return fmod.mul(std).add(mean);
  });
}

/**
 * fastai's `init_linear`: bias ~ N(0, biasStd) (zero when biasStd is 0), weight by `init` (none: PyTorch's default).
 * @example
 * ```ts
 * initLinear(new Conv2d(16, 32, 3), kaimingUniform, 0.01);
 * ```
 */
export function initLinear(conv: Conv2d | ConvTranspose2d, init: InitFn | null, biasStd: number | null): void {
  tf.tidy(() => {
    const b = conv.bias?.variable;
    if (b && biasStd !== null) b.assign(biasStd === 0 ? tf.zerosLike(b) : normal(b.shape, biasStd));
    if (init) conv.weight.variable.assign(init(conv.weight.shape, torchFanIn(conv.weight)));
  });
}

/**
 * fastai's `apply_init`: every module of `m` that is not a norm layer and whose first parameter is trainable
 * gets `weight ← init(shape, fanIn)` and `bias ← 0` (`init_default`). With the default {@link kaimingNormal}
 * this is `nn.init.kaiming_normal_` (fan-in, gain √2).
 * @example
 * ```ts
 * applyInit(createHead(512, 10)); // Linear weights ~ N(0, 2/fanIn), biases 0
 * ```
 */
export function applyInit(m: AnyModule, init: InitFn = kaimingNormal): void {
  for (const mod of m.modules()) {
    if (mod instanceof BatchNorm1d || mod instanceof BatchNorm2d) continue;
    const own = mod.ownParameters();
    if (!own.length || !own[0][1].requiresGrad) continue;
    const weight = own.find(([n]) => n === 'weight')?.[1];
    const bias = own.find(([n]) => n === 'bias')?.[1];
    tf.tidy(() => {
      // PyTorch's kaiming_normal_ refuses tensors with fewer than 2 dimensions.
      if (weight && weight.shape.length >= 2) weight.variable.assign(init(weight.shape, torchFanIn(weight)));
      if (bias) bias.variable.assign(tf.zerosLike(bias.variable));
    });
  }
}
