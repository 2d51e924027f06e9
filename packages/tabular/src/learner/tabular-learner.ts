// fastai 2.7's `tabular_learner` and `TabularLearner`: a TabularModel sized from the data, the loss from the target
// block, `predict` on a plain object of raw values, `showResults` as a printed table, and export.
import * as tf from '@tensorflow/tfjs-core';
import { bceWithLogitsLossFlat, crossEntropyLossFlat, Learner, mseLossFlat } from '@tfai/core';
import { ready } from '@tfai/core/backend';
import { checkOptionKeys, learnerOptionsOf, optionKeys, predictDecoded } from '@tfai/core/internal';
import type { DataLoader, LearnerModel, LearnerOptions, Loss, Prediction } from '@tfai/core';
import type { CollabDataLoaders } from '../collab/collab-dataloaders.js';
import type { RawValue } from '../data/dataframe.js';
import type { TabularDataLoaders } from '../data/tabular-dataloaders.js';
import type { TabularJSON } from '../data/tabular.js';
import { HighCardinalityError, TabularOptionsError } from '../errors.js';
import { getEmbSz } from '../model/emb-sz.js';
import { TabularModel, type TabularModelConfig, type TabularModelOptions } from '../model/tabular-model.js';
import { formatTable } from '@tfai/core';
import { decodeInputs, decodeTargets, tidyNumber, type DecodedRow } from './decode.js';

/** Loaders a {@link TabularLearner} predicts through: a table, or ratings for collaborative filtering. */
export type TabularLikeDataLoaders = TabularDataLoaders | CollabDataLoaders;

/** fastai's `tabular_config`: the TabularModel options other than `layers`. */
export type TabularConfig = Omit<TabularModelOptions, 'layers'>;

/** The keys of {@link TabularConfig}, for `config: {...}` from JavaScript (a misspelt one is an UnknownOptionError). */
export const TABULAR_CONFIG_KEYS = optionKeys<TabularConfig>()([
  'ps',
  'embedP',
  'yRange',
  'useBn',
  'bnFinal',
  'bnCont',
  'linFirst',
  'act',
]);

/**
 * fastai's `tabular_config(...)`: the model options with fastai's defaults filled in (`ps` none, `embedP` 0,
 * BatchNorm everywhere but after the last layer, on the continuous inputs, Linear first).
 * @example
 * ```ts
 * const learn = tabularLearner(dls, { config: tabularConfig({ ps: [0.001, 0.01], embedP: 0.04 }) });
 * ```
 */
export function tabularConfig(opts: TabularConfig = {}): TabularConfig {
  return { embedP: 0, useBn: true, bnFinal: false, bnCont: true, linFirst: true, ...opts };
}

/** {@link TabularLearner.predict}'s result: fastai's `(full_dec, dec_preds, preds)`. */
export interface TabularPrediction extends Prediction {
  /**
   * fastai's `full_dec`: the row as the model saw it, decoded (categories by name, `#na#` for a missing or unseen
   * one; continuous values filled and in their own units), with the prediction in the target column(s).
   */
  row: DecodedRow;
  /** Multi-label targets: the names of the predicted labels. */
  labels?: string[];
}

/** Options of {@link TabularLearner.showResults}. */
export interface TabularShowResultsOptions {
  /** Rows shown (default 10, as fastai). */
  maxN?: number;
  /** Loader to take the batch from (default the validation loader). */
  dl?: DataLoader<unknown>;
}

/** How an exported tabular or collab learner is rebuilt: the preprocessing and the model's constructor arguments. */
export interface TabularLearnerArgs {
  /** The fitted preprocessing: column roles, procs, target encoding. */
  tabular: TabularJSON;
  /** Which model class to rebuild, with its constructor arguments. */
  model:
    | {
        /** A {@link TabularModel}. */
        type: 'TabularModel';
        /** Its constructor arguments, defaults filled in. */
        config: TabularModelConfig;
      }
    | {
        /** A collab {@link EmbeddingNN}. */
        type: 'EmbeddingNN';
        /** Its constructor arguments as a TabularModel's (no continuous inputs, one output). */
        config: TabularModelConfig;
      }
    | {
        /** A collab {@link EmbeddingDotBias}. */
        type: 'EmbeddingDotBias';
        /** Its constructor arguments. */
        config: {
          /** Width of the user and item embeddings (fastai's `n_factors`). */
          nFactors: number;
          /** Number of users (rows of the user tables, `#na#` included). */
          nUsers: number;
          /** Number of items (rows of the item tables, `#na#` included). */
          nItems: number;
          /** `[low, high]` of the output's sigmoid squashing, or null for none (fastai's `y_range`). */
          yRange: [number, number] | null;
        };
      };
}

/**
 * A {@link Learner} on tables (and ratings): `predict` takes a plain object of raw values and returns the
 * decoded prediction, `predictRows` many at once, `showResults` prints a validation batch with its predictions.
 * @example
 * ```ts
 * const learn = tabularLearner(dls, { metrics: [accuracy()] });
 * await learn.fitOneCycle(3, 1e-2);
 * const { label, probs, row } = await learn.predict({ Home: 'owner', Age: 30, Income: null, ... });
 * ```
 */
export class TabularLearner<M extends LearnerModel = LearnerModel> extends Learner {
  /** The tabular or collab data the learner trains on (its preprocessing encodes `predict`'s rows). */
  declare readonly dls: TabularLikeDataLoaders;
  /** The model: a {@link TabularModel}, or an {@link EmbeddingDotBias} / {@link EmbeddingNN} for collab. */
  declare readonly model: M;

  constructor(dls: TabularLikeDataLoaders, model: M, opts: LearnerOptions = {}) {
    super(dls, model, opts);
  }

  /**
   * Predicts one row given as raw values (every categorical and continuous column as a key; `null` or an NA
   * string for a missing value): a missing number is filled with the training median (its `_na` flag set), an
   * unseen category becomes `#na#`. Classification gives the class index, `label` and probabilities;
   * regression the predicted value(s) in the target's own units (fastai does not normalise targets).
   * @example
   * ```ts
   * const p = await learn.predict({ Seniority: 9, Home: 'rent', Age: 30, Income: null, ... });
   * p.label; // 'good'
   * p.probs; // [0.21, 0.79]
   * ```
   */
  override async predict(row: Record<string, RawValue> | readonly RawValue[]): Promise<TabularPrediction> {
    const [p] = await this.predictRows([row]);
    return p;
  }

  /**
   * {@link predict} for many rows in one batch.
   * @example
   * ```ts
   * const preds = await learn.predictRows(rows);
   * ```
   */
  async predictRows(rows: readonly (Record<string, RawValue> | readonly RawValue[])[]): Promise<TabularPrediction[]> {
    await ready();
    const n = rows.length;
    if (n === 0) return [];
    const x = await this.dls.encodeItems([...rows]);
    try {
      const [{ probs, decoded }, xCat, xCont] = await Promise.all([
        predictDecoded(this, x),
        x[0].data(),
        x[1] ? x[1].data() : Promise.resolve(new Float32Array(0)),
      ]);
      return this.decodePredictions(probs, decoded, decodeInputs(this.dls.tabular, xCat, xCont, n), n);
    } finally {
      tf.dispose(x);
    }
  }

  private decodePredictions(probs: number[], dec: number[], inputs: DecodedRow[], n: number): TabularPrediction[] {
    const t = this.dls.tabular.targets;
    const nOut = probs.length / n;
    const nDec = dec.length / n;
    return inputs.map((row, i) => {
      const pr = probs.slice(i * nOut, (i + 1) * nOut);
      const d = dec.slice(i * nDec, (i + 1) * nDec);
      const decoded = d.length === 1 ? d[0] : d;
      if (t?.yBlock === 'category' && typeof decoded === 'number') {
        const label = t.vocab![decoded] ?? String(decoded);
        return { decoded, label, probs: pr, row: { ...row, [t.yNames[0]]: label } };
      }
      if (t?.yBlock === 'multiCategory') {
        const labels = t.yNames.filter((_, j) => d[j]);
        return {
          decoded: d,
          labels,
          probs: pr,
          row: { ...row, ...Object.fromEntries(t.yNames.map((y, j) => [y, d[j] ? 'True' : 'False'])) },
        };
      }
      const names = t?.yNames ?? [];
      return { decoded, probs: pr, row: { ...row, ...Object.fromEntries(names.map((y, j) => [y, tidyNumber(d[j])])) } };
    });
  }

  /**
   * fastai's `show_results`: the first `maxN` rows of a validation batch, decoded, with each target and its
   * prediction (`<target>_pred`), printed as a table through the learner's logger. Returns the rows.
   * @example
   * ```ts
   * learn.showResults({ maxN: 5 });
   * // Seniority  Home   ...  Status  Status_pred
   * // 9          rent   ...  good    good
   * ```
   */
  async showResults(opts: TabularShowResultsOptions = {}): Promise<DecodedRow[]> {
    await ready();
    const b = await (opts.dl ?? this.dls.valid).oneBatch();
    const bs = b.y.shape[0] ?? 0;
    const n = Math.min(opts.maxN ?? 10, bs);
    const x = b.x.map((t) => tf.tidy(() => tf.slice(t, 0, n)));
    try {
      const yT = tf.tidy(() => tf.slice(b.y, 0, n));
      const [{ probs, decoded }, xCat, xCont, y] = await Promise.all([
        predictDecoded(this, x),
        x[0].data(),
        x[1] ? x[1].data() : Promise.resolve(new Float32Array(0)),
        yT.data(),
      ]);
      yT.dispose();
      const inputs = decodeInputs(this.dls.tabular, xCat, xCont, n);
      const actual = decodeTargets(this.dls.tabular, y, n);
      const preds = this.decodePredictions(probs, decoded, inputs, n);
      const yNames = this.dls.tabular.yNames;
      const rows = inputs.map((r, i) => ({
        ...r,
        ...actual[i],
        ...Object.fromEntries(yNames.map((yn) => [`${yn}_pred`, preds[i].row[yn]])),
      }));
      const cols = [
        ...this.dls.tabular.catNames,
        ...this.dls.tabular.contNames,
        ...yNames,
        ...yNames.map((yn) => `${yn}_pred`),
      ];
      for (const line of formatTable(rows, cols)) this.logger(line);
      return rows;
    } finally {
      tf.dispose([...b.x, b.y, ...x]);
    }
  }
}

/** Options of {@link tabularLearner}: the Learner's, plus the model's. */
export interface TabularLearnerOptions extends Omit<LearnerOptions, 'builder'> {
  /** Hidden layer sizes (default [200, 100]). */
  layers?: readonly number[];
  /** Embedding size per categorical column, overriding {@link embSzRule} (fastai's `emb_szs` dict). */
  embSzs?: Record<string, number>;
  /** The other model options (fastai's `config = tabular_config(...)`). */
  config?: TabularConfig;
  /** Outputs; default `dls.c` (classes, or target columns). */
  nOut?: number;
  /** Squash the output into `[low, high]` with a SigmoidRange (also accepted in `config`). */
  yRange?: readonly [number, number];
  /**
   * Most distinct values (`#na#` included) a categorical column may have: more is a {@link HighCardinalityError}
   * naming the column, before any embedding table exists. Default {@link MAX_CARDINALITY}.
   */
  maxCardinality?: number;
}

/** Default {@link TabularLearnerOptions.maxCardinality}: far above a real category, far below an ID column of a big table. */
export const MAX_CARDINALITY = 100_000;

/**
 * fastai's default loss of the target block: cross-entropy for a class, MSE for numbers, BCE for multi-label.
 * @example
 * ```ts
 * defaultTabularLoss(dls)?.spec.name; // 'CrossEntropyLossFlat' when the target is a class
 * ```
 */
export function defaultTabularLoss(dls: TabularLikeDataLoaders): Loss | undefined {
  const block = dls.tabular.targets?.yBlock;
  return block === 'category'
    ? crossEntropyLossFlat()
    : block === 'regression'
      ? mseLossFlat()
      : block === 'multiCategory'
        ? bceWithLogitsLossFlat()
        : undefined;
}

/**
 * fastai 2.7's `tabular_learner`: a {@link TabularModel} with an embedding per categorical column (sizes from
 * {@link getEmbSz}: `#na#` counted, `embSzRule` unless given), `layers` [200, 100], `dls.c` outputs and the
 * loss of the target block (`CrossEntropyLossFlat` for a class, `MSELossFlat` for regression,
 * `BCEWithLogitsLossFlat` for multi-label); `yRange` adds a SigmoidRange. Exportable unless `config.act` is set.
 * @example
 * ```ts
 * const dls = await TabularDataLoaders.fromCsv('credit_data.csv', { yNames: ['Status'], catNames: ['Home', 'Marital', 'Records', 'Job'], contNames: [...] });
 * const learn = tabularLearner(dls, { metrics: [accuracy()] });
 * await learn.fitOneCycle(4, 1e-2);
 * learn.showResults();
 * ```
 */
export function tabularLearner(
  dls: TabularDataLoaders,
  opts: TabularLearnerOptions = {},
): TabularLearner<TabularModel> {
  const {
    layers = [200, 100],
    embSzs,
    config = {},
    nOut: nOutOpt,
    yRange,
    lossFunc,
    maxCardinality = MAX_CARDINALITY,
    ...rest
  } = opts;
  const learnerOpts = learnerOptionsOf('tabularLearner', rest, 'model options go in `config: {...}`');
  checkOptionKeys('tabularLearner', 'config', config, TABULAR_CONFIG_KEYS);
  for (const n of dls.catNames) {
    const count = dls.classes[n]?.length ?? 0;
    if (count > maxCardinality) throw new HighCardinalityError(n, count, maxCardinality);
  }
  const nOut = nOutOpt ?? dls.c;
  if (!nOut)
    throw new TabularOptionsError(
      'tabularLearner: nOut is not defined and could not be inferred from the data (no targets); pass nOut',
    );
  const model = new TabularModel(getEmbSz(dls, embSzs), dls.contNames.length, nOut, {
    ...config,
    layers,
    yRange: yRange ?? config.yRange,
  });
  try {
    const tabular = dls.tabular.toJSON();
    const args: TabularLearnerArgs = { tabular, model: { type: 'TabularModel', config: model.config } };
    return new TabularLearner(dls, model, {
      ...learnerOpts,
      lossFunc: lossFunc ?? defaultTabularLoss(dls),
      builder: config.act ? undefined : { package: '@tfai/tabular', name: 'tabularLearner', args },
    });
  } catch (e) {
    model.dispose(); // a learner that cannot be made keeps nothing it built
    throw e;
  }
}
