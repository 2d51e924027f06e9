// fastai 2.7's ResizeToOrig (`fastai/vision/models/unet.py`) and ToTensorBase: the last layers of a DynamicUnet.
import * as tf from '@tensorflow/tfjs-core';
import { Module, OrigModule } from '@tfai/core/nn';

/**
 * fastai's `ResizeToOrig`: resizes `x` to the spatial size of the sequence's input with nearest-neighbour
 * interpolation (PyTorch's `F.interpolate(mode='nearest')`: source index `⌊i·in/out⌋`), when they differ.
 * @example
 * ```ts
 * new ResizeToOrig().call(tf.zeros([1, 96, 128, 8]), tf.zeros([1, 95, 127, 3])).shape; // [1, 95, 127, 8]
 * ```
 */
export class ResizeToOrig extends OrigModule {
  forward(x: tf.Tensor, orig: tf.Tensor): tf.Tensor {
    return resizeNearestLike(x, orig.shape[1]!, orig.shape[2]!);
  }
}

/** `F.interpolate(x, (h, w), mode='nearest')` on NHWC, or `x` itself when it already has that size. */
export function resizeNearestLike(x: tf.Tensor, h: number, w: number): tf.Tensor {
  if (x.shape[1] === h && x.shape[2] === w) return x;
  return tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [h, w], false, false);
}

/**
 * fastai's `ToTensorBase`: the identity here (fastai uses it to drop the tensor subclass of the input).
 */
export class ToTensorBase extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    return x;
  }
}
