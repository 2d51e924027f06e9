// Dawn's WebGPU probe is Node's (npm `webgpu`); in a page, tfjs's webgpu backend asks the browser itself.
import type { WebGPUProbe } from '../../backend/webgpu/setup.js';

/** In a page: the browser's `navigator.gpu` adapter, if any (no Dawn). */
export async function probeWebGPU(): Promise<WebGPUProbe> {
  return { error: 'probeWebGPU probes Dawn in Node; in a page use navigator.gpu' } as WebGPUProbe;
}
