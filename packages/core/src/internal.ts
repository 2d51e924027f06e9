// @tfai/core/internal: helpers the sibling tfai packages share, not part of the public API (no stability promise).
export { globalRng } from './nn/random.js';
export { atomicWrite } from './io/safetensors.js';
export { lstmRecurrence } from './nn/layers/lstm-recurrence.js';
export type { LSTMRecurrenceResult } from './nn/layers/lstm-recurrence.js';
export { fusedEnabled, setFused } from './backend/fused.js';
export { dropout } from './backend/fused-ops.js';
// Option handling of the domain learners' factories (an unknown key is an UnknownOptionError).
export { learnerOptionsOf, checkOptionKeys, optionKeys } from './learner/option-keys.js';
// The one predict-and-decode of every domain learner, and the checkpoint path text's saveEncoder reuses.
export { predictDecoded } from './learner/predict.js';
export type { DecodedBatch } from './learner/predict.js';
export { weightsFile } from './learner/checkpoint.js';
// Optional peers (plotting's vega stack): whether one is installed, and loading them with a MissingDependencyError.
export { importOptional, packageInstalled } from './io/optional.js';
// `engines.node` as tfai doctor reads it.
export { nodeSatisfies } from './cli/engines.js';
// The fused embedding lookup (text's AWD-LSTM).
export { embeddingLookup } from './nn/layers/embedding.js';
// Writing and registering a domain package's own kernels (collab's dot-bias in @tfai/tabular): backend memory,
// kernel arguments, the one registration shape.
export { allocate, f32, i32, memoryName, valuesOf } from './backend/memory.js';
export type { MemoryBackend } from './backend/memory.js';
export { attrsOf, input, kernelBackend } from './backend/kernel-utils.js';
export type { KernelArgs } from './backend/kernel-utils.js';
export { loopKernelAvailable, registerKernels } from './backend/registry.js';
export type { KernelDef } from './backend/registry.js';

// The platform modules (Node's or a page's, chosen by the `browser` export condition), for the sibling packages'
// file and path handling, so that their page bundles import no `node:*` either.
export { appendFile, mkdir, open, readdir, readFile, realpath, rename, rm, stat, writeFile } from '#platform/fs';
export { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from '#platform/path';
export { randomHex, sha256Hex } from '#platform/crypto';
export { envVar, RUNTIME } from '#platform/process';
export { sha256 } from './platform/sha256.js';
