// fastai's create_head parity case, shared by create-head.test.ts and models.webgpu.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import type { Sequential } from '@tfai/core/nn';
import { nchwToNhwc, readFixture, toStateDict, toTensor, type FixtureTensor } from '@tfai/test-utils';
import { createHead } from '../models/create-head.js';

/**
 * `create_head(8, 3, lin_ftrs=[6])` with fastai's state dict loaded (strictly) and in eval mode, and the fixture's
 * input (NHWC) and fastai's eval output (`parity_create_head.json`). The caller disposes `tensors` and `head`.
 * @example
 * ```ts
 * const { head, input, output, tensors } = createHeadParity();
 * const err = tf.tidy(() => relError(head.call(input), output));
 * ```
 */
export function createHeadParity(): { head: Sequential; input: tf.Tensor; output: tf.Tensor; tensors: tf.Tensor[] } {
  const fx = readFixture<{ input: FixtureTensor; output: FixtureTensor; state_dict: Record<string, FixtureTensor> }>(
    'parity_create_head.json',
  );
  const head = createHead(8, 3, { linFtrs: [6] });
  const sd = toStateDict(fx.state_dict);
  head.loadStateDict(sd, { strict: true });
  head.eval();
  const input = tf.tidy(() => nchwToNhwc(toTensor(fx.input)));
  const output = toTensor(fx.output);
  return { head, input, output, tensors: [input, output, ...Object.values(sd)] };
}
