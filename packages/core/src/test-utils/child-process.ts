// Running a script in a child Node process, for the tests that a process exits by itself.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a child process left: its exit status, a spawn error, its stdout without colours, and its run time. */
export interface ChildRun {
  status: number | null;
  error: Error | undefined;
  stdout: string;
  ms: number;
}

/**
 * Runs the ES module `source` (TypeScript, with `tf` imported for it, the workspace's packages from their
 * sources) in a child Node process and waits for it to end (60 s at most). The module is written to a file:
 * workers inherit node's flags, and `--input-type` (for -e) would stop them.
 * @example
 * ```ts
 * const run = runNodeScript(`console.log('backend', tf.getBackend());`);
 * expect(run.status).toBe(0);
 * ```
 */
export function runNodeScript(source: string): ChildRun {
  const dir = mkdtempSync(join(tmpdir(), 'tfai-child-'));
  const script = join(dir, 'child.mts');
  const tfjs = JSON.stringify(createRequire(import.meta.url).resolve('@tensorflow/tfjs-core'));
  // tfjs-core alone registers neither gradients nor the chained tensor methods: core's backend/tfjs.ts does, as
  // any tfai entry point does.
  const registrations = JSON.stringify(fileURLToPath(new URL('../backend/tfjs.ts', import.meta.url)));
  writeFileSync(script, `import * as tf from ${tfjs};\nimport ${registrations};\n${source}`);
  try {
    const t0 = Date.now();
    const child = spawnSync(process.execPath, ['--conditions=@tfai/source', '--import', 'tsx', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    // Strip colours: under CI/FORCE_COLOR the child's console.log colours numbers.
    const stdout = child.stdout.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
    return { status: child.status, error: child.error, stdout, ms: Date.now() - t0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
