// @tfai/core/backend — pick and report the tfjs backend (cuda → webgpu → tensorflow → wasm → cpu; `ready()` before
// any tensor), probe WebGPU, and `tfai doctor`: what this machine can run and what to install. Node-only
// (`node:fs`).
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
export { probeWebGPU } from '#platform/webgpu-probe';
export { nativeKernelStatus, setNativeKernels } from './backend/wasm/native.js';
export { describeBackend } from './backend/describe.js';
export type { NativeKernelStatus } from './backend/wasm/native.js';
export type { WebGPUAdapterReport, WebGPUProbe } from './backend/webgpu/setup.js';
export { diagnose, formatDoctorReport, CUDA_LIBRARIES, NODE_ENGINES } from '#platform/diagnose';
export type { DoctorReport, BackendStatus } from './cli/diagnose.js';
