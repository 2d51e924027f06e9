// fastai's `Embedding` (`fastai/layers.py`): a PyTorch embedding initialised with `trunc_normal_(std=0.01)`.
import { Embedding } from '../layers/embedding.js';
import { truncNormal } from './init.js';

/**
 * fastai's `Embedding`: a PyTorch embedding initialised with `trunc_normal_(std=0.01)`.
 * @example
 * ```ts
 * const e = fastaiEmbedding(10, 6); // Embedding(10, 6), weights within ±0.02
 * ```
 */
export function fastaiEmbedding(ni: number, nf: number): Embedding {
  const e = new Embedding(ni, nf);
  const w = truncNormal([ni, nf], 0.01);
  e.weight.variable.assign(w);
  w.dispose();
  return e;
}
