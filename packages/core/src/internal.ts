// @tfai/core/internal: helpers the sibling tfai packages share, not part of the public API (no stability promise).
export { globalRng } from './nn/random.js';
export { atomicWrite } from './io/safetensors.js';
export { lstmRecurrence } from './nn/layers/lstm-recurrence.js';
export type { LSTMRecurrenceResult } from './nn/layers/lstm-recurrence.js';
export { fusedEnabled, setFused } from './backend/fused.js';
export { dotBias, dotBiasFused } from './backend/wasm/dot-bias.js';
