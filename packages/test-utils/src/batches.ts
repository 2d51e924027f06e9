// The values of a data loader's first batch, for reproducibility tests (manualSeed twice → the same batch).
import type * as tf from '@tensorflow/tfjs-core';

/**
 * The first batch of `dl` as plain arrays, every input tensor then the target (`[...x, y]`), the batch disposed.
 * Throws when `dl` yields nothing.
 * @example
 * ```ts
 * manualSeed(0);
 * const a = await firstBatchValues(dls.train);
 * ```
 */
export async function firstBatchValues(dl: AsyncIterable<{ x: tf.Tensor[]; y: tf.Tensor }>): Promise<number[][]> {
  for await (const b of dl) {
    try {
      return [...(await Promise.all(b.x.map(async (t) => Array.from(await t.data())))), Array.from(await b.y.data())];
    } finally {
      for (const t of [...b.x, b.y]) t.dispose();
    }
  }
  throw new Error('firstBatchValues: the data loader yielded no batch');
}
