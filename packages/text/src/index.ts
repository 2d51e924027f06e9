// @tfai/text — public API: fastai.text for tfjs, grouped as fastai's modules. Explicit named exports only.

// ---- Tokenization ----
// fastai's rules and special tokens, word and subword tokenizers, tokenizing a corpus (cached under $TFAI_HOME).
export {
  UNK,
  PAD,
  BOS,
  EOS,
  FLD,
  TK_REP,
  TK_WREP,
  TK_UP,
  TK_MAJ,
  SPECIAL_TOKENS,
  fixHtml,
  replaceRep,
  replaceWrep,
  specAddSpaces,
  rmUselessSpaces,
  replaceAllCaps,
  replaceMaj,
  lowercase,
  lowercaseWithEos,
  replaceSpace,
  htmlUnescape,
  defaultRules,
  defaultPostRules,
  applyRules,
} from './tokenize/rules.js';
export type { TextRule } from './tokenize/rules.js';
export { WordTokenizer, BaseTokenizer } from './tokenize/word-tokenizer.js';
export type { Tokenizer } from './tokenize/word-tokenizer.js';
export { SubwordTokenizer } from './tokenize/subword.js';
export type { SubwordOptions, BatchTokenizer } from './tokenize/subword.js';
export { tokenize1, tokenizeTexts, countTokens } from './tokenize/tokenize.js';
export type { TokenizeOptions, TokenizeTextsOptions, TokenizedCorpus } from './tokenize/tokenize.js';

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
export { TextDataLoaders, capTokens, DEFAULT_MAX_TOKENS } from './data/text-dataloaders.js';
export type { TextDataLoadersOptions } from './data/text-dataloaders.js';
export { progressReporter } from './progress.js';
export type { ProgressOption } from './progress.js';

// ---- Models ----
// AWD-LSTM with its dropouts, the language model and the BPT3C classifier (fastai's configs and splitters).
export {
  AWDLSTM,
  RNNDropout,
  EmbeddingDropout,
  WeightDropout,
  awdLstmLmConfig,
  awdLstmClasConfig,
} from './models/awd-lstm.js';
export type { AWDLSTMOptions } from './models/awd-lstm.js';
export { SequentialRNN } from './models/sequential-rnn.js';
export { LinearDecoder, getLanguageModel, awdLstmLmSplit, scaleDropouts } from './models/language-model.js';
export type { LMConfig, LanguageModelOptions } from './models/language-model.js';
export {
  SentenceEncoder,
  maskedConcatPool,
  PoolingLinearClassifier,
  getTextClassifier,
  awdLstmClasSplit,
} from './models/classifier.js';
export type { ClasConfig, TextClassifierOptions } from './models/classifier.js';
export { textBatch, prepareTextBatch } from './models/text-batch.js';

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
