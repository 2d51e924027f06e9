// @tfai/tabular — fastai.tabular for tfjs, grouped as fastai's modules. Explicit named exports only.
// fastai.collab is the `@tfai/tabular/collab` subpath. Node-only: reading CSV files (`readDataFrame`,
// `TabularDataLoaders.fromCsv`).

// ---- Errors ----
// Typed errors naming the file, column and row.
export {
  EmptyCsvError,
  MissingColumnError,
  NonNumericValueError,
  CsvFormatError,
  InvalidTargetError,
  TabularOptionsError,
  HighCardinalityError,
  UnknownCategoryError,
  NonFiniteValueError,
  AllMissingError,
} from './errors.js';

// ---- Tables ----
// The columnar DataFrame (on core's CSV reader), cont/cat splitting, row splits and targets.
export { DataFrame, ColumnBuilder, parseNumber } from './data/dataframe.js';
export type { Column, NumericColumn, CategoryColumn, RawValue } from './data/dataframe.js';
export { readDataFrame, readDataFrameStream } from './data/read-data-frame.js';
export type { ReadDataFrameOptions } from './data/read-data-frame.js';
export { contCatSplit } from './data/cont-cat-split.js';
export type { ContCatSplitOptions } from './data/cont-cat-split.js';
export { splitRows } from './data/splits.js';
export type { SplitOptions, Splits } from './data/splits.js';
export { Targets, parseBool } from './data/targets.js';
export type { YBlock, TargetsJSON } from './data/targets.js';

// ---- Procs ----
// fastai's Categorify, FillMissing and Normalize, fitted on the training rows.
export { Categorify, NA_CLASS } from './procs/categorify.js';
export { FillMissing, median } from './procs/fill-missing.js';
export type { FillMissingOptions } from './procs/fill-missing.js';
export { Normalize } from './procs/normalize.js';
export { procFromJSON } from './procs/from-json.js';
export type { ProcLike } from './procs/from-json.js';
export type { TabularProc, ProcJSON, ProcState, FillStrategy } from './procs/proc.js';

// ---- Data loaders ----
// fastai's TabularPandas (the split table, fit procs, `.dataloaders()`), its preprocessing (Tabular), its dataset and
// TabularDataLoaders' factories (compositions of TabularPandas).
export { Tabular } from './data/tabular.js';
export type { TabularOptions, EncodedTable, EncodedRow, TabularJSON } from './data/tabular.js';
export { TabularDataset } from './data/tabular-dataset.js';
export { TabularPandas, TabularRows, DEFAULT_PROCS } from './data/tabular-pandas.js';
export type { TabularPandasOptions, TabularLoadersOptions, TabularYBlock } from './data/tabular-pandas.js';
export { TabularDataLoaders } from './data/tabular-dataloaders.js';
export { TableDataLoaders } from './data/table-dataloaders.js';
export type { TabularShowBatchOptions } from './data/table-dataloaders.js';
export type { TabularDataLoadersOptions } from './data/tabular-dataloaders.js';

// ---- Model ----
// fastai's TabularModel, the embedding size rule and its fused embedding lookup.
export { embSzRule, getEmbSz } from './model/emb-sz.js';
export type { HasClasses } from './model/emb-sz.js';
export { gatherRows } from './model/gather-rows.js';
export { TabularEmbeddings } from './model/embeddings.js';
export type { TabularEmbeddingsOptions } from './model/embeddings.js';
export { TabularModel } from './model/tabular-model.js';
export type { TabularModelOptions, TabularModelConfig } from './model/tabular-model.js';

// ---- Learner ----
// tabularLearner (tabular_config), predict/showResults, decoding rows, and the builders loadLearner finds by name.
export {
  TabularLearner,
  tabularLearner,
  tabularConfig,
  defaultTabularLoss,
  MAX_CARDINALITY,
} from './learner/tabular-learner.js';
export type {
  TabularLearnerOptions,
  TabularLearnerArgs,
  TabularPrediction,
  TabularShowResultsOptions,
  TabularConfig,
  TabularLikeDataLoaders,
} from './learner/tabular-learner.js';
export { decodeInputs, decodeTargets } from './learner/decode.js';
export type { DecodedRow } from './learner/decode.js';
export { learnerBuilders } from './learner/builders.js';

// ---- The names a fastai user reaches for first (DESIGN.md §7), also in @tfai/tabular/collab: the same objects ----
export { CollabDataLoaders } from './collab/collab-dataloaders.js';
export { EmbeddingDotBias } from './collab/embedding-dot-bias.js';
export { EmbeddingNN } from './collab/embedding-nn.js';
export { collabLearner } from './learner/collab-learner.js';

// ---- Registration ----
// Importing this package lets core's `loadLearner` rebuild its learners, in a page too (where an export cannot import
// a package by name); `sideEffects` in package.json lists this file so that bundlers keep `import '@tfai/tabular'`.
import { registerLearnerBuilders } from '@tfai/core/io';
import { learnerBuilders as builders } from './learner/builders.js';
registerLearnerBuilders('@tfai/tabular', builders);
