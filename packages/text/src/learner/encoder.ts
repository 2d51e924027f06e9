// fastai's `save_encoder` / `load_encoder` and `match_embeds`: the AWD-LSTM of a language model moved into a
// classifier, its embedding remapped when the vocabs differ.
import * as tf from '@tensorflow/tfjs-core';
import { parseSafetensors, serializeSafetensors } from '@tfai/core/io';
import { type AnyModule, type StateDict } from '@tfai/core/nn';
import { atomicWrite } from '@tfai/core/internal';
import { readBytes } from '../data/read.js';
import { TextInputError } from '../errors.js';
import type { AWDLSTM } from '../models/awd-lstm.js';
import type { SentenceEncoder } from '../models/classifier.js';

/**
 * The AWD-LSTM of a language model (`model[0]`) or of a classifier (`model[0].module`), as fastai's
 * `get_model(model)[0]` (then `.module`).
 * @example
 * ```ts
 * encoderOf(lm) === encoderOf(lm); // the AWDLSTM, for saveEncoder / loadEncoder
 * ```
 */
export function encoderOf(model: AnyModule): AWDLSTM {
  const first = model.children()[0] as AnyModule | undefined;
  if (!first) throw new TextInputError('the model has no encoder (model[0])');
  const inner = (first as unknown as Partial<SentenceEncoder>).module;
  return (inner ?? first) as unknown as AWDLSTM;
}

/** The vocab of a token → id map as fastai's `Numericalize.o2i` (first occurrence, `xxfake` left out). */
function o2i(vocab: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  vocab.forEach((w, i) => {
    if (w !== 'xxfake' && !m.has(w)) m.set(w, i);
  });
  return m;
}

/**
 * fastai's `match_embeds`: rewrites the embedding (and a tied decoder's weight and bias, in a whole language
 * model's state dict) from `oldVocab`'s rows to `newVocab`'s: a word in both keeps its trained row, a new word gets
 * the mean row. Works on an encoder's state dict (`encoder.weight`, `encoder_dp.emb.weight`) or a language model's
 * (`0.encoder.weight`, `0.encoder_dp.emb.weight`, `1.decoder.weight`, `1.decoder.bias`). Returns a new state dict
 * (the remapped tensors are new; the others are the same objects).
 * @example
 * ```ts
 * const sd2 = matchEmbeds(sd, lmVocab, clasVocab);
 * sd2['encoder.weight'].shape; // [clasVocab.length, embSz]
 * ```
 */
export function matchEmbeds(sd: StateDict, oldVocab: readonly string[], newVocab: readonly string[]): StateDict {
  const pre = '0.encoder.weight' in sd ? '0.' : '';
  const wgts = sd[`${pre}encoder.weight`];
  if (!wgts)
    throw new TextInputError(
      `matchEmbeds: no "${pre}encoder.weight" in the weights (keys: ${Object.keys(sd).slice(0, 5).join(', ')}…)`,
    );
  if (wgts.shape[0] !== oldVocab.length)
    throw new TextInputError(
      `matchEmbeds: the embedding has ${wgts.shape[0]} rows but the old vocab ${oldVocab.length} tokens`,
    );
  const old = o2i(oldVocab);
  const nOld = oldVocab.length;
  const idx = Int32Array.from(newVocab, (w) => old.get(w) ?? nOld);
  const out: StateDict = { ...sd };
  const remap = (t: tf.Tensor) =>
    tf.tidy(() => tf.gather(tf.concat([t, tf.mean(t, 0, true)], 0), tf.tensor1d(idx, 'int32')));
  const newW = remap(wgts);
  out[`${pre}encoder.weight`] = newW;
  if (`${pre}encoder_dp.emb.weight` in sd) out[`${pre}encoder_dp.emb.weight`] = newW;
  if (pre && '1.decoder.weight' in sd) out['1.decoder.weight'] = newW;
  const bias = pre ? sd['1.decoder.bias'] : undefined;
  if (bias) out['1.decoder.bias'] = tf.tidy(() => remap(bias.reshape([-1, 1])).reshape([-1]));
  return out;
}

/**
 * Writes an AWD-LSTM's state dict atomically as safetensors, with the vocab in the metadata (fastai's
 * `save_encoder`, which saves the weights only).
 * @example
 * ```ts
 * await saveEncoderWeights(encoderOf(lm), vocab, 'models/fine_tuned_enc.safetensors');
 * ```
 */
export async function saveEncoderWeights(encoder: AWDLSTM, vocab: readonly string[], file: string): Promise<void> {
  const sd = encoder.stateDict();
  try {
    await atomicWrite(
      file,
      await serializeSafetensors(sd, {
        metadata: { format: 'tfai-encoder', arch: 'AWD_LSTM', vocab: JSON.stringify(vocab) },
      }),
    );
  } finally {
    tf.dispose(Object.values(sd));
  }
}

/**
 * Loads an encoder written by {@link saveEncoderWeights} into `encoder`, strictly (every key and shape must match).
 * When the file's vocab differs from `vocab`, the embedding is remapped first ({@link matchEmbeds}); a file without a
 * vocab must have the same number of rows.
 * @example
 * ```ts
 * await loadEncoderWeights(encoderOf(clas), clasVocab, 'models/fine_tuned_enc.safetensors');
 * ```
 */
export async function loadEncoderWeights(
  encoder: AWDLSTM,
  vocab: readonly string[],
  file: string,
): Promise<{
  /** True when the file's vocab differed from `vocab` and the embedding was remapped. */
  remapped: boolean;
  /** Tokens of `vocab` found in the file's vocab (all of them when not remapped). */
  matched: number;
}> {
  const bytes = await readBytes(file, 'the encoder');
  const { tensors, metadata } = parseSafetensors(bytes, file);
  let sd: StateDict = tensors;
  try {
    const oldVocab = metadata.vocab ? (JSON.parse(metadata.vocab) as string[]) : undefined;
    const same = !oldVocab || (oldVocab.length === vocab.length && oldVocab.every((w, i) => w === vocab[i]));
    let matched = vocab.length;
    if (!same) {
      sd = matchEmbeds(tensors, oldVocab, vocab);
      const old = o2i(oldVocab);
      matched = vocab.filter((w) => old.has(w)).length;
    } else if (!oldVocab && tensors['encoder.weight'] && tensors['encoder.weight'].shape[0] !== vocab.length) {
      throw new TextInputError(
        `${file}: the encoder's embedding has ${tensors['encoder.weight'].shape[0]} rows but the vocab ${vocab.length} tokens, and the file records no vocab to remap from`,
      );
    }
    try {
      encoder.loadStateDict(sd, { strict: true });
    } catch (e) {
      throw new TextInputError(`${file}: does not fit this encoder (${(e as Error).message})`);
    }
    return { remapped: !same, matched };
  } finally {
    tf.dispose([...new Set([...Object.values(tensors), ...Object.values(sd)])]);
  }
}
