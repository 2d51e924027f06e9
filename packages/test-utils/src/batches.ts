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

/**
 * The first training batch then the first validation batch of `dls`, as {@link firstBatchValues} reads each:
 * `[...trainX, trainY, ...validX, validY]`. For tests that build the same loaders two ways (a factory and a DataBlock).
 * @example
 * ```ts
 * expect(await firstTrainValidValues(await dblock.dataloaders(path))).toEqual(await firstTrainValidValues(factory));
 * ```
 */
export async function firstTrainValidValues(dls: {
  train: AsyncIterable<{ x: tf.Tensor[]; y: tf.Tensor }>;
  valid: AsyncIterable<{ x: tf.Tensor[]; y: tf.Tensor }>;
}): Promise<number[][]> {
  return [...(await firstBatchValues(dls.train)), ...(await firstBatchValues(dls.valid))];
}
