// Dawn's WebGPU probe in Node.
export { probeWebGPU } from '../../backend/webgpu/setup.js';
