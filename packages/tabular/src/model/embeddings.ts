// TabularModel's embedding tables (fastai's `self.embeds = nn.ModuleList(...)`) with one fused lookup over all
// of them: the concatenation of `embeds[i](x_cat[:, i])` in one gather, whatever the number of columns.
import * as tf from '@tensorflow/tfjs-core';
import { Module, fastaiEmbedding, type Embedding } from '@tfai/core/nn';
import type { OnnxConverter } from '@tfai/core/onnx';
import { gatherRows } from './gather-rows.js';

/** Options of {@link TabularEmbeddings}. */
export interface TabularEmbeddingsOptions {
  /** Tables with fewer elements than this compute lookup positions in float32 (exact below 2^24, the default). */
  floatIndexLimit?: number;
}

/**
 * fastai's `nn.ModuleList([Embedding(ni, nf) for ni, nf in emb_szs])` (children `0`, `1`… so state-dict keys stay
 * `embeds.N.weight`), whose {@link forward} returns `cat([e(x[:, i]) for i, e in enumerate(embeds)], 1)` as one lookup:
 * the tables are flattened and concatenated at forward time, and output column c reads
 * `flat[base(c) + code(cat(c))·dim(c)]`. Below `floatIndexLimit` table elements those positions are one matMul of the
 * codes by a `[nCat, nEmb]` matrix plus a base row; above, int32 gather/mul/add. Then one GatherNd (ScatterNd
 * backward, see {@link gatherRows}), so the kernels do not grow with the number of categorical columns.
 * @example
 * ```ts
 * const embeds = new TabularEmbeddings([[10, 6], [17, 8]]);
 * embeds.call(tf.tensor2d([[1, 2]], [1, 2], 'int32')).shape; // [1, 14]
 * ```
 */
export class TabularEmbeddings extends Module<[tf.Tensor], tf.Tensor> {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'TabularEmbeddings';
  private readonly tables: Embedding[];
  /** Total embedding width (the sum of the embedding sizes). */
  readonly nEmb: number;
  private readonly index:
    | { float: true; codeToFlat: tf.Variable; flatBase: tf.Variable }
    | { float: false; cat: tf.Variable; stride: tf.Variable; base: tf.Variable };

  constructor(embSzs: readonly (readonly [number, number])[], opts: TabularEmbeddingsOptions = {}) {
    super();
    this.tables = embSzs.map(([ni, nf], i) => this.registerModule(String(i), fastaiEmbedding(ni, nf)));
    this.nEmb = embSzs.reduce((s, [, nf]) => s + nf, 0);
    const nCat = embSzs.length;
    const codeToFlat = new Float32Array(nCat * this.nEmb);
    const flatBase = new Float32Array(this.nEmb);
    const catOf = new Int32Array(this.nEmb);
    let base = 0;
    let col = 0;
    embSzs.forEach(([ni, nf], i) => {
      for (let j = 0; j < nf; j++, col++) {
        codeToFlat[i * this.nEmb + col] = nf;
        flatBase[col] = base + j;
        catOf[col] = i;
      }
      base += ni * nf;
    });
    // Buffers not saved in the state dict (PyTorch's ModuleList of Embeddings has none).
    if (base < (opts.floatIndexLimit ?? 2 ** 24))
      this.index = {
        float: true,
        codeToFlat: this.registerBuffer('code_to_flat', tf.tensor2d(codeToFlat, [nCat, this.nEmb]), false),
        flatBase: this.registerBuffer('flat_base', tf.tensor1d(flatBase), false),
      };
    else
      this.index = {
        float: false,
        cat: this.registerBuffer('col_cat', tf.tensor1d(catOf, 'int32'), false),
        stride: this.registerBuffer(
          'col_stride',
          tf.tensor1d(
            Int32Array.from(catOf, (i) => embSzs[i][1]),
            'int32',
          ),
          false,
        ),
        base: this.registerBuffer('col_base', tf.tensor1d(Int32Array.from(flatBase), 'int32'), false),
      };
  }

  /** PyTorch's name: the tables are a `ModuleList` there. */
  override get typeName(): string {
    return 'ModuleList';
  }

  /** Number of tables. */
  get length(): number {
    return this.tables.length;
  }

  /** The i-th table (negative counts from the end), as PyTorch's `embeds[i]`. */
  get(i: number): Embedding {
    const e = this.tables[i < 0 ? this.tables.length + i : i];
    if (!e) throw new RangeError(`embeds index ${i} out of range (length ${this.tables.length})`);
    return e;
  }

  /** The tables, in column order. */
  items(): Embedding[] {
    return [...this.tables];
  }

  /** `xCat` `[bs, nCat]` int32 codes → the concatenated embeddings `[bs, nEmb]`. */
  forward(x: tf.Tensor): tf.Tensor {
    // With hooks on a table (learn.summary()), fastai's own loop, so that each table's hooks fire.
    if (this.tables.some((e) => e.hasForwardHooks))
      return tf.tidy(() => {
        const codes = tf.cast(x, 'int32');
        return tf.concat(
          this.tables.map((e, i) => e.call(tf.reshape(tf.slice(codes, [0, i], [-1, 1]), [-1]))),
          1,
        );
      });
    return tf.tidy(() => {
      const tables = this.tables.map((e) => e.weight.variable.reshape([-1]));
      const flat = tables.length === 1 ? tables[0] : tf.concat(tables);
      const ix = this.index;
      const idx = ix.float
        ? tf.cast(
            tf.fused.matMul({
              a: tf.cast(x, 'float32') as tf.Tensor2D,
              b: ix.codeToFlat as tf.Tensor2D,
              bias: ix.flatBase,
            }),
            'int32',
          )
        : tf.add(tf.mul(tf.gather(tf.cast(x, 'int32'), ix.cat, 1), ix.stride), ix.base);
      return gatherRows(flat, idx);
    });
  }

  /** ONNX form: column `i` of the int64 codes gathered from table `i` (`embeds.<i>.weight`), concatenated. */
  static readonly onnx: OnnxConverter<TabularEmbeddings> = (m, [x], ctx) => {
    const g = ctx.graph;
    const cols = m.tables.map((_, i) => {
      const codes = g.op('Gather', [x!.name, g.int64([i], 'column', [])], { axis: { i: 1 } }, `${ctx.path}.codes${i}`);
      return ctx.child1(String(i), { name: codes, rank: 1 }).name;
    });
    return [{ name: cols.length === 1 ? cols[0]! : g.op('Concat', cols, { axis: { i: 1 } }, ctx.path), rank: 2 }];
  };
}
