import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync, readdirSync } from 'node:fs';
import { availableBackends } from '@tfai/core/backend';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../test-utils/no-set-backend.ts', import.meta.url));

describe('factories choose the backend themselves', () => {
  it('createVisionModel in a script without setBackend() builds on the best installed backend, without tfjs’s node banner', () => {
    const env = { ...process.env };
    delete env.TFAI_BACKEND;
    const r = spawnSync(process.execPath, ['--conditions=@tfai/source', '--import', 'tsx', script], {
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { backend: string; params: number };
    // webgpu is chosen automatically only on a hardware adapter, and probed only where a GPU device exists.
    const gpu =
      existsSync('/dev/nvidia0') ||
      (existsSync('/dev/dri') && readdirSync('/dev/dri').some((d) => d.startsWith('renderD')));
    const best = availableBackends().filter((b) => b !== 'webgpu' || gpu)[0];
    if (best !== 'webgpu') expect(out.backend).toBe(best === 'cuda' ? 'tensorflow' : best);
    expect(out.backend).not.toBe('cpu');
    expect(out.params).toBeGreaterThan(60);
    expect(r.stdout + r.stderr).not.toMatch(/Looks like you are running TensorFlow\.js in Node\.js/);
  });
});
