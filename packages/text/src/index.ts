// @tfai/text — fastai.text for tfjs: reading texts, the vocabulary and the LM and classifier loaders, the ULMFiT
// learners. Explicit named exports only. Subpaths by concern: `@tfai/text/tokenize` (fastai's rules, word and
// subword tokenizers, tokenizing a corpus), `@tfai/text/models` (AWD-LSTM, the language model and classifier).
//
// Node-only: reading files (`readTextFile`, `readTextTable`, `getTextFiles`, `TextDataLoaders.fromFolder`/`fromCsv`), the token
// cache under $TFAI_HOME, and the WT103 download and encoder files.

// ---- Data ----
// Reading texts, the vocabulary, the LM and sorted classifier loaders, and TextDataLoaders' factories.
export { readTextFile, readTextTable, decodeUtf8, column } from './data/read.js';
export type { TextTable } from './data/read.js';
export { makeVocab, Numericalize } from './data/numericalize.js';
export type { MakeVocabOptions } from './data/numericalize.js';
export { LMDataLoader } from './data/lm-dataloader.js';
export type { LMDataLoaderOptions } from './data/lm-dataloader.js';
export { SortedDL, sortedOrder, sortishOrder, collateText } from './data/sorted-dl.js';
export type { TextItem, SortedDLOptions } from './data/sorted-dl.js';
export { padChunk, padInputChunk } from './data/pad-chunk.js';
export type { PadChunkOptions } from './data/pad-chunk.js';
export { TextDataLoaders, capTokens, DEFAULT_MAX_TOKENS, truncateWords } from './data/text-dataloaders.js';
export type { TextDataLoadersOptions, TextShowOptions } from './data/text-dataloaders.js';
export { TextBlock } from './data/text-block.js';
export type { TextBlockOptions, TextBlockLoadersOptions } from './data/text-block.js';
export { getTextFiles } from './data/items.js';
export type { GetTextFilesOptions } from './data/items.js';
export { progressReporter } from './progress.js';
export type { ProgressOption } from './progress.js';

// ---- Learners ----
// languageModelLearner and textClassifierLearner, their callbacks, decoding, encoders and WT103 weights.
export { TextLearner, LMLearner, languageModelLearner, textClassifierLearner } from './learner/text-learner.js';
export type {
  TextLearnerOptions,
  TextLearnerArgs,
  LMPredictOptions,
  LMPrediction,
  LanguageModelLearnerOptions,
  PretrainedLanguageModelLearnerOptions,
  TextClassifierLearnerOptions,
} from './learner/text-learner.js';
export { ModelResetter, RNNRegularizer, rnnCbs } from './learner/callbacks.js';
export { decodeSpecTokens, detokenize } from './learner/decode.js';
export { matchEmbeds, encoderOf, saveEncoderWeights, loadEncoderWeights } from './learner/encoder.js';
export { loadPretrainedLm, wt103Files, wt103Url, cleanRawKeys } from './learner/pretrained.js';
export type { LoadPretrainedResult } from './learner/pretrained.js';
export { learnerBuilders } from './learner/builders.js';

// ---- Errors ----
// Typed errors naming the file, row or token.
export { TextDecodeError, TextInputError } from './errors.js';

// ---- The names a fastai user reaches for first (DESIGN.md §7), also in @tfai/text/models: the same objects ----
export { AWDLSTM } from './models/awd-lstm.js';
export { getLanguageModel } from './models/language-model.js';
export { SentenceEncoder, PoolingLinearClassifier, getTextClassifier } from './models/classifier.js';

// ---- Registration ----
// Importing this package lets core's `loadLearner` rebuild its learners, in a page too (where an export cannot import
// a package by name); `sideEffects` in package.json lists this file so that bundlers keep `import '@tfai/text'`.
import { registerLearnerBuilders } from '@tfai/core/io';
import { learnerBuilders as builders } from './learner/builders.js';
registerLearnerBuilders('@tfai/text', builders);
