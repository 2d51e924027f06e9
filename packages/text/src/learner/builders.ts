// How `loadLearner` rebuilds learners exported from @tfai/text: vocab, classes and model config from the JSON.
import { ExportError, rebuiltLearnerOptions } from '@tfai/core/io';
import type { LearnerBuilder } from '@tfai/core/io';
import { TextDataLoaders } from '../data/text-dataloaders.js';
import { AWDLSTM } from '../models/awd-lstm.js';
import { getTextClassifier } from '../models/classifier.js';
import { getLanguageModel } from '../models/language-model.js';
import { LMLearner, TextLearner, type TextLearnerArgs } from './text-learner.js';

function parseArgs(raw: unknown, kind: TextLearnerArgs['kind']): TextLearnerArgs {
  const bad = (what: string) =>
    new ExportError(`${kind} export: ${what}; the export's JSON is corrupted or was written by another version`);
  if (typeof raw !== 'object' || raw === null) throw bad('builder.args is not an object');
  const a = raw as Partial<TextLearnerArgs>;
  if (a.kind !== kind) throw bad(`builder.args.kind is '${String(a.kind)}'`);
  if (a.arch !== 'AWD_LSTM') throw bad(`unknown architecture '${String(a.arch)}'`);
  if (!Array.isArray(a.textVocab) || !a.textVocab.length) throw bad('builder.args.textVocab is missing');
  if (typeof a.config !== 'object' || a.config === null) throw bad('builder.args.config is missing');
  if (typeof a.seqLen !== 'number') throw bad('builder.args.seqLen is missing');
  if (kind === 'textClassifier' && !Array.isArray(a.classes)) throw bad('builder.args.classes is missing');
  return a as TextLearnerArgs;
}

const buildLanguageModelLearner: LearnerBuilder = (raw, { description }) => {
  const a = parseArgs(raw, 'languageModel');
  const dls = TextDataLoaders.forInference(a.textVocab, { isLm: true, seqLen: a.seqLen });
  const model = getLanguageModel(AWDLSTM, a.textVocab.length, { config: a.config });
  model.eval();
  return new LMLearner(dls, model, rebuiltLearnerOptions(description));
};

const buildTextClassifierLearner: LearnerBuilder = (raw, { description }) => {
  const a = parseArgs(raw, 'textClassifier');
  const dls = TextDataLoaders.forInference(a.textVocab, { classes: a.classes, seqLen: a.seqLen });
  const model = getTextClassifier(AWDLSTM, a.textVocab.length, a.classes!.length, {
    seqLen: a.seqLen,
    config: a.config,
    linFtrs: a.linFtrs,
    ps: a.ps,
    maxLen: a.maxLen,
    yRange: a.yRange,
  });
  model.eval();
  return new TextLearner(dls, model, rebuiltLearnerOptions(description));
};

/**
 * How `loadLearner` rebuilds learners exported from this package, by builder name: the vocab and classes come from
 * the export's JSON, so `predict(text)` works without the training data.
 * @example
 * ```ts
 * await exportLearner(learn, 'models/reviews');
 * const again = await loadLearner('models/reviews.json', TextLearner);
 * await again.predict('Great coffee.');
 * ```
 */
export const learnerBuilders: Readonly<Record<string, LearnerBuilder>> = {
  languageModelLearner: buildLanguageModelLearner,
  textClassifierLearner: buildTextClassifierLearner,
};
