import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';

const script = fileURLToPath(new URL('./test-utils/missing-column-script.ts', import.meta.url));

describe('an uncaught error in a script on the wasm backend', () => {
  it('prints the error itself, message first, not emscripten’s 60 kB source line', () => {
    const r = spawnSync(process.execPath, ['--conditions=@tfai/source', '--import', 'tsx', script], {
      env: { ...process.env, TFAI_BACKEND: 'wasm' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    const message = `${datasets.path('titanic')}/titanic.csv: no column "fare" (columns: "pclass", "survived", "sex", "age", "sibsp", "parch")`;
    expect(r.stderr.startsWith(`MissingColumnError: ${message}\n`)).toBe(true);
    expect(r.stderr.length).toBeLessThan(2048);
    expect(r.stderr).not.toContain('GROWABLE_HEAP');
  });
});
