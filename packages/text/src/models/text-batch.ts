// The token ids of a text batch, kept on the host beside its tensor, so that SentenceEncoder knows each chunk's
// batch size without reading the tensor back (webgpu in Node has no synchronous read; on every backend a read
// would stall the queue once per forward).
import * as tf from '@tensorflow/tfjs-core';
import { TextInputError } from '../errors.js';

const hostIds = new WeakMap<tf.Tensor, Int32Array>();

/**
 * An int32 `[bs, seqLen]` tensor of token ids that remembers its values on the host, for {@link SentenceEncoder}.
 * The text DataLoaders make their batches with it; make yours with it too (or `await prepareTextBatch(x)`).
 * @example
 * ```ts
 * const x = textBatch(Int32Array.of(1, 1, 5, 6, 7, 8), 2, 3); // [[1, 1, 5], [6, 7, 8]]
 * ```
 */
export function textBatch(ids: Int32Array, bs: number, seqLen: number): tf.Tensor2D {
  if (ids.length !== bs * seqLen) throw new TextInputError(`textBatch: ${ids.length} ids are not ${bs}×${seqLen}`);
  const x = tf.tensor2d(ids, [bs, seqLen], 'int32');
  hostIds.set(x, ids);
  return x;
}

/**
 * Reads a batch tensor's ids once (awaited) and remembers them, for a tensor not made by `textBatch`.
 * @example
 * ```ts
 * await prepareTextBatch(x);
 * const logits = classifier.call(x);
 * ```
 */
export async function prepareTextBatch(x: tf.Tensor): Promise<void> {
  if (x.rank !== 2)
    throw new TextInputError(`prepareTextBatch: a batch of token ids is [bs, seqLen], got [${x.shape.join(', ')}]`);
  if (!hostIds.has(x)) hostIds.set(x, Int32Array.from(await x.data()));
}

/**
 * fastai's `real_bs` of each chunk: how many rows have a token (not `padIdx`) at each chunk's first position
 * `starts[k]`, from the host copy of the ids; throws when the batch has none.
 */
export function chunkBatchSizes(x: tf.Tensor, starts: readonly number[], padIdx: number): number[] {
  const ids = hostIds.get(x);
  if (!ids) {
    throw new TextInputError(
      'SentenceEncoder: the token ids of this batch are not known on the host; make the batch with textBatch() ' +
        '(as the text DataLoaders do) or call `await prepareTextBatch(x)` before the forward',
    );
  }
  const [bs, sl] = x.shape as [number, number];
  return starts.map((i) => {
    let n = 0;
    for (let r = 0; r < bs; r++) if (ids[r * sl + i] !== padIdx) n++;
    return n;
  });
}
