import * as tf from '@tensorflow/tfjs';
import { Module, type Embedding } from '@tfai/core';
import { fastaiEmbedding } from '../model/fastai-layers.js';
import { gatherRows } from '../model/gather-rows.js';

/**
 * fastai's dot-product model for collaborative filtering: `u_weight[u]·i_weight[i] + u_bias[u] + i_bias[i]`,
 * squashed into `yRange` by a sigmoid when given. Its input is `x` int32 `[bs, 2]` (user code, item code), as
 * `CollabDataLoaders` batches; its output is `[bs]`.
 *
 * @example
 * ```ts
 * const m = new EmbeddingDotBias(50, dls.classes.user.length, dls.classes.item.length, [0, 5.5]);
 * m.call(tf.tensor2d([[1, 3]], [1, 2], 'int32')).shape; // [1]
 * ```
 */
export class EmbeddingDotBias extends Module {
  readonly uWeight: Embedding;
  readonly iWeight: Embedding;
  readonly uBias: Embedding;
  readonly iBias: Embedding;
  constructor(
    readonly nFactors: number,
    readonly nUsers: number,
    readonly nItems: number,
    readonly yRange?: readonly [number, number],
  ) {
    super();
    this.uWeight = this.registerModule('u_weight', fastaiEmbedding(nUsers, nFactors));
    this.iWeight = this.registerModule('i_weight', fastaiEmbedding(nItems, nFactors));
    this.uBias = this.registerModule('u_bias', fastaiEmbedding(nUsers, 1));
    this.iBias = this.registerModule('i_bias', fastaiEmbedding(nItems, 1));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [users, items] = tf.unstack(x.dtype === 'int32' ? x : x.toInt(), 1);
      const look = (e: Embedding, idx: tf.Tensor) => gatherRows(e.weight.variable, idx);
      const dot = tf.sum(tf.mul(look(this.uWeight, users), look(this.iWeight, items)), 1);
      const res = tf.addN([dot, look(this.uBias, users).reshape([-1]), look(this.iBias, items).reshape([-1])]);
      if (!this.yRange) return res;
      const [lo, hi] = this.yRange;
      return tf.sigmoid(res).mul(hi - lo).add(lo);
    });
  }
}
