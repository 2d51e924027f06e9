// PyTorch checkpoints: reading (`loadTorch`, either format, no code run) and writing (`saveTorch`, zip format).
export { loadTorch, parseTorch, loadPickle, TorchCheckpoint } from './load.js';
export type { TorchValue, TorchStateDict, LoadTorchOptions } from './load.js';
export { TorchTensor, TorchStorage } from './tensor.js';
export type { TorchDtype, TorchData } from './tensor.js';
export { unpickle, PickleGlobal } from './pickle.js';
export type { UnpickleOptions, UnpickleResult, GlobalHandler } from './pickle.js';
export { saveTorch, serializeTorch } from './save.js';
export type { SaveTorchValue, SaveTorchOptions } from './save.js';
