// @tfai/core — public API: what users call, grouped as fastai's modules. Explicit named exports only; helpers the
// sibling packages share are in `./internal.ts` (the `@tfai/core/internal` subpath), outside this surface.

// ---- Backend ----
// Pick and report the tfjs backend (cuda → webgpu → tensorflow → wasm → cpu); `ready()` before any tensor.
export {
  setBackend,
  ready,
  getBackend,
  availableBackends,
  backendAvailable,
  webgpuAdapterInfo,
  BackendUnavailableError,
  BACKEND_ORDER,
  BACKEND_PACKAGES,
} from './backend/backend.js';
export type { BackendName, SetBackendOptions } from './backend/backend.js';
export { probeWebGPU } from './backend/webgpu/setup.js';
export type { WebGPUAdapterReport, WebGPUProbe } from './backend/webgpu/setup.js';

// ---- Errors ----
// The typed errors (all `TfaiError`s); file-reading ones are `FileError`s naming the file.
export {
  TfaiError,
  FileError,
  StateDictMismatchError,
  SafetensorsError,
  PickleError,
  UnsafePickleError,
  TorchCheckpointError,
} from './errors.js';
export {
  CsvError,
  InvalidArgumentError,
  OptimizerError,
  NonFiniteLossError,
  ArchitectureError,
  UnknownOptionError,
} from './errors.js';
export type { CsvProblem } from './errors.js';

// ---- Modules (torch.nn) ----
// `Module` with PyTorch's parameter names and state dicts, seeding, init functions.
export { Module, Parameter, numParams } from './nn/module.js';
export type {
  AnyModule,
  TorchLayout,
  ParamKind,
  HookHandle,
  ForwardHook,
  LayerInfo,
  StateDict,
  LoadStateDictOptions,
  NumParamsOptions,
  HostTensor,
  StateDictSource,
  StateDictInput,
} from './nn/module.js';
export { Rng, manualSeed } from './nn/random.js';
export { detach } from './nn/detach.js';
export { uniform, normal, torchDefaultUniform, kaimingNormal } from './nn/init.js';

// ---- Layers (torch.nn) ----
// PyTorch's layers on NHWC activations, with PyTorch's names and defaults.
export { Linear } from './nn/layers/linear.js';
export { Conv2d, ConvTranspose2d } from './nn/layers/conv.js';
export type { Conv2dOptions, ConvTranspose2dOptions } from './nn/layers/conv.js';
export { BatchNorm1d, BatchNorm2d } from './nn/layers/batchnorm.js';
export type { BatchNormOptions } from './nn/layers/batchnorm.js';
export { Dropout } from './nn/layers/dropout.js';
export { Embedding } from './nn/layers/embedding.js';
export { ReLU, LeakyReLU, Sigmoid, Tanh, Identity, SigmoidRange, Lambda } from './nn/layers/activation.js';
export {
  MaxPool2d,
  AvgPool2d,
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  AdaptiveConcatPool2d,
} from './nn/layers/pooling.js';
export { Flatten, PixelShuffle, pixelShuffle } from './nn/layers/reshape.js';
export { Upsample, interpolate } from './nn/layers/upsample.js';
export type { UpsampleOptions } from './nn/layers/upsample.js';
export { Sequential, ModuleList } from './nn/layers/container.js';
export type { TensorModule } from './nn/layers/container.js';
export { LSTM } from './nn/layers/lstm.js';
export type { LSTMState, LSTMOptions } from './nn/layers/lstm.js';

// ---- fastai's layers (fastai/layers.py) ----
// The shared blocks of vision, tabular and text: LinBnDrop, ConvLayer, ResBlock, PixelShuffleICNR, SelfAttention…
export { fastaiBatchNorm, fastaiBatchNorm1d } from './nn/fastai/norm.js';
export type { NormType } from './nn/fastai/norm.js';
export { truncNormal, torchFanIn, kaimingUniform, initLinear, applyInit } from './nn/fastai/init.js';
export type { InitFn } from './nn/fastai/init.js';
export { fastaiEmbedding } from './nn/fastai/embedding.js';
export { LinBnDrop, linBnDropLayers } from './nn/fastai/lin-bn-drop.js';
export type { LinBnDropOptions } from './nn/fastai/lin-bn-drop.js';
export { ConvLayer, defaultActivation } from './nn/fastai/conv-layer.js';
export type { ConvLayerOptions, ActFactory } from './nn/fastai/conv-layer.js';
export { ResBlock } from './nn/fastai/res-block.js';
export type { ResBlockOptions } from './nn/fastai/res-block.js';
export { SequentialEx, OrigModule, MergeLayer } from './nn/fastai/sequential-ex.js';
export type { TensorModuleOrOrig } from './nn/fastai/sequential-ex.js';
export { PixelShuffleICNR, ReplicationPad2d, icnrInit } from './nn/fastai/pixel-shuffle-icnr.js';
export type { PixelShuffleICNROptions } from './nn/fastai/pixel-shuffle-icnr.js';
export { SelfAttention, SpectralConv1d } from './nn/fastai/self-attention.js';

// ---- Data ----
// DataLoader(s), the one CSV reader (papaparse), fastai's splitters and its one reading of a boolean flag.
export { DataLoader, DataLoaders } from './data/dataloader.js';
export type { Batch, Dataset, DataLoaderOptions, DataLoadersInfo } from './data/dataloader.js';
export { readCsv, streamCsv, parseCsvText, csvRecords } from './data/csv.js';
export type { CsvOptions, CsvTable, CsvSink } from './data/csv.js';
export { colSplitter, grandparentSplitter, parseFlag, randomSplitter } from './data/splitters.js';
export type { Split } from './data/splitters.js';

// ---- Optimizers and schedules (fastai/optimizer.py, callback/schedule.py) ----
// Adam and SGD with fastai's defaults, parameter groups and discriminative learning rates, one-cycle schedules.
export { Optimizer, SGD, Adam, adam, sgd, debias } from './optim/optimizer.js';
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
export {
  schedLin,
  schedCos,
  schedNo,
  schedExp,
  schedPoly,
  combineScheds,
  combinedCos,
  oneCycleSchedules,
  oneCyclePositions,
} from './optim/schedule.js';
export type { Schedule, OneCycleOptions } from './optim/schedule.js';

// ---- Learner ----
// The training loop (fit, fitOneCycle, fineTune, validate, getPreds, predict, tta) and its options.
export { Learner } from './learner/learner.js';
export type {
  LearnerModel,
  LrSpec,
  BuilderSpec,
  LearnerOptions,
  FitOptions,
  FitOneCycleOptions,
  FineTuneOptions,
  ValidateResult,
  Prediction,
  TtaOptions,
} from './learner/learner.js';
export { lrFind, valley } from './learner/lr-find.js';
export type { LrFindOptions, LrFindResult } from './learner/lr-find.js';

// ---- Callbacks (fastai/callback/) ----
// The events and the built-in callbacks: Recorder, progress, schedulers, MixUp/CutMix, trackers, logging.
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
export { ParamScheduler } from './learner/callbacks/param-scheduler.js';
export type { HyperSchedule } from './learner/callbacks/param-scheduler.js';
export { MixHandler, MixUp, CutMix } from './learner/callbacks/mixup.js';
export { TrackerCallback, EarlyStoppingCallback, SaveModelCallback } from './learner/callbacks/tracker.js';
export type { TrackerOptions } from './learner/callbacks/tracker.js';
export { CSVLogger } from './learner/callbacks/csv-logger.js';
export { GradientClip } from './learner/callbacks/gradient-clip.js';
export { GatherPreds } from './learner/callbacks/gather-preds.js';

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
  METRICS,
} from './learner/metrics/index.js';
export type { Metric, MetricDirection } from './learner/metrics/index.js';

// ---- Export and load ----
// fastai's export/load_learner: one JSON description and one safetensors file, loaded as untrusted input.
export { exportLearner, loadLearner, registerLearnerBuilder, metricsFromNames, ExportError } from './learner/export.js';
export type { LearnerClass, ExportDescription, LearnerBuilder, ExportLearnerOptions } from './learner/export.js';
export { readJson } from './io/json.js';

// ---- Files: safetensors and PyTorch checkpoints ----
// Read and write `.safetensors` and `.pth` (zip and legacy; a data-only pickle VM).
export {
  loadSafetensors,
  saveSafetensors,
  parseSafetensors,
  parseSafetensorsHeader,
  serializeSafetensors,
  MAX_SAFETENSORS_HEADER_BYTES,
} from './io/safetensors.js';
export type {
  SafetensorsContent,
  SafetensorsHeader,
  SafetensorsTensorInfo,
  SaveSafetensorsOptions,
} from './io/safetensors.js';
export {
  loadTorch,
  parseTorch,
  loadPickle,
  TorchCheckpoint,
  TorchTensor,
  TorchStorage,
  unpickle,
  PickleGlobal,
  saveTorch,
  serializeTorch,
} from './io/torch/index.js';
export type {
  TorchValue,
  TorchStateDict,
  TorchDtype,
  TorchData,
  UnpickleOptions,
  UnpickleResult,
  GlobalHandler,
  SaveTorchValue,
  SaveTorchOptions,
} from './io/torch/index.js';

// ---- Downloads ----
// fastai's untar_data and URLs: download once into $TFAI_HOME, checked and extracted safely.
export { tfaiHome, downloadUrl, untarData, DownloadError, ArchiveError, URLs } from './io/download.js';
export type { DownloadOptions } from './io/download.js';

// ---- Progress and plots ----
// fastprogress's bars, and the Recorder's plots (Vega-Lite → PNG).
export { progressBar, ProgressBar, MasterBar } from './progress/bar.js';
export type { ProgressBarOptions, ProgressStream } from './progress/bar.js';
export { svgToPng } from './plot/svg.js';
export { linePlot, linePlotSvg, plotSvg, plotSpec, plotToFile } from './plot/plot.js';
export type { Series, Marker, PlotPanel, LinePlotOptions } from './plot/plot.js';
export type { PlotLossOptions, PlotLrFindOptions } from './plot/recorder-plots.js';

// ---- Doctor ----
// `tfai doctor`: what this machine can run, and what to install.
export { diagnose, formatDoctorReport, CUDA_LIBRARIES } from './cli/diagnose.js';
export type { DoctorReport, BackendStatus } from './cli/diagnose.js';
