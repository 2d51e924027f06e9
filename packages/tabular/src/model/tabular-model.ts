import * as tf from '@tensorflow/tfjs-core';
import {
  BatchNorm1d,
  Dropout,
  LinBnDrop,
  Module,
  ReLU,
  Sequential,
  SigmoidRange,
  type TensorModule,
} from '@tfai/core/nn';
import type { OnnxConverter, OnnxInputsOf } from '@tfai/core/onnx';
import { TabularEmbeddings } from './embeddings.js';

/** Options of {@link TabularModel} (fastai 2.7's defaults, except `layers`, which `tabular_learner` defaults to [200, 100]). */
export interface TabularModelOptions {
  /** Sizes of the hidden `LinBnDrop` layers (default [200, 100]). */
  layers?: readonly number[];
  /** Dropout of each hidden layer: one number for all, or one per layer (default 0). */
  ps?: number | readonly number[];
  /** Dropout after the embeddings (default 0). */
  embedP?: number;
  /** Squash the output into `[low, high]` with a `SigmoidRange`. */
  yRange?: readonly [number, number];
  /** BatchNorm in the hidden `LinBnDrop` layers (default true). */
  useBn?: boolean;
  /** BatchNorm in the last `LinBnDrop` too (default false). */
  bnFinal?: boolean;
  /** BatchNorm1d on the continuous inputs (default true). */
  bnCont?: boolean;
  /** Linear first in each `LinBnDrop` (default true). */
  linFirst?: boolean;
  /** Activation of the hidden layers (default `ReLU(inplace=True)`). */
  act?: () => TensorModule;
}

/** The constructor arguments of a {@link TabularModel} as plain JSON (for export), defaults filled in. */
export interface TabularModelConfig {
  /** `[vocabSize, width]` of each categorical column's embedding. */
  embSzs: [number, number][];
  /** Number of continuous inputs. */
  nCont: number;
  /** Number of outputs (classes, or regression targets). */
  outSz: number;
  /** Sizes of the hidden `LinBnDrop` layers. */
  layers: number[];
  /** Dropout of each hidden layer, one per entry of `layers`. */
  ps: number[];
  /** Dropout after the embeddings (fastai's `embed_p`). */
  embedP: number;
  /** `[low, high]` of the final `SigmoidRange`, or null for none. */
  yRange: [number, number] | null;
  /** BatchNorm in the hidden `LinBnDrop` layers (fastai's `use_bn`). */
  useBn: boolean;
  /** BatchNorm in the last `LinBnDrop` too (fastai's `bn_final`). */
  bnFinal: boolean;
  /** BatchNorm1d on the continuous inputs (fastai's `bn_cont`). */
  bnCont: boolean;
  /** Linear before BatchNorm and dropout in each `LinBnDrop` (fastai's `lin_first`). */
  linFirst: boolean;
}

/** {@link TabularModelOptions} with fastai's defaults filled in, as JSON (`ps` one per layer). */
function tabularModelConfig(
  embSzs: readonly (readonly [number, number])[],
  nCont: number,
  outSz: number,
  opts: TabularModelOptions,
): TabularModelConfig {
  const layers = [...(opts.layers ?? [200, 100])];
  const ps =
    opts.ps === undefined
      ? layers.map(() => 0)
      : typeof opts.ps === 'number'
        ? layers.map(() => opts.ps as number)
        : [...opts.ps];
  if (ps.length !== layers.length) throw new RangeError(`ps has ${ps.length} values for ${layers.length} layers`);
  return {
    embSzs: embSzs.map(([ni, nf]) => [ni, nf]),
    nCont,
    outSz,
    layers,
    ps,
    embedP: opts.embedP ?? 0,
    yRange: opts.yRange ? [opts.yRange[0], opts.yRange[1]] : null,
    useBn: opts.useBn ?? true,
    bnFinal: opts.bnFinal ?? false,
    bnCont: opts.bnCont ?? true,
    linFirst: opts.linFirst ?? true,
  };
}

/**
 * fastai 2.7's `TabularModel`: one embedding per categorical column (then embedding dropout), BatchNorm1d on
 * the continuous columns, and `LinBnDrop` blocks `[nEmb + nCont] + layers + [outSz]` (ReLU, BatchNorm, no
 * Linear bias where a BatchNorm follows; the last block has no activation), then `SigmoidRange(yRange)`.
 * Parameter names and shapes match PyTorch's (`embeds.0.weight`, `bn_cont.*`, `layers.0.0.weight`…).
 *
 * All embedding tables are looked up at once ({@link TabularEmbeddings}: one gather whatever the number of
 * categorical columns).
 *
 * @example
 * ```ts
 * const m = new TabularModel([[10, 6], [17, 8]], 6, 2, { layers: [200, 100] });
 * m.call(tf.zeros([4, 2], 'int32'), tf.zeros([4, 6])).shape; // [4, 2]
 * ```
 */
export class TabularModel extends Module<[tf.Tensor, tf.Tensor?], tf.Tensor> {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'TabularModel';
  /** Table sizes below this compute lookup positions in float32 (exact up to 2^24); exposed for tests. */
  static floatIndexLimit = 2 ** 24;
  /** The embedding tables of the categorical columns (PyTorch's `embeds.<i>.weight`), looked up in one gather. */
  readonly embeds: TabularEmbeddings;
  /** Dropout after the concatenated embeddings, `p = embedP` (PyTorch's `emb_drop`). */
  readonly embDrop: Dropout;
  /** BatchNorm1d over the `nCont` continuous inputs (PyTorch's `bn_cont`); undefined when `bnCont` is false. */
  readonly bnCont: BatchNorm1d | undefined;
  /** The `LinBnDrop` blocks `[nEmb + nCont] → layers → [outSz]`, then `SigmoidRange` if `yRange` (PyTorch's `layers`). */
  readonly layers: Sequential;
  /** Total embedding width (the sum of the embedding sizes). */
  readonly nEmb: number;
  /** The constructor arguments as JSON (a custom `act` is not recorded). */
  readonly config: TabularModelConfig;

  constructor(
    /** `[vocabSize, width]` of each categorical column's embedding (fastai's `emb_szs`). */
    readonly embSzs: readonly (readonly [number, number])[],
    /** Number of continuous inputs (fastai's `n_cont`). */
    readonly nCont: number,
    /** Number of outputs: classes, or regression targets (fastai's `out_sz`). */
    readonly outSz: number,
    opts: TabularModelOptions = {},
  ) {
    super();
    const c = (this.config = tabularModelConfig(embSzs, nCont, outSz, opts));
    this.embeds = this.registerModule(
      'embeds',
      new TabularEmbeddings(embSzs, { floatIndexLimit: TabularModel.floatIndexLimit }),
    );
    this.embDrop = this.registerModule('emb_drop', new Dropout(c.embedP));
    this.bnCont = c.bnCont ? this.registerModule('bn_cont', new BatchNorm1d(nCont)) : undefined;
    this.nEmb = this.embeds.nEmb;
    const sizes = [this.nEmb + nCont, ...c.layers, outSz];
    const n = sizes.length - 1;
    const blocks: TensorModule[] = Array.from({ length: n }, (_, i) => {
      const last = i === n - 1;
      const act = last ? undefined : (opts.act?.() ?? new ReLU(true));
      return new LinBnDrop(sizes[i], sizes[i + 1], {
        bn: c.useBn && (!last || c.bnFinal),
        p: last ? 0 : c.ps[i],
        act,
        linFirst: c.linFirst,
        fuse: true,
      });
    });
    if (c.yRange) blocks.push(new SigmoidRange(...c.yRange));
    this.layers = this.registerModule('layers', new Sequential(...blocks));
  }

  /**
   * A model (fresh weights) from {@link config}.
   * @example
   * ```ts
   * const again = TabularModel.fromConfig(JSON.parse(JSON.stringify(model.config)));
   * ```
   */
  static fromConfig(c: TabularModelConfig): TabularModel {
    const { embSzs, nCont, outSz, yRange, ...opts } = c;
    return new TabularModel(embSzs, nCont, outSz, { ...opts, yRange: yRange ?? undefined });
  }

  /** The concatenated embeddings `[bs, nEmb]` of `xCat` `[bs, nCat]` (int32 codes): {@link TabularEmbeddings}. */
  embed(xCat: tf.Tensor): tf.Tensor {
    return this.embeds.call(xCat);
  }

  /** `xCat` int32 `[bs, nCat]` codes, `xCont` float32 `[bs, nCont]` (omitted when `nCont` is 0). */
  forward(xCat: tf.Tensor, xCont?: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let x: tf.Tensor | undefined;
      if (this.nEmb !== 0) x = this.embDrop.call(this.embed(xCat));
      if (this.nCont !== 0) {
        if (!xCont) throw new RangeError(`TabularModel expects ${this.nCont} continuous inputs; xCont is missing`);
        const c = this.bnCont ? this.bnCont.call(xCont) : xCont;
        x = x ? tf.concat([x, c], 1) : c;
      }
      if (!x) throw new RangeError('TabularModel has neither embeddings nor continuous inputs');
      return this.layers.call(x);
    });
  }

  /**
   * ONNX form (eval mode): the embeddings of `x_cat` (int64 category codes, the procs' vocab indices), the
   * BatchNorm of `x_cont` (normalised continuous values), concatenated, then the LinBnDrop layers and
   * `y_range`'s sigmoid range.
   */
  static readonly onnx: OnnxConverter<TabularModel> = (m, inputs, ctx) => {
    const xCat = m.nEmb ? inputs[0] : undefined;
    const xCont = m.nCont ? inputs[m.nEmb ? 1 : 0] : undefined;
    if ((m.nEmb && !xCat) || (m.nCont && !xCont))
      throw ctx.fail(`needs ${m.nEmb ? 'x_cat ' : ''}${m.nCont ? 'x_cont' : ''}`);
    const parts = [];
    if (xCat) parts.push(ctx.child1('embeds', xCat));
    if (xCont) parts.push(m.bnCont ? ctx.child1('bn_cont', xCont) : xCont);
    const x =
      parts.length === 2
        ? {
            name: ctx.graph.op(
              'Concat',
              parts.map((p) => p.name),
              { axis: { i: 1 } },
            ),
            rank: 2,
          }
        : parts[0]!;
    return [ctx.child1('layers', x)];
  };

  /** The ONNX inputs: `x_cat` [batch, n_cat] int64 codes and `x_cont` [batch, n_cont] float32 (those present). */
  static readonly onnxInputs: OnnxInputsOf<TabularModel> = (m) => [
    ...(m.nEmb
      ? [
          {
            name: 'x_cat',
            dtype: 'int64' as const,
            shape: ['batch', m.embSzs.length],
            doc: "category codes (Categorify's vocab indices, 0 = #na#)",
          },
        ]
      : []),
    ...(m.nCont
      ? [
          {
            name: 'x_cont',
            dtype: 'float32' as const,
            shape: ['batch', m.nCont],
            doc: 'continuous values after FillMissing and Normalize',
          },
        ]
      : []),
  ];
}
