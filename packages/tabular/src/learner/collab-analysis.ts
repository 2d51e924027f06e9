// The fastai book's chapter-8 look at a trained dot-product model: items ranked by bias, and the items whose
// latent factors are closest (cosine similarity) to a given one.
import * as tf from '@tensorflow/tfjs-core';
import { NA_CLASS } from '../procs/categorify.js';
import type { EmbeddingDotBias } from '../collab/embedding-dot-bias.js';

/** A named item (or user) with a score. */
export interface Scored {
  /** The user's or item's name, from the column's vocab. */
  name: string;
  /** Its score: a bias, or a coordinate on a principal component of the factors. */
  score: number;
}

/** Vocab of the item (or user) column, from a model built by `EmbeddingDotBias.fromClasses`. */
function vocabOf(model: EmbeddingDotBias, isItem: boolean): readonly string[] {
  const col = isItem ? model.item : model.user;
  const vocab = col !== undefined ? model.classes?.[col] : undefined;
  if (!vocab)
    throw new RangeError(
      'build the model with EmbeddingDotBias.fromClasses (collabLearner does) to name its users and items',
    );
  return vocab;
}

/**
 * Items (or users) sorted by learned bias, `#na#` left out: the `k` highest (default) or lowest, as the book's
 * `movie_bias.argsort(descending=True)[:5]`.
 * @example
 * ```ts
 * await topBiases(learn.model, { k: 5 });                 // best-liked lecturers whoever rates them
 * await topBiases(learn.model, { k: 5, lowest: true });
 * ```
 */
export async function topBiases(
  model: EmbeddingDotBias,
  opts: { k?: number; isItem?: boolean; lowest?: boolean } = {},
): Promise<Scored[]> {
  const isItem = opts.isItem ?? true;
  const vocab = vocabOf(model, isItem);
  const b = await (isItem ? model.iBias : model.uBias).weight.variable.data();
  const idx = vocab.map((_, i) => i).filter((i) => vocab[i] !== NA_CLASS);
  idx.sort((i, j) => (opts.lowest ? b[i] - b[j] : b[j] - b[i]));
  return idx.slice(0, opts.k ?? 5).map((i) => ({ name: vocab[i], score: b[i] }));
}

/**
 * The `k` items (or users) whose latent factors have the highest cosine similarity with `name`'s (itself and
 * `#na#` left out), as the book's `nn.CosineSimilarity(dim=1)(movie_factors, movie_factors[idx][None])`.
 * @example
 * ```ts
 * await mostSimilar(learn.model, '1002', { k: 3 }); // [{ name: '877', score: 0.81 }, …]
 * ```
 */
export async function mostSimilar(
  model: EmbeddingDotBias,
  name: string | number,
  opts: { k?: number; isItem?: boolean } = {},
): Promise<Scored[]> {
  const isItem = opts.isItem ?? true;
  const vocab = vocabOf(model, isItem);
  const [target] = model.getIdx([name], isItem);
  const w = (isItem ? model.iWeight : model.uWeight).weight.variable;
  const sims = tf.tidy(() => {
    const unit = tf.div(w, tf.maximum(tf.norm(w, 'euclidean', 1, true), 1e-8));
    return tf.matMul(unit, tf.slice(unit, [target, 0], [1, -1]), false, true).reshape([-1]);
  });
  const s = await sims.data();
  sims.dispose();
  const idx = vocab.map((_, i) => i).filter((i) => i !== target && vocab[i] !== NA_CLASS);
  idx.sort((i, j) => s[j] - s[i]);
  return idx.slice(0, opts.k ?? 5).map((i) => ({ name: vocab[i], score: s[i] }));
}
