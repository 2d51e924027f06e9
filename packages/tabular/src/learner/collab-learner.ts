// fastai 2.7's `collab_learner`: a dot-product model (EmbeddingDotBias.from_classes) or EmbeddingNN over the user
// and item vocabs, MSE loss, predictions on {user, item} objects.
import { mseLossFlat } from '@tfai/core';
import { checkOptionKeys, learnerOptionsOf } from '@tfai/core/internal';
import type { LearnerOptions } from '@tfai/core';
import { EmbeddingDotBias } from '../collab/embedding-dot-bias.js';
import { EmbeddingNN } from '../collab/embedding-nn.js';
import type { CollabDataLoaders } from '../collab/collab-dataloaders.js';
import { getEmbSz } from '../model/emb-sz.js';
import { TABULAR_CONFIG_KEYS, TabularLearner, type TabularConfig, type TabularLearnerArgs } from './tabular-learner.js';

/** Options of {@link collabLearner}: the Learner's, plus the model's (fastai's defaults). */
export interface CollabLearnerOptions extends Omit<LearnerOptions, 'builder'> {
  /** Latent factors of the dot-product model (default 50). */
  nFactors?: number;
  /** Use {@link EmbeddingNN} instead of {@link EmbeddingDotBias} (default false). */
  useNn?: boolean;
  /** Embedding size of the user and/or item column for EmbeddingNN (default `embSzRule`). */
  embSzs?: Record<string, number>;
  /** EmbeddingNN's hidden layers (default `[nFactors]`). */
  layers?: readonly number[];
  /** EmbeddingNN's other options (fastai's `tabular_config`). */
  config?: TabularConfig;
  /** Squash predictions into `[low, high]` (default none, as fastai; the book uses `[0, 5.5]` for 1–5 stars). */
  yRange?: readonly [number, number];
}

/**
 * fastai 2.7's `collab_learner`: `EmbeddingDotBias.fromClasses(nFactors, dls.classes, {yRange})` (or, with
 * `useNn`, an `EmbeddingNN` over `getEmbSz(dls)` with `layers` [nFactors]), loss `MSELossFlat`. The learner's
 * `predict({user, item})` gives the predicted rating; the dot-product model's `bias`/`weight`, with
 * `pca` and `mostSimilar`, interpret it as in the fastai book's chapter 8.
 * @example
 * ```ts
 * const dls = await CollabDataLoaders.fromCsv('ratings.csv', { userName: 'user', itemName: 'item', ratingName: 'rating' });
 * const learn = collabLearner(dls, { nFactors: 50, yRange: [0, 5.5] });
 * await learn.fitOneCycle(5, 5e-3, { wd: 0.1 });
 * const { decoded } = await learn.predict({ user: 1, item: 1002 });
 * learn.model.bias(['1002', '1050']); // item biases
 * ```
 */
export function collabLearner(
  dls: CollabDataLoaders,
  opts: CollabLearnerOptions & { useNn: true },
): TabularLearner<EmbeddingNN>;
export function collabLearner(
  dls: CollabDataLoaders,
  opts?: CollabLearnerOptions & { useNn?: false },
): TabularLearner<EmbeddingDotBias>;
export function collabLearner(
  dls: CollabDataLoaders,
  opts?: CollabLearnerOptions,
): TabularLearner<EmbeddingDotBias | EmbeddingNN>;
export function collabLearner(
  dls: CollabDataLoaders,
  opts: CollabLearnerOptions = {},
): TabularLearner<EmbeddingDotBias | EmbeddingNN> {
  const { nFactors = 50, useNn = false, embSzs, layers, config = {}, yRange, lossFunc, ...rest } = opts;
  const learnerOpts = learnerOptionsOf('collabLearner', rest, 'EmbeddingNN options go in `config: {...}`');
  checkOptionKeys('collabLearner', 'config', config, TABULAR_CONFIG_KEYS);
  const cfg: TabularConfig = yRange !== undefined ? { ...config, yRange } : config;
  let model: EmbeddingDotBias | EmbeddingNN;
  let spec: TabularLearnerArgs['model'];
  if (useNn) {
    const m = new EmbeddingNN(getEmbSz(dls, embSzs), layers ?? [nFactors], cfg);
    model = m;
    spec = { type: 'EmbeddingNN', config: m.config };
  } else {
    const m = EmbeddingDotBias.fromClasses(nFactors, dls.classes, { user: dls.userName, item: dls.itemName, yRange });
    model = m;
    spec = { type: 'EmbeddingDotBias', config: m.config };
  }
  try {
    const args: TabularLearnerArgs = { tabular: dls.tabular.toJSON(), model: spec };
    return new TabularLearner(dls, model, {
      ...learnerOpts,
      lossFunc: lossFunc ?? mseLossFlat(),
      builder: useNn && cfg.act ? undefined : { package: '@tfai/tabular', name: 'collabLearner', args },
    });
  } catch (e) {
    model.dispose(); // a learner that cannot be made keeps nothing it built
    throw e;
  }
}
