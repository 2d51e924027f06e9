import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { availableBackends } from '@tfai/core';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../test-utils/no-set-backend.ts', import.meta.url));

describe('factories choose the backend themselves', () => {
  it('createVisionModel in a script without setBackend() builds on the best installed backend, without tfjs’s node banner', () => {
    const env = { ...process.env };
    delete env.TFAI_BACKEND;
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { env, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { backend: string; params: number };
    const best = availableBackends()[0];
    expect(out.backend).toBe(best === 'cuda' ? 'tensorflow' : best);
    expect(out.backend).not.toBe('cpu');
    expect(out.params).toBeGreaterThan(60);
    expect(r.stdout + r.stderr).not.toMatch(/Looks like you are running TensorFlow\.js in Node\.js/);
  });
});
