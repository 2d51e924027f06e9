// The embedding-gradient check of TabularModel, shared by its cpu and webgpu tests: two tables, three rows of codes
// (row 1 of the first table twice, so its gradients must add up).
import { TabularModel } from '../model/tabular-model.js';

/** The codes of three rows, one column per table. */
export const EMB_CODES = [
  [1, 2],
  [1, 0],
  [3, 2],
];

/** A `TabularModel` with a 4×2 and a 3×3 embedding table, no continuous input, one output. */
export function twoTableModel(): TabularModel {
  return new TabularModel(
    [
      [4, 2],
      [3, 3],
    ],
    0,
    1,
    { layers: [4] },
  );
}

/**
 * d(sum(embed·target))/d(table i, row r) = the sum of target's columns of table i over the rows whose code is r.
 * @example
 * ```ts
 * const target = tf.randomNormal([3, 5]); // 3 rows, 2 + 3 embedding columns
 * expectedEmbGrads(target.arraySync() as number[][]); // a 4×2 and a 3×3 array
 * ```
 */
export function expectedEmbGrads(t: number[][]): number[][][] {
  return [
    [4, 2, 0],
    [3, 3, 2],
  ].map(([n, d, off], i) =>
    Array.from({ length: n }, (_, r) =>
      Array.from({ length: d }, (_, j) => EMB_CODES.reduce((s, c, b) => s + (c[i] === r ? t[b][off + j] : 0), 0)),
    ),
  );
}
