// @tfai/core — public API. Explicit exports only.
export { setBackend, ready, getBackend, availableBackends, backendAvailable, webgpuAdapterInfo, BackendUnavailableError, BACKEND_ORDER, BACKEND_PACKAGES } from './backend/backend.js';
export type { BackendName, SetBackendOptions } from './backend/backend.js';
export { probeWebGPU } from './backend/webgpu/setup.js';
export type { WebGPUAdapterReport, WebGPUProbe } from './backend/webgpu/setup.js';
export { TfaiError, StateDictMismatchError, SafetensorsError, PickleError, UnsafePickleError, TorchCheckpointError } from './errors.js';
export { Module, Parameter, numParams } from './nn/module.js';
export type { AnyModule, TorchLayout, ParamKind, HookHandle, ForwardHook, LayerInfo, StateDict, LoadStateDictOptions, NumParamsOptions, HostTensor, StateDictSource, StateDictInput } from './nn/module.js';
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
export { loadSafetensors, saveSafetensors, parseSafetensors, parseSafetensorsHeader, serializeSafetensors, MAX_SAFETENSORS_HEADER_BYTES } from './io/safetensors.js';
export type { SafetensorsContent, SafetensorsHeader, SafetensorsTensorInfo, SaveSafetensorsOptions } from './io/safetensors.js';
export { loadTorch, parseTorch, loadPickle, TorchCheckpoint, TorchTensor, TorchStorage, unpickle, PickleGlobal, saveTorch, serializeTorch } from './io/torch/index.js';
export type { TorchValue, TorchStateDict, TorchDtype, TorchData, UnpickleOptions, UnpickleResult, GlobalHandler, SaveTorchValue, SaveTorchOptions } from './io/torch/index.js';
export { DataLoader, DataLoaders } from './data/dataloader.js';
export { readCsv, streamCsv, parseCsvText, csvRecords } from './data/csv.js';
export type { CsvOptions, CsvTable, CsvSink } from './data/csv.js';
export { CsvError, InvalidArgumentError } from './errors.js';
export type { CsvProblem } from './errors.js';
export type { Batch, Dataset, DataLoaderOptions, DataLoadersInfo } from './data/dataloader.js';
export { OptimizerError } from './errors.js';
export { Optimizer, SGD, Adam, adam, sgd, debias } from './optim/optimizer.js';
export type { Hypers, HyperName, ParamGroup, OptimizerOptions, OptimizerStateDict, ParamState, StepContext, OptFactory } from './optim/optimizer.js';
export { params, trainableParams, defaultSplitter } from './optim/splitter.js';
export type { Splitter } from './optim/splitter.js';
export { LrSlice, slice, evenMults, lrsForGroups } from './optim/lr.js';
export { schedLin, schedCos, schedNo, schedExp, schedPoly, combineScheds, combinedCos, oneCycleSchedules, oneCyclePositions } from './optim/schedule.js';
export type { Schedule, OneCycleOptions } from './optim/schedule.js';
export { Learner } from './learner/learner.js';
export { readJson } from './io/json.js';
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
export type { ProgressOptions } from './learner/callbacks/progress.js';
export { progressBar, ProgressBar, MasterBar, formatRate, formatBytes } from './progress/bar.js';
export type { ProgressBarOptions, ProgressStream } from './progress/bar.js';
export { ParamScheduler } from './learner/callbacks/param-scheduler.js';
export type { HyperSchedule } from './learner/callbacks/param-scheduler.js';
export { MixHandler, MixUp, CutMix, randBbox } from './learner/callbacks/mixup.js';
export { TrackerCallback, EarlyStoppingCallback, SaveModelCallback } from './learner/callbacks/tracker.js';
export { CSVLogger } from './learner/callbacks/csv-logger.js';
export { GradientClip } from './learner/callbacks/gradient-clip.js';
export type { TrackerOptions } from './learner/callbacks/tracker.js';
export { crossEntropyLossFlat, bceWithLogitsLossFlat, mseLossFlat, l1LossFlat, lossFromSpec } from './learner/loss.js';
// Deprecated PascalCase aliases (one release).
export { CrossEntropyLossFlat, BCEWithLogitsLossFlat, MSELossFlat, L1LossFlat } from './learner/loss.js';
export type { Loss, LossSpec, CrossEntropyOptions } from './learner/loss.js';
export { AvgMetric, AccumMetric, accuracy, errorRate, topKAccuracy, rmse, mae, mse, r2Score, f1Score, rocAucBinary, perplexity, METRICS } from './learner/metrics/index.js';
export { R2Score, F1Score, RocAucBinary } from './learner/metrics/index.js';
export type { Metric } from './learner/metrics/index.js';
export { lrFind, valley } from './learner/lr-find.js';
export type { LrFindOptions, LrFindResult } from './learner/lr-find.js';
export { exportLearner, loadLearner, registerLearnerBuilder, metricsFromNames, ExportError, BUILD_SLACK_ELEMENTS } from './learner/export.js';
export type { LearnerClass } from './learner/export.js';
export type { ExportDescription, LearnerBuilder, ExportLearnerOptions } from './learner/export.js';
export { svgToPng } from './plot/svg.js';
export { linePlot, linePlotSvg, plotSvg, plotSpec, plotToFile, TAB10 } from './plot/plot.js';
export type { Series, Marker, PlotPanel, LinePlotOptions } from './plot/plot.js';
export type { PlotLossOptions, PlotLrFindOptions } from './plot/recorder-plots.js';
export { diagnose, formatDoctorReport, CUDA_LIBRARIES } from './cli/diagnose.js';
export type { DoctorReport, BackendStatus } from './cli/diagnose.js';
export { tfaiHome, downloadUrl, untarData, DownloadError, ArchiveError, URLs } from './io/download.js';
export type { DownloadOptions } from './io/download.js';
// fastai's shared layers (`fastai/layers.py`), one home for vision, tabular and text (issue 15, items 3–5).
export { ArchitectureError } from './errors.js';
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
export { UnknownOptionError } from './errors.js';
export { LEARNER_OPTION_KEYS, learnerOptionsOf, warnOnce } from './learner/option-keys.js';

// #16: one Learner loop (validate and getPreds through the callbacks).
export { GatherPreds } from './learner/callbacks/gather-preds.js';
export { predictDecoded } from './learner/predict.js';
export type { DecodedBatch } from './learner/predict.js';
export { weightsFile } from './learner/checkpoint.js';
export type { MetricDirection } from './learner/metrics/index.js';
export { FileError } from './errors.js';
export { CancelException } from './learner/callback.js';

// --- Data helpers shared by every package (#15): fastai's splitters and the one boolean-flag rule ---
export { colSplitter, grandparentSplitter, parseFlag, randomSplitter } from './data/splitters.js';
export type { Split } from './data/splitters.js';
