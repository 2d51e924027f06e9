import * as tf from '@tensorflow/tfjs';
import { BatchNorm1d, Dropout, LinBnDrop, Module, ModuleList, ReLU, Sequential, SigmoidRange, fastaiEmbedding, type Embedding, type TensorModule } from '@tfai/core';
import { gatherRows } from './gather-rows.js';

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
  embSzs: [number, number][];
  nCont: number;
  outSz: number;
  layers: number[];
  ps: number[];
  embedP: number;
  yRange: [number, number] | null;
  useBn: boolean;
  bnFinal: boolean;
  bnCont: boolean;
  linFirst: boolean;
}

/**
 * fastai 2.7's `TabularModel`: one embedding per categorical column (then embedding dropout), BatchNorm1d on
 * the continuous columns, and `LinBnDrop` blocks `[nEmb + nCont] + layers + [outSz]` (ReLU, BatchNorm, no
 * Linear bias where a BatchNorm follows; the last block has no activation), then `SigmoidRange(yRange)`.
 * Parameter names and shapes match PyTorch's (`embeds.0.weight`, `bn_cont.*`, `layers.0.0.weight`…).
 *
 * All embedding tables are looked up at once: the tables are flattened and concatenated at forward time, and
 * each output column reads `flat[base + code·dim + j]` (one matMul for the positions, one GatherNd, ScatterNd
 * backward), so the number of kernels hardly grows with the number of categorical columns.
 *
 * @example
 * ```ts
 * const m = new TabularModel([[10, 6], [17, 8]], 6, 2, { layers: [200, 100] });
 * m.call(tf.zeros([4, 2], 'int32'), tf.zeros([4, 6])).shape; // [4, 2]
 * ```
 */
export class TabularModel extends Module<[tf.Tensor, tf.Tensor?], tf.Tensor> {
  /** Table sizes below this compute lookup positions in float32 (exact up to 2^24); exposed for tests. */
  static floatIndexLimit = 2 ** 24;
  readonly embeds: ModuleList<Embedding>;
  readonly embDrop: Dropout;
  readonly bnCont: BatchNorm1d | undefined;
  readonly layers: Sequential;
  /** Total embedding width (the sum of the embedding sizes). */
  readonly nEmb: number;
  /** The constructor arguments as JSON (a custom `act` is not recorded). */
  readonly config: TabularModelConfig;
  // Maps codes to positions in the flattened, concatenated tables: output column c of the embeddings reads
  // flat[base(c) + code(cat(c))·dim(c)]. Below 2^24 table elements (exact in float32) that is one matMul of the
  // codes by `codeToFlat` ([nCat, nEmb], dim(c) in row cat(c)) plus `flatBase`; above, int32 gather/mul/add.
  private readonly index: { float: true; codeToFlat: tf.Variable; flatBase: tf.Variable } | { float: false; cat: tf.Variable; stride: tf.Variable; base: tf.Variable };

  constructor(
    readonly embSzs: readonly (readonly [number, number])[],
    readonly nCont: number,
    readonly outSz: number,
    opts: TabularModelOptions = {},
  ) {
    super();
    const layers = [...(opts.layers ?? [200, 100])];
    const ps = opts.ps === undefined ? layers.map(() => 0) : typeof opts.ps === 'number' ? layers.map(() => opts.ps as number) : [...opts.ps];
    if (ps.length !== layers.length) throw new RangeError(`ps has ${ps.length} values for ${layers.length} layers`);
    this.config = {
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
    this.embeds = this.registerModule('embeds', new ModuleList(embSzs.map(([ni, nf]) => fastaiEmbedding(ni, nf))));
    this.embDrop = this.registerModule('emb_drop', new Dropout(opts.embedP ?? 0));
    this.bnCont = (opts.bnCont ?? true) ? this.registerModule('bn_cont', new BatchNorm1d(nCont)) : undefined;
    this.nEmb = embSzs.reduce((s, [, nf]) => s + nf, 0);
    const sizes = [this.nEmb + nCont, ...layers, outSz];
    const useBn = opts.useBn ?? true;
    const blocks: TensorModule[] = [];
    for (let i = 0; i < sizes.length - 1; i++) {
      const last = i === sizes.length - 2;
      blocks.push(
        new LinBnDrop(sizes[i], sizes[i + 1], {
          bn: useBn && (!last || (opts.bnFinal ?? false)),
          p: last ? 0 : ps[i],
          act: last ? undefined : (opts.act?.() ?? new ReLU(true)),
          linFirst: opts.linFirst ?? true,
          fuse: true,
        }),
      );
    }
    if (opts.yRange) blocks.push(new SigmoidRange(opts.yRange[0], opts.yRange[1]));
    this.layers = this.registerModule('layers', new Sequential(...blocks));

    const nCat = embSzs.length;
    const codeToFlat = new Float32Array(nCat * this.nEmb);
    const flatBase = new Float32Array(this.nEmb);
    const colBaseInt = new Int32Array(this.nEmb);
    let base = 0;
    let col = 0;
    embSzs.forEach(([ni, nf], i) => {
      for (let j = 0; j < nf; j++, col++) {
        codeToFlat[i * this.nEmb + col] = nf;
        flatBase[col] = base + j;
        colBaseInt[col] = base + j;
      }
      base += ni * nf;
    });
    if (base < TabularModel.floatIndexLimit)
      this.index = {
        float: true,
        codeToFlat: this.registerBuffer('code_to_flat', tf.tensor2d(codeToFlat, [nCat, this.nEmb]), false),
        flatBase: this.registerBuffer('flat_base', tf.tensor1d(flatBase), false),
      };
    else {
      const cat = Int32Array.from({ length: this.nEmb }, (_, c) => embSzs.findIndex((_, i) => codeToFlat[i * this.nEmb + c] !== 0));
      this.index = {
        float: false,
        cat: this.registerBuffer('col_cat', tf.tensor1d(cat, 'int32'), false),
        stride: this.registerBuffer('col_stride', tf.tensor1d(Int32Array.from(cat, (i) => embSzs[i][1]), 'int32'), false),
        base: this.registerBuffer('col_base', tf.tensor1d(colBaseInt, 'int32'), false),
      };
    }
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

  /**
   * The concatenated embeddings `[bs, nEmb]` of `xCat` `[bs, nCat]` (int32 codes), with one lookup into the
   * flattened tables (see {@link gatherRows}) whatever the number of categorical columns.
   */
  embed(xCat: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const tables = this.embeds.items().map((e) => e.weight.variable.reshape([-1]));
      const flat = tables.length === 1 ? tables[0] : tf.concat(tables);
      const ix = this.index;
      const idx = ix.float
        ? tf.cast(tf.fused.matMul({ a: tf.cast(xCat, 'float32') as tf.Tensor2D, b: ix.codeToFlat as tf.Tensor2D, bias: ix.flatBase }), 'int32')
        : tf.add(tf.mul(tf.gather(tf.cast(xCat, 'int32'), ix.cat, 1), ix.stride), ix.base);
      return gatherRows(flat, idx);
    });
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
}
