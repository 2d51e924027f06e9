import * as tf from '@tensorflow/tfjs-core';
import { checkAllocation } from './build-guard.js';
import { globalRng } from './random.js';

/** U(-bound, bound) drawn from tfai's seeded random source. */
export function uniform(shape: number[], bound: number): tf.Tensor {
  checkAllocation(shape);
  return tf.randomUniform(shape, -bound, bound, 'float32', globalRng.seed());
}

/** N(0, std²) drawn from tfai's seeded random source. */
export function normal(shape: number[], std = 1, mean = 0): tf.Tensor {
  checkAllocation(shape);
  return tf.randomNormal(shape, mean, std, 'float32', globalRng.seed());
}

/**
 * PyTorch's default for Linear and Conv weights, `kaiming_uniform_(a=√5)`, which is U(-1/√fanIn, 1/√fanIn);
 * their biases use the same bound.
 */
export function torchDefaultUniform(shape: number[], fanIn: number): tf.Tensor {
  return uniform(shape, fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0);
}

/** `kaiming_normal_` with the ReLU gain (fan-in mode): N(0, 2/fanIn), as fastai initialises its heads. */
export function kaimingNormal(shape: number[], fanIn: number): tf.Tensor {
  return normal(shape, Math.sqrt(2 / fanIn));
}
