import { describe, expect, it } from 'vitest';
import { getBackend } from '../backend/backend.js';
import { CUDA_LIBRARIES, diagnose, formatDoctorReport } from './diagnose.js';

describe('tfai doctor', () => {
  it('reports the Node version, every backend with the active one, and each CUDA library tfjs-node-gpu needs', async () => {
    const r = await diagnose();
    expect(r.node.version).toBe(process.version);
    expect(r.node.supported).toBe(true);
    expect(r.backends.map((b) => b.name)).toEqual(['cuda', 'tensorflow', 'wasm', 'cpu']);
    expect(r.active).toBe(getBackend());
    expect(r.backends.find((b) => b.name === r.active)?.installed).toBe(true);
    if (process.platform === 'linux') expect(Object.keys(r.cuda.found)).toEqual([...CUDA_LIBRARIES]);
    const text = formatDoctorReport(r);
    expect(text).toContain(`← active`);
    for (const b of r.backends.filter((x) => !x.installed)) expect(r.advice.join('\n')).toContain(b.name === 'cuda' ? 'CUDA' : b.package);
  });
});
