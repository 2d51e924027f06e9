// fastai 2.7's ResizeToOrig (`fastai/vision/models/unet.py`) and ToTensorBase: the last layers of a DynamicUnet.
import * as tf from '@tensorflow/tfjs-core';
import { Module, OrigModule } from '@tfai/core/nn';
import type { OnnxGraph, OnnxConverter, OnnxValue } from '@tfai/core/onnx';

/**
 * fastai's `ResizeToOrig`: resizes `x` to the spatial size of the sequence's input with nearest-neighbour
 * interpolation (PyTorch's `F.interpolate(mode='nearest')`: source index `⌊i·in/out⌋`), when they differ.
 * @example
 * ```ts
 * new ResizeToOrig().call(tf.zeros([1, 96, 128, 8]), tf.zeros([1, 95, 127, 3])).shape; // [1, 95, 127, 8]
 * ```
 */
export class ResizeToOrig extends OrigModule {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'ResizeToOrig';
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
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'ToTensorBase';
  forward(x: tf.Tensor): tf.Tensor {
    return x;
  }

  /** ONNX form: the identity. */
  static readonly onnx: OnnxConverter<ToTensorBase> = (_m, inputs) => inputs;
}

/**
 * {@link resizeNearestLike} as ONNX: `x` (NCHW) resized to the height and width of `like`, nearest neighbour
 * with PyTorch's coordinates (floor of dst·in/out); the identity where the sizes agree.
 * @example
 * ```ts
 * const up = resizeNearestLikeOnnx(ctx.graph, x, skip); // inside a converter
 * ```
 */
export function resizeNearestLikeOnnx(g: OnnxGraph, x: OnnxValue, like: OnnxValue): OnnxValue {
  const axes = (a: number, b: number) => [g.int64([a], 'start'), g.int64([b], 'end')];
  const nc = g.op('Slice', [g.op('Shape', [x.name]), ...axes(0, 2)]);
  const hw = g.op('Slice', [g.op('Shape', [like.name]), ...axes(2, 4)]);
  const sizes = g.op('Concat', [nc, hw], { axis: { i: 0 } });
  const attrs = {
    mode: { s: 'nearest' },
    coordinate_transformation_mode: { s: 'asymmetric' },
    nearest_mode: { s: 'floor' },
  };
  return { name: g.op('Resize', [x.name, '', '', sizes], attrs), rank: 4 };
}
