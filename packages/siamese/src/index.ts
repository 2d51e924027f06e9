// @tfai/siamese — public API. Explicit exports only.

// The book's model: one encoder on both images, features concatenated, a classifier head.
export { SiameseModel, createSiameseModel } from './model.js';
export type { CreateSiameseModelOptions } from './model.js';
export { siameseSplitter } from './splitter.js';
// Pairs of images: from a folder of classes or a pairs CSV.
export { SiameseDataLoaders, SIAMESE_VOCAB } from './data/siamese-dataloaders.js';
export type { SiameseDataLoadersOptions, FromFolderOptions, FromCsvOptions, TrainPairs, SiameseDataJSON } from './data/siamese-dataloaders.js';
export { drawPairs, PairSampler } from './data/pairs.js';
export type { ImagePair, LabelledImage } from './data/pairs.js';
export { readPairsCsv } from './data/pairs-csv.js';
export type { PairRow, ReadPairsCsvOptions } from './data/pairs-csv.js';
export { PairDataset, PairDataLoader, collatePairs } from './data/pair-dataset.js';
export type { PairSample, PairDataLoaderOptions, SourcePair } from './data/pair-dataset.js';
// The learner.
export { siameseLearner, SiameseLearner, learnerBuilders } from './learner.js';
export type { SiameseLearnerOptions, SiamesePrediction } from './learner.js';
export type { SiameseShowOptions } from './show-options.js';
export { SiameseInputError, SiameseDataError } from './errors.js';
