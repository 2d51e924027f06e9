import * as tf from '@tensorflow/tfjs-core';
import type { Batch, Dataset } from '@tfai/core';
import type { EncodedTable } from './tabular.js';

/**
 * The rows `rows` of an encoded table. Items are row numbers (no per-row objects); {@link collate} copies the
 * batch's rows from the column arrays into one typed array per input and makes
 * `{x: [xCat int32 [bs, nCat], xCont float32 [bs, nCont]], y}` with `y` int32 `[bs]` (class indices) or float32
 * `[bs, nY]`.
 *
 * @example
 * ```ts
 * const ds = new TabularDataset(data, trainIdx);
 * const b = ds.collate([0, 1, 2]); // b.x[0].shape: [3, nCat]
 * ```
 */
export class TabularDataset implements Dataset<number> {
  constructor(
    /** The encoded columns (all rows of the table; `rows` picks this split's). */
    readonly data: EncodedTable,
    /** Indices into `data` of this dataset's rows (the training or validation split), in order. */
    readonly rows: Int32Array,
    /** Include `xCont` in `x` (false for collaborative filtering, whose model takes the categories only). */
    readonly withCont = true,
  ) {}

  /** The number of items. */
  get length(): number {
    return this.rows.length;
  }

  /** The table row of item `i`. */
  get(i: number): number {
    return this.rows[i];
  }

  /** A batch of table rows. */
  collate(rows: number[]): Batch {
    const bs = rows.length;
    const { cats, conts } = this.data;
    const nCat = cats.length;
    const xCat = new Int32Array(bs * nCat);
    for (let j = 0; j < nCat; j++) {
      const col = cats[j];
      for (let b = 0; b < bs; b++) xCat[b * nCat + j] = col[rows[b]];
    }
    const x: tf.Tensor[] = [tf.tensor2d(xCat, [bs, nCat], 'int32')];
    if (this.withCont) {
      const nCont = conts.length;
      const xCont = new Float32Array(bs * nCont);
      for (let j = 0; j < nCont; j++) {
        const col = conts[j];
        for (let b = 0; b < bs; b++) xCont[b * nCont + j] = col[rows[b]];
      }
      x.push(tf.tensor2d(xCont, [bs, nCont], 'float32'));
    }
    return { x, y: this.collateY(rows) };
  }

  private collateY(rows: number[]): tf.Tensor {
    const bs = rows.length;
    const y = this.data.y;
    if (!y) return tf.zeros([bs, 0]);
    if (y instanceof Int32Array)
      return tf.tensor1d(
        Int32Array.from(rows, (r) => y[r]),
        'int32',
      );
    const nY = y.length / this.data.nRows;
    const out = new Float32Array(bs * nY);
    for (let b = 0; b < bs; b++) out.set(y.subarray(rows[b] * nY, rows[b] * nY + nY), b * nY);
    return tf.tensor2d(out, [bs, nY], 'float32');
  }
}
