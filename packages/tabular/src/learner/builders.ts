// How `loadLearner` rebuilds learners exported from @tfai/tabular: the procs from their JSON (no CSV needed) and
// the model from its constructor arguments; core loads the weights afterwards.
import { ExportError, rebuiltLearnerOptions } from '@tfai/core/io';
import type { LearnerBuilder } from '@tfai/core/io';
import { CollabDataLoaders } from '../collab/collab-dataloaders.js';
import { EmbeddingDotBias } from '../collab/embedding-dot-bias.js';
import { EmbeddingNN } from '../collab/embedding-nn.js';
import { Tabular } from '../data/tabular.js';
import { TabularDataLoaders } from '../data/tabular-dataloaders.js';
import { TabularModel } from '../model/tabular-model.js';
import { TabularLearner, type TabularLearnerArgs } from './tabular-learner.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the shape of the builder arguments read from an export, naming what is wrong. */
function parseArgs(raw: unknown, name: string): TabularLearnerArgs {
  const bad = (what: string) =>
    new ExportError(`${name} export: ${what}; the export's JSON is corrupted or was written by another version`);
  if (!isObject(raw)) throw bad('builder.args is not an object');
  const { tabular, model } = raw;
  if (
    !isObject(tabular) ||
    !Array.isArray(tabular.procs) ||
    !Array.isArray(tabular.catNames) ||
    !Array.isArray(tabular.contNames) ||
    !Array.isArray(tabular.rawCatNames) ||
    !Array.isArray(tabular.rawContNames)
  )
    throw bad('builder.args.tabular (the preprocessing: column names and procs) is missing or incomplete');
  if (!isObject(model) || typeof model.type !== 'string' || !isObject(model.config))
    throw bad('builder.args.model (the model type and its config) is missing');
  if (!['TabularModel', 'EmbeddingNN', 'EmbeddingDotBias'].includes(model.type))
    throw bad(`unknown model type '${model.type}'`);
  return raw as unknown as TabularLearnerArgs;
}

/** Rebuilds an exported `tabularLearner` (random weights; `loadLearner` loads the exported ones). */
const buildTabularLearner: LearnerBuilder = (rawArgs, { description }) => {
  const args = parseArgs(rawArgs, 'tabularLearner');
  if (args.model.type !== 'TabularModel')
    throw new ExportError(`tabularLearner export: model type '${args.model.type}' is not a TabularModel`);
  let tabular: Tabular;
  try {
    tabular = Tabular.fromJSON(args.tabular);
  } catch (e) {
    throw new ExportError(`tabularLearner export: the procs cannot be rebuilt (${(e as Error).message})`);
  }
  const model = TabularModel.fromConfig(args.model.config);
  model.eval();
  return new TabularLearner(TabularDataLoaders.forInference(tabular), model, rebuiltLearnerOptions(description));
};

/** Rebuilds an exported `collabLearner`. */
const buildCollabLearner: LearnerBuilder = (rawArgs, { description }) => {
  const args = parseArgs(rawArgs, 'collabLearner');
  let tabular: Tabular;
  try {
    tabular = Tabular.fromJSON(args.tabular);
  } catch (e) {
    throw new ExportError(`collabLearner export: the user/item vocabs cannot be rebuilt (${(e as Error).message})`);
  }
  const dls = CollabDataLoaders.forInference(tabular);
  let model: EmbeddingDotBias | EmbeddingNN;
  if (args.model.type === 'EmbeddingDotBias') {
    const c = args.model.config;
    model = EmbeddingDotBias.fromClasses(c.nFactors, dls.classes, {
      user: dls.userName,
      item: dls.itemName,
      yRange: c.yRange ?? undefined,
    });
    if (model.nUsers !== c.nUsers || model.nItems !== c.nItems)
      throw new ExportError(
        `collabLearner export: the vocabs have ${model.nUsers} users and ${model.nItems} items, the model ${c.nUsers} and ${c.nItems}`,
      );
  } else if (args.model.type === 'EmbeddingNN') model = EmbeddingNN.fromConfig(args.model.config);
  else throw new ExportError(`collabLearner export: model type '${args.model.type}' is not a collab model`);
  model.eval();
  return new TabularLearner(dls, model, rebuiltLearnerOptions(description));
};

/**
 * How `loadLearner` rebuilds learners exported from this package, by builder name: the preprocessing comes from
 * the export's JSON, so `predict(row)` works without the training CSV.
 * @example
 * ```ts
 * await exportLearner(learn, 'models/credit');
 * const again = await loadLearner('models/credit.json', TabularLearner);
 * await again.predict({ Home: 'owner', Age: 30, ... });
 * ```
 */
export const learnerBuilders: Readonly<Record<string, LearnerBuilder>> = {
  tabularLearner: buildTabularLearner,
  collabLearner: buildCollabLearner,
};
