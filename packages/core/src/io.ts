// @tfai/core/io — files in and out (Node-only: `node:fs`): CSV, a learner's export and load, safetensors and
// PyTorch checkpoints, and fastai's `untar_data`/URLs downloads into $TFAI_HOME.

// ---- CSV ----
// The one CSV reader of every package (papaparse): strict, streaming, errors naming the file and the row.
export { readCsv, streamCsv, parseCsvText, csvRecords } from './data/csv.js';
export type { CsvOptions, CsvTable, CsvSink } from './data/csv.js';
export { CsvError } from './errors.js';
export type { CsvProblem } from './errors.js';
export { readJson } from './io/json.js';

// ---- Export and load ----
// fastai's export/load_learner: one JSON description and one safetensors file, loaded as untrusted input.
export {
  exportLearner,
  exportLearnerBytes,
  loadLearner,
  registerLearnerBuilder,
  registerLearnerBuilders,
  metricsFromNames,
  rebuiltLearnerOptions,
  ExportError,
} from './learner/export.js';
export type {
  LearnerClass,
  ExportBytes,
  ExportDescription,
  LearnerBuilder,
  LearnerSource,
  LoadLearnerOptions,
  ExportLearnerOptions,
} from './learner/export.js';

// ---- Safetensors and PyTorch checkpoints ----
// Read and write `.safetensors` and `.pth` (zip and legacy; a data-only pickle VM).
export { SafetensorsError, PickleError, UnsafePickleError, TorchCheckpointError } from './errors.js';
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
  LoadTorchOptions,
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
export { tfaiHome, downloadUrl, untarData } from '#platform/download';
export { DownloadError, ArchiveError } from './io/download-errors.js';
export { URLs } from './io/urls.js';
export type { DownloadOptions, UntarDataOptions, ExtractLimits } from './io/download.js';

// ---- TensorBoard event files ----
// What TensorBoardCallback writes (TFRecord-framed Event protos), read back with their checksums verified.
export {
  readTensorBoardEvents,
  parseTensorBoardEvents,
  encodeEvent,
  tfRecord,
  crc32c,
} from './learner/callbacks/tensorboard-events.js';
export type { TensorBoardEvent } from './learner/callbacks/tensorboard-events.js';
