// `npm test`: the format check, then typecheck, lint and every package's tests through Nx, then the skipped tests by name with their reason
// and one line of totals for CI (`N passed, N failed, N skipped`).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, readdirSync } from 'node:fs';

// Every project with a test report: the packages, and the root examples/ project.
// (A package with no tests of its own, as the private @tfai/test-utils, has neither a test script nor a project.json.)
const hasTests = (p) =>
  existsSync(`packages/${p}/project.json`) ||
  (existsSync(`packages/${p}/package.json`) &&
    !!JSON.parse(readFileSync(`packages/${p}/package.json`, 'utf8')).scripts?.test);
const packages = readdirSync('packages')
  .filter(hasTests)
  .map((p) => `packages/${p}`);
if (existsSync('examples/project.json')) packages.push('examples');
for (const p of packages) rmSync(`${p}/.vitest-report.json`, { force: true });

// The formatter first (prettier, .prettierrc): one check, counted in the totals as one test.
const format = spawnSync('npx', ['prettier', '--check', '--log-level', 'warn', '.'], { encoding: 'utf8' });
const formatOk = format.status === 0;
if (!formatOk) console.log(`format check failed (run \`npm run format\`):\n${format.stdout}${format.stderr}`);

const args = ['nx', 'run-many', '-t', 'typecheck', 'lint', 'test', '--parallel=2', ...process.argv.slice(2)];
const run = spawnSync('npx', args, {
  stdio: 'inherit',
  env: { ...process.env, NX_DAEMON: process.env.NX_DAEMON ?? 'false' },
});

let passed = formatOk ? 1 : 0;
let failed = formatOk ? 0 : 1;
const skipped = [];
const missing = [];
for (const p of packages) {
  const f = `${p}/.vitest-report.json`;
  if (!existsSync(f)) {
    missing.push(p);
    continue;
  }
  const r = JSON.parse(readFileSync(f, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += (r.numFailedTests ?? 0) + (r.numRuntimeErrors ?? 0);
  // Skipped tests by name, with the reason a test helper gave (needsReference: a reference file not present).
  for (const file of r.testResults ?? [])
    for (const t of file.assertionResults ?? [])
      if (t.status === 'pending' || t.status === 'skipped' || t.status === 'todo')
        skipped.push({
          name: `${p}: ${t.fullName}`,
          reason: t.meta?.skipReason ?? (t.status === 'todo' ? 'todo' : 'skipped in the source'),
        });
}
if (missing.length) console.log(`no test report from: ${missing.join(', ')}`);
const ok = run.status === 0 && failed === 0 && missing.length === 0;
if (skipped.length) {
  console.log(`skipped (${skipped.length}):`);
  const byReason = new Map();
  for (const s of skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.name]);
  for (const [reason, names] of byReason) {
    console.log(`  ${reason}:`);
    for (const n of names) console.log(`    - ${n}`);
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped.length} skipped`);
process.exit(ok ? 0 : 1);
