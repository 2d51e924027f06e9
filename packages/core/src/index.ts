// @tfai/core — the training API, grouped as fastai's `basics`: the Learner and its callbacks, optimizers, losses,
// metrics, data loaders, seeding and the typed errors. Explicit named exports only. The rest is in subpaths by
// concern: `@tfai/core/nn` (Module, PyTorch's and fastai's layers, init), `@tfai/core/schedule` (schedules,
// ParamScheduler, lrFind), `@tfai/core/io` (CSV, safetensors, PyTorch files, downloads, export/load),
// `@tfai/core/plot` (Vega-Lite plots), `@tfai/core/backend` (setBackend, doctor). Helpers the sibling packages
// share are in `./internal.ts` (`@tfai/core/internal`), outside the public surface.
//
// Node-only: the Learner (its backend pick reads files), Recorder, CSVLogger, TensorBoardCallback, SaveModelCallback and
// EarlyStoppingCallback (through TrackerCallback) load `node:fs`; Module and the layers load `node:async_hooks`.

// ---- Errors ----
// The typed errors (all `TfaiError`s); file-reading ones are `FileError`s naming the file.
export {
  TfaiError,
  FileError,
  StateDictMismatchError,
  InvalidArgumentError,
  OptimizerError,
  NonFiniteLossError,
  ArchitectureError,
  UnknownOptionError,
  NoFileSystemError,
  MissingDependencyError,
} from './errors.js';

// ---- Seeding ----
export { Rng, manualSeed } from './nn/random.js';

// ---- Data ----
// DataLoader(s), fastai's splitters and its one reading of a boolean flag.
export { DataLoader, DataLoaders } from './data/dataloader.js';
export type { Batch, Dataset, DataLoaderOptions, DataLoadersInfo } from './data/dataloader.js';
export {
  colSplitter,
  grandparentSplitter,
  indexSplitter,
  parentLabel,
  parseFlag,
  randomSplitter,
} from './data/splitters.js';
export type { Split } from './data/splitters.js';
export { getFiles } from './data/files.js';
export type { GetFilesOptions } from './data/files.js';
export { DEFAULT_NA_VALUES, StringTable, TableColumnError, asTable, isTable, tableRecords } from './data/table.js';
export type { Table, TableLike } from './data/table.js';

// ---- Optimizers (fastai/optimizer.py) ----
// Adam and SGD with fastai's defaults, parameter groups and discriminative learning rates.
export { Optimizer, SGD, Adam, adam, sgd } from './optim/optimizer.js';
export { debias } from './optim/steppers.js';
export type { FusedRule } from './optim/fused-step.js';
export type {
  Hypers,
  HyperName,
  ParamGroup,
  OptimizerOptions,
  OptimizerStateDict,
  ParamState,
  StepContext,
  OptFactory,
} from './optim/optimizer.js';
export { params, trainableParams, defaultSplitter } from './optim/splitter.js';
export type { Splitter } from './optim/splitter.js';
export { LrSlice, slice, evenMults, lrsForGroups } from './optim/lr.js';

// ---- Learner ----
// The training loop (fit, fitOneCycle, fineTune, validate, getPreds, predict, tta) and its options.
export { Learner } from './learner/learner.js';
export { Interpretation, InterpretationError, formatTable, isShowsRows, topLosses } from './learner/interpret.js';
export type { ShowRow, ShownRows, ShowsRows, TopLossesTableOptions } from './learner/interpret.js';
export type {
  LearnerModel,
  LrSpec,
  BuilderSpec,
  LearnerOptions,
  FitOptions,
  FitOneCycleOptions,
  FineTuneOptions,
  ValidateResult,
  GetPredsOptions,
  GetPredsResult,
  Prediction,
  TtaOptions,
} from './learner/learner-options.js';

// ---- Callbacks (fastai/callback/) ----
// The events and the built-in callbacks: Recorder, progress, MixUp/CutMix, trackers, logging.
export {
  Callback,
  EVENTS,
  CancelException,
  CancelBatchException,
  CancelStepException,
  CancelBackwardException,
  CancelTrainException,
  CancelValidException,
  CancelEpochException,
  CancelFitException,
} from './learner/callback.js';
export type { EventName } from './learner/callback.js';
export { Recorder } from './learner/callbacks/recorder.js';
export { ProgressCallback } from './learner/callbacks/progress.js';
export type { ProgressOptions } from './learner/callbacks/progress.js';
export { MixHandler, MixUp, CutMix } from './learner/callbacks/mixup.js';
export { TrackerCallback, EarlyStoppingCallback, SaveModelCallback } from './learner/callbacks/tracker.js';
export type { TrackerOptions } from './learner/callbacks/tracker.js';
export { CSVLogger } from './learner/callbacks/csv-logger.js';
export { TensorBoardCallback } from './learner/callbacks/tensorboard.js';
export type { TensorBoardOptions } from './learner/callbacks/tensorboard.js';
export { GradientClip } from './learner/callbacks/gradient-clip.js';
export { GatherPreds } from './learner/callbacks/gather-preds.js';
export type { GatherPredsOptions } from './learner/callbacks/gather-preds.js';

// ---- Progress bars (fastprogress) ----
export { progressBar, ProgressBar, MasterBar } from './progress/bar.js';
export type { ProgressBarOptions, ProgressStream } from './progress/bar.js';

// ---- Losses and metrics ----
// fastai's flattened losses and its metrics (each metric declares its direction, 'min' or 'max').
export { crossEntropyLossFlat, bceWithLogitsLossFlat, mseLossFlat, l1LossFlat, lossFromSpec } from './learner/loss.js';
export type { Loss, LossSpec, CrossEntropyOptions } from './learner/loss.js';
export {
  AvgMetric,
  AccumMetric,
  accuracy,
  errorRate,
  topKAccuracy,
  rmse,
  mae,
  mse,
  r2Score,
  f1Score,
  rocAucBinary,
  perplexity,
  accuracyMulti,
  fBetaMulti,
  f1ScoreMulti,
  METRICS,
} from './learner/metrics/index.js';
export type { Metric, MetricDirection, MultiLabelMetricOptions, FBetaMultiOptions } from './learner/metrics/index.js';

// ---- The names a fastai user reaches for first (DESIGN.md §7), also in their subpath: the same objects ----
// From their own modules, not the subpath files, so that the root loads none of the rest of a subpath.
export { Module, numParams } from './nn/module.js';
export { Sequential } from './nn/layers/container.js';
export { lrFind } from './learner/lr-find.js';
export { combinedCos } from './optim/schedule.js';
export { loadSafetensors, saveSafetensors } from './io/safetensors.js';
export { exportLearner, loadLearner } from './learner/export.js';
export { setBackend } from './backend/backend.js';
