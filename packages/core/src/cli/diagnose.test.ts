import { describe, expect, it } from 'vitest';
import { getBackend } from '../backend/backend.js';
import { CUDA_LIBRARIES, diagnose, formatDoctorReport } from './diagnose.js';

describe('tfai doctor', () => {
  it('reports the Node version, every backend with the active one, and each CUDA library tfjs-node-gpu needs', async () => {
    const r = await diagnose();
    expect(r.node.version).toBe(process.version);
    expect(r.node.supported).toBe(true);
    expect(r.backends.map((b) => b.name)).toEqual(['cuda', 'webgpu', 'tensorflow', 'wasm', 'cpu']);
    expect(r.active).toBe(getBackend());
    expect(r.backends.find((b) => b.name === r.active)?.installed).toBe(true);
    if (process.platform === 'linux') expect(Object.keys(r.cuda.found)).toEqual([...CUDA_LIBRARIES]);
    const text = formatDoctorReport(r);
    expect(text).toContain(`← active`);
    // Native kernels: in use (with oneDNN's ISA), built but off, or why not (and the advice to get them).
    expect(text).toMatch(/Native CPU kernels.*\n {2}(● in use: oneDNN [\d.]+, ISA \w+|✓ built|✗ not available: .+)/);
    if (!r.native.available) expect(r.advice.join('\n')).toContain('libdnnl-dev');
    for (const b of r.backends.filter((x) => !x.installed))
      expect(r.advice.join('\n')).toContain(b.name === 'cuda' ? 'CUDA' : b.package);
  });

  it('shows the WebGPU adapter with its limits, or which Vulkan driver to install where Dawn finds none', async () => {
    const r = await diagnose();
    const text = formatDoctorReport(r);
    expect(text).toContain('WebGPU (Dawn');
    if (r.webgpu.adapter) {
      expect(text).toContain(`adapter  ${r.webgpu.adapter.vendor}`);
      expect(text).toMatch(/limits {3}maxBufferSize \d+/);
      if (r.webgpu.adapter.software) expect(r.advice.join('\n')).toMatch(/only a software adapter.*Vulkan driver/);
    } else if (r.backends[1].installed && process.platform === 'linux') {
      expect(r.webgpu.error).toMatch(/mesa-vulkan-drivers/);
      expect(r.advice.join('\n')).toContain('bookworm-backports');
    }
  });
});
