// @tfai/core — public API. Explicit exports only.
export { setBackend, ready, getBackend, availableBackends, backendAvailable, BackendUnavailableError, BACKEND_ORDER, BACKEND_PACKAGES } from './backend/backend.js';
export type { BackendName, SetBackendOptions } from './backend/backend.js';
export { TfaiError, StateDictMismatchError, SafetensorsError } from './errors.js';
export { Module, Parameter, numParams } from './nn/module.js';
export type { AnyModule, TorchLayout, ParamKind, HookHandle, ForwardHook, LayerInfo, StateDict, LoadStateDictOptions, NumParamsOptions } from './nn/module.js';
export { Rng, manualSeed } from './nn/random.js';
export { detach } from './nn/detach.js';
export { uniform, normal, torchDefaultUniform, kaimingNormal } from './nn/init.js';
export { Linear } from './nn/layers/linear.js';
export { Conv2d, ConvTranspose2d } from './nn/layers/conv.js';
export type { Conv2dOptions, ConvTranspose2dOptions } from './nn/layers/conv.js';
export { BatchNorm1d, BatchNorm2d } from './nn/layers/batchnorm.js';
export type { BatchNormOptions } from './nn/layers/batchnorm.js';
export { Dropout } from './nn/layers/dropout.js';
export { Embedding, embeddingLookup } from './nn/layers/embedding.js';
export { ReLU, LeakyReLU, Sigmoid, Tanh, Identity, SigmoidRange, Lambda } from './nn/layers/activation.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, AdaptiveConcatPool2d } from './nn/layers/pooling.js';
export { Flatten, PixelShuffle, pixelShuffle } from './nn/layers/reshape.js';
export { Upsample, interpolate } from './nn/layers/upsample.js';
export type { UpsampleOptions } from './nn/layers/upsample.js';
export { Sequential, ModuleList } from './nn/layers/container.js';
export type { TensorModule } from './nn/layers/container.js';
export { LSTM } from './nn/layers/lstm.js';
export type { LSTMState, LSTMOptions } from './nn/layers/lstm.js';
export { loadSafetensors, saveSafetensors, parseSafetensors, serializeSafetensors, atomicWrite } from './io/safetensors.js';
export type { SafetensorsContent, SaveSafetensorsOptions } from './io/safetensors.js';
export { DataLoader, DataLoaders } from './data/dataloader.js';
export type { Batch, Dataset, DataLoaderOptions, DataLoadersInfo } from './data/dataloader.js';
export { OptimizerError } from './errors.js';
export { Optimizer, SGD, Adam, adam, sgd, debias } from './optim/optimizer.js';
export type { Hypers, HyperName, ParamGroup, OptimizerOptions, OptimizerStateDict, ParamState, StepContext, OptFactory } from './optim/optimizer.js';
export { params, trainableParams, defaultSplitter } from './optim/splitter.js';
export type { Splitter } from './optim/splitter.js';
export { LrSlice, slice, evenMults, lrsForGroups } from './optim/lr.js';
export { schedLin, schedCos, schedNo, schedExp, schedPoly, combineScheds, combinedCos, oneCycleSchedules, oneCyclePositions } from './optim/schedule.js';
export type { Schedule, OneCycleOptions } from './optim/schedule.js';
export { Learner, readJson } from './learner/learner.js';
export type { LearnerModel, LrSpec, BuilderSpec, LearnerOptions, FitOptions, FitOneCycleOptions, FineTuneOptions, ValidateResult, Prediction, TtaOptions } from './learner/learner.js';
export { NonFiniteLossError } from './errors.js';
export {
  Callback,
  EVENTS,
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
export { ProgressCallback, EpochTable, formatTime } from './learner/callbacks/progress.js';
export { ParamScheduler } from './learner/callbacks/param-scheduler.js';
export type { HyperSchedule } from './learner/callbacks/param-scheduler.js';
export { MixHandler, MixUp, CutMix, randBbox } from './learner/callbacks/mixup.js';
export { TrackerCallback, EarlyStoppingCallback, SaveModelCallback, CSVLogger, GradientClip } from './learner/callbacks/tracker.js';
export type { TrackerOptions } from './learner/callbacks/tracker.js';
export { CrossEntropyLossFlat, BCEWithLogitsLossFlat, MSELossFlat, L1LossFlat, lossFromSpec } from './learner/loss.js';
export type { Loss, LossSpec, CrossEntropyOptions } from './learner/loss.js';
export { AvgMetric, AccumMetric, accuracy, errorRate, topKAccuracy, rmse, mae, mse, R2Score, F1Score, RocAucBinary, perplexity, METRICS } from './learner/metrics.js';
export type { Metric } from './learner/metrics.js';
export { lrFind, valley } from './learner/lr-find.js';
export type { LrFindOptions, LrFindResult } from './learner/lr-find.js';
export { exportLearner, loadLearner, registerLearnerBuilder, metricsFromNames, ExportError } from './learner/export.js';
export type { ExportDescription, LearnerBuilder } from './learner/export.js';
export { linePlotSvg, svgToPng } from './plot/svg.js';
export type { Series, LinePlotOptions } from './plot/svg.js';
export { globalRng } from './nn/random.js';
export { lstmRecurrence } from './nn/layers/lstm-recurrence.js';
export type { LSTMRecurrenceResult } from './nn/layers/lstm-recurrence.js';
export { diagnose, formatDoctorReport, CUDA_LIBRARIES } from './cli/diagnose.js';
export type { DoctorReport, BackendStatus } from './cli/diagnose.js';
export { tfaiHome, downloadUrl, untarData, DownloadError, ArchiveError, URLs } from './io/download.js';
export type { DownloadOptions } from './io/download.js';
