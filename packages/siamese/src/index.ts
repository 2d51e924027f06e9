// @tfai/siamese — public API: the Siamese model of fastai's book (chapter 11). Explicit named exports only.

// ---- Model ----
// One encoder on both images, features concatenated, a classifier head (`head: {...}`), and its splitter.
export { SiameseModel, createSiameseModel } from './model.js';
export type { CreateSiameseModelOptions } from './model.js';
export { siameseSplitter } from './splitter.js';

// ---- Data ----
// Pairs of images from a folder of classes or a pairs CSV (training pairs re-drawn each epoch), and their loaders.
export { SiameseDataLoaders, SIAMESE_VOCAB } from './data/siamese-dataloaders.js';
export type {
  SiameseDataLoadersOptions,
  FromFolderOptions,
  FromCsvOptions,
  TrainPairs,
  SiameseDataJSON,
} from './data/siamese-dataloaders.js';
export { drawPairs, PairSampler } from './data/pairs.js';
export type { ImagePair, LabelledImage } from './data/pairs.js';
export { pairRowsFromTable, readPairsCsv } from './data/pairs-csv.js';
export type { PairRow, ReadPairsCsvOptions } from './data/pairs-csv.js';
export { PairDataset, PairDataLoader, collatePairs } from './data/pair-dataset.js';
export type { PairSample, PairDataLoaderOptions, SourcePair } from './data/pair-dataset.js';

// ---- Learner ----
// siameseLearner, predict([imgA, imgB]) and showResults, and the builder loadLearner finds by name.
export { siameseLearner, SiameseLearner, learnerBuilders } from './learner.js';
export type { SiameseLearnerOptions, SiamesePrediction } from './learner.js';
export type { SiameseShowOptions } from './show-options.js';

// ---- Errors ----
// Typed errors naming the file, line and column.
export { SiameseInputError, SiameseDataError } from './errors.js';

// ---- Registration ----
// Importing this package lets core's `loadLearner` rebuild its learners, in a page too (where an export cannot import
// a package by name); `sideEffects` in package.json lists this file so that bundlers keep `import '@tfai/siamese'`.
import { registerLearnerBuilders } from '@tfai/core/io';
import { learnerBuilders as builders } from './learner.js';
registerLearnerBuilders('@tfai/siamese', builders);
