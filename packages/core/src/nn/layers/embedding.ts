import * as tf from '@tensorflow/tfjs-core';
import { normal } from '../init.js';
import { Module, type Parameter } from '../module.js';

/**
 * A lookup table `[numEmbeddings, embeddingDim]`, initialised N(0, 1) as PyTorch's. With `paddingIdx`, that
 * row starts at zero and receives no gradient.
 * @example
 * ```ts
 * const emb = new Embedding(10, 4);
 * emb.call(tf.tensor1d([1, 2, 2], 'int32')).shape; // [3, 4]
 * ```
 */
export class Embedding extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'Embedding';
  /** The table `[numEmbeddings, embeddingDim]`, row i being the vector of index i; init N(0, 1). */
  readonly weight: Parameter;
  constructor(
    /** Number of rows: valid indices are 0 to `numEmbeddings - 1` (PyTorch's `num_embeddings`). */
    readonly numEmbeddings: number,
    /** Length of each vector (PyTorch's `embedding_dim`). */
    readonly embeddingDim: number,
    /** Index whose row starts at zero and gets no gradient (PyTorch's `padding_idx`; default none). */
    readonly paddingIdx?: number,
  ) {
    super();
    let w = normal([numEmbeddings, embeddingDim]);
    if (paddingIdx !== undefined) {
      const w2 = tf.tidy(() => {
        const isPad = tf
          .oneHot(tf.tensor1d([paddingIdx], 'int32'), numEmbeddings)
          .reshape([numEmbeddings, 1])
          .cast('bool');
        return tf.where(isPad, tf.zerosLike(w), w); // +0, not the -0 of a multiplication
      });
      w.dispose();
      w = w2;
    }
    this.weight = this.registerParameter('weight', w);
  }

  forward(idx: tf.Tensor): tf.Tensor {
    return embeddingLookup(this.weight.variable, idx, this.paddingIdx);
  }

  protected override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== undefined ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }
  protected override attributes(): Record<string, unknown> {
    return {
      num_embeddings: this.numEmbeddings,
      embedding_dim: this.embeddingDim,
      padding_idx: this.paddingIdx ?? null,
    };
  }
}

/**
 * `weight[idx]` for integer indices of any shape; with `paddingIdx`, the gradient of that row is zero
 * (as `F.embedding(padding_idx=…)`).
 */
export function embeddingLookup(weight: tf.Tensor, idx: tf.Tensor, paddingIdx?: number): tf.Tensor {
  const flat = idx.dtype === 'int32' ? idx.reshape([-1]) : idx.reshape([-1]).toInt();
  const outShape = [...idx.shape, weight.shape[1] as number];
  if (paddingIdx === undefined) return tf.gather(weight, flat).reshape(outShape);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const w = args[0] as tf.Tensor;
    // Saved, not captured: tensors a gradFunc closes over may be disposed before the backward pass runs.
    (args[1] as tf.GradSaveFunc)([flat]);
    return {
      value: tf.gather(w, flat),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const ids = saved[0] as tf.Tensor1D;
        const keep = tf.notEqual(ids, paddingIdx).toFloat().reshape([-1, 1]);
        return tf.unsortedSegmentSum(tf.mul(dy as tf.Tensor, keep), ids, weight.shape[0] as number);
      },
    };
  });
  return (f(weight) as tf.Tensor).reshape(outShape);
}
