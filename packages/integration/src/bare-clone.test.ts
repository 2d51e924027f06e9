// The repository alone: scripts/bare-clone.mjs clones this repository's HEAD into an empty temporary folder (no
// ../shared beside it, no TFAI_REFERENCE_DIR), runs `npm ci --offline`, the quick demo and @tfai/tabular's tests
// there. Inside such a clone (TFAI_BARE_CLONE set, as `npm run test:bare-clone` runs the whole suite) this test is
// skipped by name, so it cannot recurse.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface BareCloneSummary {
  clone: string;
  head: string;
  sharedBeside: boolean;
  steps: { name: string; ok: boolean; status: number | null; seconds: number }[];
  demoAccuracy?: string;
  package?: string;
  packageTests?: { passed: number; failed: number; skipped: number; total: number };
  ok: boolean;
  seconds: number;
}

const inside = process.env.TFAI_BARE_CLONE !== undefined && process.env.TFAI_BARE_CLONE !== '';
// npm ci (~1 min), the quick demo (~1–3 min) and tabular's tests (~2–5 min) on 2 busy cores: 25 minutes of margin.
const options = {
  timeout: 1_500_000,
  ...(inside
    ? { skip: true, meta: { skipReason: 'already inside a bare clone (TFAI_BARE_CLONE): no recursion' } }
    : {}),
};

describe('the repository alone', () => {
  it('a clone with nothing beside it: npm ci --offline, the quick demo and @tfai/tabular tests pass', options, () => {
    const script = fileURLToPath(new URL('../../../scripts/bare-clone.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [script, '--quick', '--package', 'tabular'], {
      encoding: 'utf8',
      maxBuffer: 256 * 2 ** 20,
    });
    const last = r.stdout.trim().split('\n').pop() ?? '{}';
    if (r.status !== 0) console.log(r.stdout.slice(-20_000), r.stderr.slice(-5000));
    const s = JSON.parse(last) as BareCloneSummary;
    console.log(
      `bare clone: ${s.steps.map((x) => `${x.name} ${x.ok ? 'ok' : 'FAILED'} ${x.seconds} s`).join(', ')}; ${JSON.stringify(s.packageTests)}`,
    );
    expect(s.sharedBeside).toBe(false);
    expect(s.steps.map((x) => [x.name, x.ok])).toEqual([
      ['npm ci --offline', true],
      ['quick demo', true],
      ['@tfai/tabular tests', true],
    ]);
    // The demo trained and measured accuracy on fashion_mnist from @tfai/datasets.
    expect(r.stdout).toMatch(/data: fashion_mnist, 600 training \/ 200 validation images, 10 classes/);
    expect(r.stdout).toMatch(/identical to the trained learner/);
    expect(s.packageTests?.failed).toBe(0);
    expect(s.packageTests?.passed).toBeGreaterThan(50);
    expect(s.ok).toBe(true);
    expect(r.status).toBe(0);
  });
});
