// The repository alone: clones this repository's HEAD into an empty temporary folder (nothing beside it: no
// ../shared, no TFAI_REFERENCE_DIR, no CI), runs `npm ci --offline` there (the lockfile's packages come from the npm
// cache), then either
//   --quick (default): the quick demo (`TFAI_DEMO_QUICK=1 npm run demo`) and one domain package's tests
//                      (--package tabular); packages/integration's bare-clone test runs this;
//   --suite:           the whole `npm test` (`npm run test:bare-clone`), printing its skipped tests and totals line.
// The last line of stdout is a JSON summary. TFAI_BARE_CLONE=1 is set inside the clone, so a test that starts this
// script there skips itself instead of recursing. --keep leaves the clone in place.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const suite = args.includes('--suite');
const keep = args.includes('--keep');
const pkgArg = args.indexOf('--package');
const pkg = pkgArg >= 0 ? args[pkgArg + 1] : 'tabular';
const root = fileURLToPath(new URL('..', import.meta.url));

if (process.env.TFAI_BARE_CLONE) {
  console.error('bare-clone: already inside a bare clone (TFAI_BARE_CLONE is set); not recursing');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'tfai-bare-'));
const clone = join(work, 'tfai');
const env = {
  ...process.env,
  TFAI_BARE_CLONE: '1',
  TFAI_HOME: join(work, 'tfai-home'),
  NX_DAEMON: 'false',
  // Nx keeps its cache per user (~/.nx), not in the clone: without this a bare clone replays results cached by any
  // earlier run of the same inputs (the native addon's presence is not one of them).
  NX_SKIP_NX_CACHE: 'true',
  NO_COLOR: '1',
};
for (const k of ['TFAI_REFERENCE_DIR', 'CI', 'FORCE_COLOR', 'NX_WORKSPACE_ROOT_PATH', 'npm_config_prefix', 'INIT_CWD'])
  delete env[k];
for (const k of Object.keys(env))
  if (k.startsWith('npm_') || k.startsWith('NX_TASK') || k.startsWith('VITEST')) delete env[k];

const summary = { clone, head: '', sharedBeside: false, steps: [], ok: false };

/** Runs a command in the clone, echoing its output; resolves with its exit status and the output's last 64 kB. */
function step(name, cmd, cmdArgs, extraEnv = {}, cwd = clone) {
  const t0 = Date.now();
  console.log(`\n$ ${[cmd, ...cmdArgs].join(' ')}   (${name}, in ${cwd})`);
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { cwd, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keepTail = (chunk, out) => {
      out.write(chunk);
      tail = (tail + chunk.toString()).slice(-65536);
    };
    child.stdout.on('data', (c) => keepTail(c, process.stdout));
    child.stderr.on('data', (c) => keepTail(c, process.stderr));
    child.on('close', (code) => {
      const s = { name, ok: code === 0, status: code, seconds: Math.round((Date.now() - t0) / 100) / 10 };
      summary.steps.push(s);
      console.log(`${s.ok ? '✓' : '✗'} ${name}: exit ${code}, ${s.seconds} s`);
      resolve({ ...s, tail });
    });
  });
}

let ok = false;
try {
  const head = spawnSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
  if (head.status !== 0) throw new Error(`git rev-parse HEAD failed: ${head.stderr}`);
  summary.head = head.stdout.trim();
  const c = spawnSync('git', ['clone', '--quiet', '--no-checkout', '--no-hardlinks', root, clone], {
    encoding: 'utf8',
  });
  if (c.status !== 0) throw new Error(`git clone failed: ${c.stderr}`);
  const co = spawnSync('git', ['-C', clone, 'checkout', '--quiet', summary.head], { encoding: 'utf8' });
  if (co.status !== 0) throw new Error(`git checkout failed: ${co.stderr}`);
  summary.sharedBeside = existsSync(join(clone, '..', 'shared'));
  console.log(
    `bare clone of ${summary.head.slice(0, 12)} in ${clone} (../shared ${summary.sharedBeside ? 'EXISTS' : 'absent'})`,
  );

  const ci = await step('npm ci --offline', 'npm', ['ci', '--offline', '--no-audit', '--no-fund']);
  if (ci.ok) {
    if (suite) {
      const t = await step('npm test', 'npm', ['test']);
      const lines = t.tail.trim().split('\n');
      summary.totals = lines.reverse().find((l) => /^\d+ passed, \d+ failed, \d+ skipped$/.test(l.trim()));
      ok = t.ok;
    } else {
      const demo = await step('quick demo', 'npm', ['run', 'demo'], {
        TFAI_DEMO_QUICK: '1',
        TFAI_DEMO_OUT: join(work, 'demo-out'),
      });
      summary.demoAccuracy = /accuracy[^\d]*(\d+(?:\.\d+)?)%/i.exec(demo.tail)?.[1];
      const tests = await step(`@tfai/${pkg} tests`, 'npx', ['vitest', 'run'], {}, join(clone, 'packages', pkg));
      summary.package = pkg;
      const report = join(clone, 'packages', pkg, '.vitest-report.json');
      if (existsSync(report)) {
        const r = JSON.parse(readFileSync(report, 'utf8'));
        summary.packageTests = {
          passed: r.numPassedTests,
          failed: r.numFailedTests,
          skipped: r.numPendingTests,
          total: r.numTotalTests,
        };
      }
      ok = demo.ok && tests.ok;
    }
  }
} catch (e) {
  console.error(`bare-clone: ${e.message}`);
} finally {
  summary.ok = ok;
  summary.seconds = summary.steps.reduce((s, x) => s + x.seconds, 0);
  if (!keep) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
}
if (summary.totals) console.log(`bare clone: ${summary.totals} (${summary.seconds.toFixed(0)} s in all)`);
console.log(JSON.stringify(summary));
process.exit(ok ? 0 : 1);
