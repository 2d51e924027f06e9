// @tfai/text — public API. Explicit exports only.
export { AWDLSTM, RNNDropout, EmbeddingDropout, WeightDropout, awdLstmLmConfig, awdLstmClasConfig } from './models/awd-lstm.js';
export type { AWDLSTMOptions } from './models/awd-lstm.js';
export { SequentialRNN } from './models/sequential-rnn.js';
export { LinearDecoder, getLanguageModel, awdLstmLmSplit, scaleDropouts, paramsOf } from './models/language-model.js';
export type { LMConfig, LanguageModelOptions } from './models/language-model.js';
export { SentenceEncoder, maskedConcatPool, LinBnDrop, PoolingLinearClassifier, getTextClassifier, awdLstmClasSplit } from './models/classifier.js';
export type { ClasConfig, TextClassifierOptions } from './models/classifier.js';
export { padChunk, padInputChunk } from './data/pad-chunk.js';
export type { PadChunkOptions } from './data/pad-chunk.js';
