import * as tf from '@tensorflow/tfjs-core';
import { Module, fastaiEmbedding, type Embedding } from '@tfai/core/nn';
import type { OnnxConverter, OnnxInputsOf } from '@tfai/core/onnx';
import { dotBias, dotBiasFused } from './dot-bias-kernel.js';
import { TabularOptionsError, UnknownCategoryError } from '../errors.js';
import { gatherRows } from '../model/gather-rows.js';
import { canonicalLevel } from '../procs/categorify.js';

/** The constructor arguments of an {@link EmbeddingDotBias} as plain JSON (for export). */
export interface EmbeddingDotBiasConfig {
  /** Width of the user and item embeddings (fastai's `n_factors`). */
  nFactors: number;
  /** Rows of the user tables: the size of the user vocab, `#na#` included. */
  nUsers: number;
  /** Rows of the item tables: the size of the item vocab, `#na#` included. */
  nItems: number;
  /** `[low, high]` of the output's sigmoid squashing, or null for a raw dot product (fastai's `y_range`). */
  yRange: [number, number] | null;
}

/**
 * fastai's dot-product model for collaborative filtering: `u_weight[u]·i_weight[i] + u_bias[u] + i_bias[i]`,
 * squashed into `yRange` by a sigmoid when given. Its input is `x` int32 `[bs, 2]` (user code, item code), as
 * `CollabDataLoaders` batches; its output is `[bs]`.
 *
 * Built with {@link EmbeddingDotBias.fromClasses}, it knows the user and item vocabs and offers fastai's
 * analysis helpers `bias(names, isItem)` and `weight(names, isItem)`.
 *
 * @example
 * ```ts
 * const m = EmbeddingDotBias.fromClasses(50, dls.classes, { yRange: [0, 5.5] });
 * m.call(tf.tensor2d([[1, 3]], [1, 2], 'int32')).shape; // [1]
 * m.bias(['1002', '1050']); // item biases [2]
 * ```
 */
export class EmbeddingDotBias extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'EmbeddingDotBias';
  /** User factors, `[nUsers, nFactors]` (PyTorch's `u_weight`). */
  readonly uWeight: Embedding;
  /** Item factors, `[nItems, nFactors]` (PyTorch's `i_weight`). */
  readonly iWeight: Embedding;
  /** User biases, `[nUsers, 1]` (PyTorch's `u_bias`). */
  readonly uBias: Embedding;
  /** Item biases, `[nItems, 1]` (PyTorch's `i_bias`). */
  readonly iBias: Embedding;
  /** Vocabs by column (set by {@link fromClasses}). */
  classes: Record<string, readonly string[]> | undefined;
  /** The user column of {@link classes} (default its first key); undefined unless built by {@link fromClasses}. */
  user: string | undefined;
  /** The item column of {@link classes} (default its second key); undefined unless built by {@link fromClasses}. */
  item: string | undefined;
  constructor(
    /** Width of the user and item embeddings (fastai's `n_factors`). */
    readonly nFactors: number,
    /** Number of users (rows of the user tables, `#na#` included). */
    readonly nUsers: number,
    /** Number of items (rows of the item tables, `#na#` included). */
    readonly nItems: number,
    /** `[low, high]` the output is squashed into by a sigmoid (fastai's `y_range`, e.g. `[0, 5.5]` for ratings); undefined: no squashing. */
    readonly yRange?: readonly [number, number],
  ) {
    super();
    this.uWeight = this.registerModule('u_weight', fastaiEmbedding(nUsers, nFactors));
    this.iWeight = this.registerModule('i_weight', fastaiEmbedding(nItems, nFactors));
    this.uBias = this.registerModule('u_bias', fastaiEmbedding(nUsers, 1));
    this.iBias = this.registerModule('i_bias', fastaiEmbedding(nItems, 1));
  }

  /**
   * fastai's `from_classes`: `nUsers` and `nItems` from the vocabs of the `user` and `item` columns (default the
   * first and second keys of `classes`), which the model keeps for {@link bias} and {@link weight}.
   * @example
   * ```ts
   * const m = EmbeddingDotBias.fromClasses(50, dls.classes);
   * ```
   */
  static fromClasses(
    nFactors: number,
    classes: Record<string, readonly string[]>,
    opts: { user?: string; item?: string; yRange?: readonly [number, number] } = {},
  ): EmbeddingDotBias {
    const keys = Object.keys(classes);
    const user = opts.user ?? keys[0];
    const item = opts.item ?? keys[1];
    if (user === undefined || item === undefined || !classes[user] || !classes[item])
      throw new TabularOptionsError(
        `EmbeddingDotBias.fromClasses: no vocab for the user or item column (classes has ${keys.map((k) => `"${k}"`).join(', ')})`,
      );
    const m = new EmbeddingDotBias(nFactors, classes[user].length, classes[item].length, opts.yRange);
    m.classes = classes;
    m.user = user;
    m.item = item;
    return m;
  }

  /** The constructor arguments as JSON. */
  get config(): EmbeddingDotBiasConfig {
    return {
      nFactors: this.nFactors,
      nUsers: this.nUsers,
      nItems: this.nItems,
      yRange: this.yRange ? [this.yRange[0], this.yRange[1]] : null,
    };
  }

  /** Vocab indices of the items (or users) named in `arr`, as fastai's `_get_idx`. */
  getIdx(arr: readonly (string | number)[], isItem = true): Int32Array {
    const col = isItem ? this.item : this.user;
    if (!this.classes || col === undefined)
      throw new TabularOptionsError(
        'build the model with EmbeddingDotBias.fromClasses (collabLearner does) to look users and items up by name',
      );
    const vocab = this.classes[col];
    const index = new Map(vocab.map((v, i) => [v, i]));
    return Int32Array.from(arr, (o) => {
      const k = index.get(canonicalLevel(String(o)));
      if (k === undefined) throw new UnknownCategoryError(col, String(o));
      return k;
    });
  }

  /**
   * fastai's `bias`: the bias of each item (or user, `isItem` false) named in `arr`, `[n]`. The caller disposes it.
   * @example
   * ```ts
   * const b = model.bias(dls.classes.item.slice(1)); // every item's bias
   * ```
   */
  bias(arr: readonly (string | number)[], isItem = true): tf.Tensor1D {
    const idx = this.getIdx(arr, isItem);
    const layer = isItem ? this.iBias : this.uBias;
    return tf.tidy(() => tf.gather(layer.weight.variable, tf.tensor1d(idx, 'int32')).reshape([-1]));
  }

  /**
   * fastai's `weight`: the latent factors of each item (or user) named in `arr`, `[n, nFactors]` (for `pca`,
   * `mostSimilar`). The caller disposes it.
   */
  weight(arr: readonly (string | number)[], isItem = true): tf.Tensor2D {
    const idx = this.getIdx(arr, isItem);
    const layer = isItem ? this.iWeight : this.uWeight;
    return tf.tidy(() => tf.gather(layer.weight.variable, tf.tensor1d(idx, 'int32')) as tf.Tensor2D);
  }

  /**
   * `u_weight[u]·i_weight[i] + u_bias[u] + i_bias[i]`, then the yRange sigmoid. Where core's `embedding` fused path
   * runs (wasm and cpu), the lookups, product and sums are one kernel (and one for their gradient); elsewhere
   * four lookups, as fastai writes it.
   */
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const codes = x.dtype === 'int32' ? x : x.toInt();
      const [uw, iw, ub, ib] = [this.uWeight, this.iWeight, this.uBias, this.iBias].map((e) => e.weight.variable);
      let res: tf.Tensor;
      if (dotBiasFused()) res = dotBias(codes, uw, iw, ub, ib);
      else {
        const [users, items] = tf.unstack(codes, 1);
        const dot = tf.sum(tf.mul(gatherRows(uw, users), gatherRows(iw, items)), 1);
        res = tf.addN([dot, gatherRows(ub, users).reshape([-1]), gatherRows(ib, items).reshape([-1])]);
      }
      if (!this.yRange) return res;
      const [lo, hi] = this.yRange;
      return tf
        .sigmoid(res)
        .mul(hi - lo)
        .add(lo);
    });
  }

  /** ONNX form: `dot(u_weight[user], i_weight[item]) + u_bias[user] + i_bias[item]`, then `y_range`'s sigmoid range. */
  static readonly onnx: OnnxConverter<EmbeddingDotBias> = (m, [x], ctx) => {
    const g = ctx.graph;
    const col = (i: number) => ({
      name: g.op('Gather', [x!.name, g.int64([i], 'column', [])], { axis: { i: 1 } }),
      rank: 1,
    });
    const [users, items] = [col(0), col(1)];
    const dot = g.op(
      'ReduceSum',
      [g.op('Mul', [ctx.child1('u_weight', users).name, ctx.child1('i_weight', items).name]), g.int64([1], 'axes')],
      {
        keepdims: { i: 0 },
      },
    );
    const squeeze = (v: string) => g.op('Squeeze', [v, g.int64([1], 'axes')]);
    const biases = g.op('Add', [squeeze(ctx.child1('u_bias', users).name), squeeze(ctx.child1('i_bias', items).name)]);
    let y = g.op('Add', [dot, biases], {}, ctx.path || 'dot_bias');
    if (m.yRange) {
      const [lo, hi] = m.yRange;
      y = g.op('Add', [g.op('Mul', [g.op('Sigmoid', [y]), g.float([hi - lo], [], 'range')]), g.float([lo], [], 'low')]);
    }
    return [{ name: y, rank: 1 }];
  };

  /** The ONNX input: `x` [batch, 2] int64, the user and item codes (indices in `classes`). */
  static readonly onnxInputs: OnnxInputsOf<EmbeddingDotBias> = () => [
    { name: 'x', dtype: 'int64', shape: ['batch', 2], doc: 'user and item codes (indices in the vocab of each)' },
  ];
}
