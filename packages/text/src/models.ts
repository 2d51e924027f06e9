// @tfai/text/models — fastai's text/models: AWD-LSTM with its dropouts, the language model and the BPT3C
// classifier (fastai's configs and splitters), and the batches they read.

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
export { LinearDecoder, TiedLinear, getLanguageModel, awdLstmLmSplit, scaleDropouts } from './models/language-model.js';
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
