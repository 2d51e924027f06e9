import * as tf from '@tensorflow/tfjs-core';

/**
 * PyTorch's `tensor.detach()`: a new tensor with the same data (no copy) that the gradient tape does not link to
 * `t`, so no gradient flows back through it. `tf.clone` is recorded on the tape (it is an op); this is not. Dispose
 * it as any tensor (it holds a reference to the shared data).
 * @example
 * ```ts
 * const g = tf.grad((x: tf.Tensor) => tf.add(tf.mul(x, x), detach(tf.mul(x, 3))))(tf.scalar(2)); // 4, not 7
 * ```
 */
export function detach<T extends tf.Tensor>(t: T): T {
  const engine = tf.engine();
  const out = engine.makeTensorFromTensorInfo({ dataId: t.dataId, shape: t.shape, dtype: t.dtype }) as T;
  // One more reference to the shared data in the backend, released when `out` is disposed.
  engine.backend.incRef(t.dataId);
  return out;
}
