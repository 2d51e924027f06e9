import type * as tf from '@tensorflow/tfjs-core';
import type { OnnxConverter, OnnxInputsOf } from '@tfai/core/onnx';
import { TabularModel, type TabularModelConfig, type TabularModelOptions } from '../model/tabular-model.js';

/**
 * fastai's neural-net model for collaborative filtering: a {@link TabularModel} over the user and item
 * embeddings with no continuous input and one output. Its input is `x` int32 `[bs, 2]` (user code, item code).
 *
 * @example
 * ```ts
 * const m = new EmbeddingNN(getEmbSz(dls), [50]); // emb sizes from the user and item vocabs
 * m.call(xCat).shape; // [bs, 1]
 * ```
 */
export class EmbeddingNN extends TabularModel {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'EmbeddingNN';
  constructor(
    embSzs: readonly (readonly [number, number])[],
    layers: readonly number[],
    opts: Omit<TabularModelOptions, 'layers'> = {},
  ) {
    super(embSzs, 0, 1, { ...opts, layers });
  }

  /**
   * An EmbeddingNN (fresh weights) from its {@link TabularModel.config}.
   * @example
   * ```ts
   * const again = EmbeddingNN.fromConfig(JSON.parse(JSON.stringify(model.config)));
   * ```
   */
  static override fromConfig(c: TabularModelConfig): EmbeddingNN {
    const { embSzs, layers, yRange, nCont: _n, outSz: _o, ...opts } = c;
    return new EmbeddingNN(embSzs, layers, { ...opts, yRange: yRange ?? undefined });
  }

  override forward(xCat: tf.Tensor): tf.Tensor {
    return super.forward(xCat);
  }

  /** ONNX form: the TabularModel's, on `x_cat` = the [user, item] codes. */
  static override readonly onnx: OnnxConverter<EmbeddingNN> = TabularModel.onnx;
  /** The ONNX input: `x_cat` [batch, 2] int64 (user and item codes). */
  static override readonly onnxInputs: OnnxInputsOf<EmbeddingNN> = TabularModel.onnxInputs;
}
