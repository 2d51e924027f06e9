// fastai's `BatchNorm(nf, ndim, norm_type)` and `NormType` (`fastai/layers.py`): a PyTorch BatchNorm whose bias
// starts at 1e-3 and whose weight starts at 1 (0 for `BatchZero`).
import * as tf from '@tensorflow/tfjs-core';
import { BatchNorm1d, BatchNorm2d } from '../layers/batchnorm.js';

/**
 * fastai's `NormType`: `Batch` (BatchNorm, weight 1), `BatchZero` (BatchNorm, weight 0), `Weight`
 * (weight normalisation of the conv), `Spectral` (spectral normalisation), or `null` for none.
 */
export type NormType = 'Batch' | 'BatchZero' | 'Weight' | 'Spectral' | null;

/**
 * fastai's `BatchNorm(nf, ndim=2, norm_type=NormType.Batch)`: a BatchNorm2d (`ndim` 2) or BatchNorm1d (`ndim` 1)
 * whose weight is 1 (0 for `BatchZero`) and bias 1e-3.
 * @example
 * ```ts
 * (await fastaiBatchNorm(64).bias!.variable.data())[0]; // 0.001
 * fastaiBatchNorm(200, 'Batch', 1).typeName;             // 'BatchNorm1d'
 * ```
 */
export function fastaiBatchNorm(nf: number, normType: NormType, ndim: 1): BatchNorm1d;
export function fastaiBatchNorm(nf: number, normType?: NormType, ndim?: 2): BatchNorm2d;
export function fastaiBatchNorm(nf: number, normType: NormType = 'Batch', ndim: 1 | 2 = 2): BatchNorm1d | BatchNorm2d {
  const bn = ndim === 1 ? new BatchNorm1d(nf) : new BatchNorm2d(nf);
  tf.tidy(() => {
    bn.weight!.variable.assign(tf.fill([nf], normType === 'BatchZero' ? 0 : 1));
    bn.bias!.variable.assign(tf.fill([nf], 1e-3));
  });
  return bn;
}

/**
 * fastai's `BatchNorm(nf, ndim=1)`: {@link fastaiBatchNorm} with `ndim` 1 (weight 1, bias 1e-3).
 * @example
 * ```ts
 * fastaiBatchNorm1d(200).bias; // all 1e-3
 * ```
 */
export function fastaiBatchNorm1d(nf: number): BatchNorm1d {
  return fastaiBatchNorm(nf, 'Batch', 1);
}
