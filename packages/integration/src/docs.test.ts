// The API reference: TypeDoc over every published package (typedoc.json at the root, `npm run docs`), warnings as
// errors: every exported symbol, method and accessor documented, every {@link} resolved, nothing referenced that
// is not exported. Written to a temporary folder here (`npm run docs` writes docs/api).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('API reference', () => {
  it('TypeDoc builds the reference of every package with 0 warnings (treatWarningsAsErrors)', () => {
    const out = mkdtempSync(join(tmpdir(), 'tfai-docs-'));
    try {
      const bin = join(root, 'node_modules', 'typedoc', 'bin', 'typedoc');
      const r = spawnSync(process.execPath, [bin, '--out', out], { cwd: root, encoding: 'utf8' });
      // eslint-disable-next-line no-control-regex
      const log = `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
      const warnings = log.split('\n').filter((l) => l.includes('[warning]') || l.includes('[error]'));
      if (r.status !== 0) console.log(log.slice(-10_000));
      expect(warnings).toEqual([]);
      expect(r.status).toBe(0);
      // Learner.fit has its own documentation (it used to sit above a private method, so fit had none).
      const learner = join(out, 'classes', '_tfai_core.index.Learner.html');
      expect(existsSync(learner), learner).toBe(true);
      expect(readFileSync(learner, 'utf8')).toContain(
        'Trains for <code>nEpoch</code> epochs at a constant learning rate',
      );
      for (const p of ['core', 'vision', 'tabular', 'text', 'siamese', 'datasets'])
        expect(existsSync(join(out, 'modules', `_tfai_${p}.html`)), p).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
