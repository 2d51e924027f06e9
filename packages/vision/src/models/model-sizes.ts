// fastai's probes of a model with a dummy batch (`fastai/callback/hook.py`): in_channels, dummy_eval,
// model_sizes, num_features_model. Shapes are NHWC.
import * as tf from '@tensorflow/tfjs-core';
import { uniform } from '@tfai/core/nn';
import type { AnyModule, TensorModule } from '@tfai/core/nn';
import { ArchitectureError } from './errors.js';

/**
 * The input channels of the first 4-D weight of `m` (fastai's `in_channels`), e.g. 3 for a ResNet.
 * @example
 * ```ts
 * inChannels(resnet18()); // 3
 * ```
 */
export function inChannels(m: AnyModule): number {
  for (const mod of m.modules()) {
    const w = mod.ownParameters().find(([n]) => n === 'weight')?.[1];
    // Conv weights are HWIO here; PyTorch's OIHW `weight.shape[1]` is our axis 2.
    if (w && w.shape.length === 4) return w.layout === 'conv' ? w.shape[2] : w.shape[1];
  }
  throw new ArchitectureError(`${m.typeName} has no 4-D weight layer, so its input channels are unknown`);
}

function withEval<T>(m: AnyModule, fn: () => T): T {
  const modes = m.modules().map((mod) => [mod, mod.training] as const);
  m.eval();
  try {
    return fn();
  } finally {
    for (const [mod, t] of modes) mod.training = t;
  }
}

/**
 * Runs `m` in eval mode on one random NHWC image of `size` (uniform in [-1, 1], `inChannels(m)` channels),
 * as fastai's `dummy_eval`; the caller owns the output. Unlike fastai, the training flags are restored.
 * @example
 * ```ts
 * const y = dummyEval(createBody(resnet18(), { cut: -2 }), [64, 64]); // [1, 2, 2, 512]
 * y.dispose();
 * ```
 */
export function dummyEval(m: TensorModule, size: [number, number] = [64, 64]): tf.Tensor {
  const x = uniform([1, size[0], size[1], inChannels(m as unknown as AnyModule)], 1);
  try {
    return withEval(m as unknown as AnyModule, () => tf.tidy(() => m.call(x)));
  } finally {
    x.dispose();
  }
}

/**
 * The NHWC output shape of every child of `m` for a dummy image of `size` (fastai's `model_sizes`).
 * @example
 * ```ts
 * modelSizes(createBody(resnet18(), { cut: -2 }), [128, 128]).at(-1); // [1, 4, 4, 512]
 * ```
 */
export function modelSizes(m: TensorModule, size: [number, number] = [64, 64]): number[][] {
  const shapes: number[][] = [];
  const hooks = (m as unknown as AnyModule)
    .children()
    .map((c) => c.registerForwardHook((_mod, _inputs, out) => void shapes.push([...(out as tf.Tensor).shape])));
  try {
    dummyEval(m, size).dispose();
  } finally {
    for (const h of hooks) h.remove();
  }
  return shapes;
}

/**
 * The number of features (channels) the last child of `m` outputs (fastai's `num_features_model`): probes
 * with 32×32, doubling the size up to 2048 while the model fails on too small an input.
 * @example
 * ```ts
 * numFeaturesModel(createBody(resnet50(), { cut: -2 })); // 2048
 * ```
 */
export function numFeaturesModel(m: TensorModule): number {
  for (let sz = 32; ; sz *= 2) {
    try {
      const last = modelSizes(m, [sz, sz]).at(-1);
      if (!last) throw new ArchitectureError(`${m.typeName} has no children to probe`);
      return last.length === 4 ? last[3] : last[1];
    } catch (e) {
      if (e instanceof ArchitectureError || sz * 2 > 2048) throw e;
    }
  }
}
