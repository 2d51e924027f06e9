import * as tf from '@tensorflow/tfjs-core';

const gatherNdWithGrad = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [table, idx, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  const nd = tf.expandDims(idx, -1);
  // Saved, not captured: a tensor the gradient closes over may be disposed before the backward pass runs.
  save([nd]);
  const shape = table.shape;
  return {
    value: tf.gatherND(table, nd),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [
      tf.scatterND(saved[0], dy as tf.Tensor, shape),
      tf.zerosLike(idx),
    ],
  };
});

/**
 * `table[idx]` along the first axis, as `tf.gather(table, idx)` (same values and gradients: duplicate indices
 * sum), computed with GatherNd and, backward, ScatterNd. tfjs-backend-wasm 4.22's GatherV2 checks every index
 * in a JavaScript loop (about 45 ns per index, 1 ms for a 512×35 lookup); GatherNd and ScatterNd run in wasm
 * alone. Indices must be in range: wasm does not check them (cpu and tensorflow do).
 *
 * @example
 * ```ts
 * gatherRows(tf.tensor2d([[1, 2], [3, 4], [5, 6]]), tf.tensor1d([2, 0], 'int32')); // [[5, 6], [1, 2]]
 * ```
 */
export function gatherRows(table: tf.Tensor, idx: tf.Tensor): tf.Tensor {
  return gatherNdWithGrad(table, idx.dtype === 'int32' ? idx : tf.cast(idx, 'int32')) as tf.Tensor;
}
