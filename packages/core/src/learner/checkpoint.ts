// Checkpoints of a Learner: the model's weights (and optimizer state) in `<path>/<modelDir>/<name>.safetensors`.
import { mkdir } from '#platform/fs';
import { dirname, join } from '#platform/path';
import * as tf from '@tensorflow/tfjs-core';
import { loadSafetensors, saveSafetensors } from '../io/safetensors.js';
import type { Hypers } from '../optim/optimizer.js';
import type { Learner } from './learner.js';

/**
 * The file of checkpoint `name`: `<learn.path>/<learn.modelDir>/<name>.safetensors` (what `learn.save` writes, and
 * where text's `saveEncoder` puts an encoder).
 * @example
 * ```ts
 * weightsFile(learn, 'stage-1'); // 'models/stage-1.safetensors'
 * ```
 */
export function weightsFile(learn: Pick<Learner, 'path' | 'modelDir'>, name: string): string {
  return join(learn.path, learn.modelDir, `${name}.safetensors`);
}

/**
 * `learn.save`: the model's state dict (and the optimizer's state, `withOpt`, default true) to
 * {@link weightsFile}, atomically. Returns the file.
 * @example
 * ```ts
 * await saveCheckpoint(learn, 'stage-1');
 * ```
 */
export async function saveCheckpoint(learn: Learner, name: string, opts: { withOpt?: boolean } = {}): Promise<string> {
  const file = weightsFile(learn, name);
  await mkdir(dirname(file), { recursive: true });
  const sd = learn.model.stateDict();
  const tensors: Record<string, tf.Tensor> = { ...sd };
  const metadata: Record<string, string> = { format: 'tfai-weights' };
  let optState: { hypers: Hypers[]; state: Record<string, tf.Tensor> } | undefined;
  if ((opts.withOpt ?? true) && learn.opt) {
    optState = learn.opt.stateDict();
    for (const [k, t] of Object.entries(optState.state)) tensors[`__opt__.${k}`] = t;
    metadata.opt_hypers = JSON.stringify(optState.hypers);
  }
  try {
    await saveSafetensors(file, tensors, {
      metadata,
      int64: Object.keys(sd).filter((k) => k.endsWith('num_batches_tracked')),
    });
  } finally {
    tf.dispose(Object.values(sd));
    if (optState) tf.dispose(Object.values(optState.state));
  }
  return file;
}

/**
 * `learn.load`: weights (and the optimizer's state, if saved and `withOpt`) written by {@link saveCheckpoint};
 * `strict` (default true) refuses missing or unexpected keys.
 * @example
 * ```ts
 * await loadCheckpoint(learn, 'stage-1', { withOpt: false });
 * ```
 */
export async function loadCheckpoint(
  learn: Learner,
  name: string,
  opts: { withOpt?: boolean; strict?: boolean } = {},
): Promise<void> {
  const { tensors, metadata } = await loadSafetensors(weightsFile(learn, name));
  try {
    const model: Record<string, tf.Tensor> = {};
    const optState: Record<string, tf.Tensor> = {};
    for (const [k, t] of Object.entries(tensors)) {
      if (k.startsWith('__opt__.')) optState[k.slice(8)] = t;
      else model[k] = t;
    }
    learn.model.loadStateDict(model, { strict: opts.strict ?? true });
    if ((opts.withOpt ?? true) && metadata.opt_hypers) {
      const opt = learn.ensureOptimizer();
      await opt.loadStateDict({ hypers: JSON.parse(metadata.opt_hypers) as Hypers[], state: optState });
    }
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
