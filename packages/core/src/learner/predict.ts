// Prediction of a Learner outside the loop: one batch of encoded inputs decoded (`predictDecoded`, which every
// domain learner's predict/showResults uses), one raw item (`predictItem`), and test-time augmentation (`tta`).
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../backend/backend.js';
import { TfaiError } from '../errors.js';
import type { Learner } from './learner.js';
import type { Prediction, TtaOptions } from './learner-options.js';

/** The values of {@link predictDecoded}: flat, row-major, with their shapes. */
export interface DecodedBatch {
  /** Activated outputs (probabilities for classification), `probsShape`. */
  probs: number[];
  probsShape: number[];
  /** `lossFunc.decodes(probs)`: class indices, thresholded labels or values, `decodedShape`. */
  decoded: number[];
  decodedShape: number[];
}

/**
 * A batch of inputs already encoded as tensors through the model in eval mode, activated and decoded by the loss,
 * read without blocking (`await data()`); the tensors made are freed (the inputs are the caller's).
 * @example
 * ```ts
 * const x = await learn.dls.encodeItems(['a.png', 'b.png']);
 * const { decoded, probs } = await predictDecoded(learn, x);
 * tf.dispose(x);
 * ```
 */
export async function predictDecoded(
  learn: Pick<Learner, 'predictBatch' | 'lossFunc'>,
  x: tf.Tensor[],
): Promise<DecodedBatch> {
  const probsT = learn.predictBatch(x);
  let decT: tf.Tensor | undefined;
  try {
    decT = tf.tidy(() => learn.lossFunc.decodes(probsT));
    const [probs, decoded] = await Promise.all([probsT.data(), decT.data()]);
    return {
      probs: Array.from(probs),
      probsShape: probsT.shape,
      decoded: Array.from(decoded, Number),
      decodedShape: decT.shape,
    };
  } finally {
    tf.dispose([probsT, ...(decT ? [decT] : [])]);
  }
}

/**
 * `learn.predict`: one raw item (an image path, a row, a text…) through the data's own encoding, decoded, with the
 * class name when the data has a vocab.
 * @example
 * ```ts
 * const { label, probs } = await predictItem(learn, 'cat.png');
 * ```
 */
export async function predictItem(learn: Learner, item: unknown): Promise<Prediction> {
  await ready();
  const x = await learn.dls.encodeItems([item]);
  let out: DecodedBatch;
  try {
    out = await predictDecoded(learn, x);
  } finally {
    tf.dispose(x);
  }
  const dec = out.decoded.length === 1 ? out.decoded[0] : out.decoded;
  const label = typeof dec === 'number' && learn.dls.vocab && Number.isInteger(dec) ? learn.dls.vocab[dec] : undefined;
  return { decoded: dec, label, probs: out.probs };
}

/**
 * `learn.tta` (fastai's): predictions over `dl` (default the validation set) with the training augmentation, `n`
 * times, averaged (or their maximum, `useMax`), then `lerp(augPreds, preds, beta)`; with `useMax`, the elementwise
 * maximum of both. Returns activated predictions and targets; the caller disposes both.
 * @example
 * ```ts
 * const { preds, targets } = await tta(learn, { n: 4, beta: 0.25 });
 * ```
 */
export async function tta(learn: Learner, opts: TtaOptions = {}): Promise<{ preds: tf.Tensor; targets: tf.Tensor }> {
  const dl = opts.dl ?? learn.dls.valid;
  const n = opts.n ?? 4;
  const beta = opts.beta ?? 0.25;
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`tta: n must be a positive integer, got ${n}`);
  const aug = dl.withTrainAugmentation();
  if (!aug)
    throw new TfaiError(
      `tta: the loader (${dl.constructor.name}) has no training augmentation to apply (withTrainAugmentation)`,
    );
  const passes: tf.Tensor[] = [];
  let augPreds: tf.Tensor | undefined;
  try {
    for (let i = 0; i < n; i++) {
      const { preds, targets } = await learn.getPreds(aug);
      targets.dispose();
      passes.push(preds);
    }
    const stacked = passes.splice(0);
    augPreds = tf.tidy(() => (opts.useMax ? tf.max(tf.stack(stacked), 0) : tf.mean(tf.stack(stacked), 0)));
    tf.dispose(stacked);
    const { preds, targets } = await learn.getPreds(dl);
    const a = augPreds;
    const out = tf.tidy(() => (opts.useMax ? tf.maximum(preds, a) : tf.add(a, tf.mul(beta, tf.sub(preds, a)))));
    preds.dispose();
    return { preds: out, targets };
  } finally {
    tf.dispose(passes);
    augPreds?.dispose();
  }
}
