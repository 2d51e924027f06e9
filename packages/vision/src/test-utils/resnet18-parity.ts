// The ResNet-18 parity measure resnet.test.ts and torch-pth.test.ts share.
import * as tf from '@tensorflow/tfjs-core';
import type { StateDictInput } from '@tfai/core/nn';
import { relError } from '@tfai/test-utils';
import { createBody } from '../models/create-body.js';
import { resnet18, type ResNet } from '../models/resnet.js';

/**
 * Loads `weights` (strictly) into a ResNet-18 in eval mode and measures its logits and its cut body (`cut: -2`)
 * against torchvision's recorded outputs `io` (`resnet18_io.safetensors`: `input_nhwc`, `logits`,
 * `body_output_nhwc`), as relative errors.
 * @example
 * ```ts
 * const { model, logitsErr, bodyErr } = resnet18Parity(weights, io);
 * expect(logitsErr).toBeLessThan(1e-4);
 * ```
 */
export function resnet18Parity(
  weights: StateDictInput,
  io: Record<string, tf.Tensor>,
): { model: ResNet; logitsErr: number; bodyErr: number } {
  const model = resnet18();
  model.loadStateDict(weights, { strict: true });
  model.eval();
  const logitsErr = tf.tidy(() => relError(model.call(io.input_nhwc), io.logits));
  const body = createBody(model, { cut: -2 });
  const bodyErr = tf.tidy(() => relError(body.call(io.input_nhwc), io.body_output_nhwc));
  return { model, logitsErr, bodyErr };
}
