// `npm run bench:epochs`: the per-epoch times of the packages' real-data training tests, one test at a time with
// vitest (nothing else should run on the machine meanwhile), read from the Recorder through TFAI_EPOCH_TIMES (one
// JSON line per finished epoch: packages/core/src/learner/callbacks/epoch-times.ts). Writes
// bench-results/epoch-times.json and prints a markdown table to stderr.
//
//   fashion_mnist  vision   src/learner/vision-train.test.ts      ResNet-18 cut after layer1, bs 16, 6 epochs
//   credit_data    tabular  src/learner/tabular-learner.test.ts   TabularModel, bs 64, 4 epochs
//   insteval       tabular  src/learner/collab-learner.test.ts    EmbeddingDotBias 50 factors, 3 epochs
//   jane_austen    text     src/learner/real-data.test.ts         AWD-LSTM language model (emb 32, hid 64), 3 epochs
//
// Options: --only fashion_mnist,credit_data  --out <file>  --timeout-s 1800 (per test). The environment is passed on
// (TFAI_BACKEND, TFAI_WASM_THREADS, TFAI_FUSED, …) and recorded in the output.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The real-data tests: package, file, and a `-t` pattern that selects the test (its suite's beforeAll does the fit). */
export const EPOCH_TESTS = [
  { name: 'fashion_mnist', pkg: 'vision', file: 'src/learner/vision-train.test.ts', test: 'fashion_mnist' },
  {
    name: 'credit_data',
    pkg: 'tabular',
    file: 'src/learner/tabular-learner.test.ts',
    test: 'beats the majority class',
  },
  {
    name: 'insteval',
    pkg: 'tabular',
    file: 'src/learner/collab-learner.test.ts',
    test: 'validation MSE is clearly below',
  },
  { name: 'jane_austen', pkg: 'text', file: 'src/learner/real-data.test.ts', test: 'Jane Austen language model' },
];

function parseArgs(argv) {
  const o = {
    only: EPOCH_TESTS.map((t) => t.name),
    out: join(ROOT, 'bench-results', 'epoch-times.json'),
    timeoutS: 1800,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--only')
      o.only = v()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (a === '--out') o.out = resolve(v());
    else if (a === '--timeout-s') o.timeoutS = Number(v());
    else throw new Error(`unknown option ${a} (--only NAMES, --out FILE, --timeout-s S)`);
  }
  for (const n of o.only)
    if (!EPOCH_TESTS.some((t) => t.name === n))
      throw new Error(`--only: '${n}' is not one of ${EPOCH_TESTS.map((t) => t.name).join(', ')}`);
  if (!Number.isFinite(o.timeoutS) || o.timeoutS <= 0) throw new Error('--timeout-s must be a positive number');
  return o;
}

/** The JSON lines of a TFAI_EPOCH_TIMES file, split into fits (a fit starts again at epoch 0). */
export function readFits(file) {
  if (!existsSync(file)) return [];
  const recs = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
  const fits = [];
  for (const r of recs) {
    if (r.epoch === 0 || fits.length === 0)
      fits.push({
        model: r.model,
        nEpoch: r.nEpoch,
        trainBatches: r.trainBatches,
        validBatches: r.validBatches,
        epochs: [],
      });
    fits[fits.length - 1].epochs.push({
      epoch: r.epoch,
      seconds: Math.round(r.seconds * 1000) / 1000,
      trainLoss: r.trainLoss,
      validLoss: r.validLoss,
      metrics: r.metrics,
    });
  }
  return fits;
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? null : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const r3 = (v) => (v === null ? null : Math.round(v * 1000) / 1000);
const git = (...a) => spawnSync('git', a, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';

function runOne(t, timeoutS) {
  const dir = mkdtempSync(join(os.tmpdir(), 'tfai-epoch-times-'));
  const file = join(dir, `${t.name}.jsonl`);
  const cwd = join(ROOT, 'packages', t.pkg);
  const report = join(cwd, '.vitest-report.json');
  rmSync(report, { force: true });
  const load = os.loadavg()[0];
  const t0 = performance.now();
  const r = spawnSync('npx', ['vitest', 'run', t.file, '-t', t.test], {
    cwd,
    env: { ...process.env, TFAI_EPOCH_TIMES: file },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutS * 1000,
    maxBuffer: 64 << 20,
  });
  const wall = (performance.now() - t0) / 1000;
  let tests = null;
  if (existsSync(report)) {
    const j = JSON.parse(readFileSync(report, 'utf8'));
    tests = {
      passed: j.numPassedTests ?? 0,
      failed: (j.numFailedTests ?? 0) + (j.numRuntimeErrors ?? 0),
      skipped: (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0),
    };
  }
  const fits = readFits(file);
  rmSync(dir, { recursive: true, force: true });
  const epochSeconds = fits.flatMap((f) => f.epochs.map((e) => e.seconds));
  const error =
    r.error?.code === 'ETIMEDOUT'
      ? `no result within ${timeoutS} s (killed)`
      : r.status === 0
        ? null
        : `exit ${r.status ?? r.signal}: ${String(r.stdout + r.stderr)
            .trim()
            .split('\n')
            .slice(-5)
            .join(' | ')}`;
  return {
    name: t.name,
    package: `@tfai/${t.pkg}`,
    test: `${t.file} -t "${t.test}"`,
    ok: r.status === 0 && fits.length > 0,
    error,
    tests,
    wall_s: r3(wall),
    loadavg_start: Math.round(load * 100) / 100,
    loadavg_end: Math.round(os.loadavg()[0] * 100) / 100,
    median_epoch_s: r3(median(epochSeconds)),
    total_epoch_s: r3(epochSeconds.reduce((s, v) => s + v, 0)),
    fits,
  };
}

function table(rows) {
  const head =
    '| data set | package | epochs | batches/epoch (train+valid) | median epoch s | epoch seconds | test wall s | tests | load start/end |';
  const lines = rows.map((r) => {
    const f = r.fits[0];
    const secs = r.fits.map((fit) => fit.epochs.map((e) => e.seconds.toFixed(1)).join(', ')).join(' / ');
    const tests = r.tests
      ? `${r.tests.passed} passed${r.tests.failed ? `, ${r.tests.failed} failed` : ''}`
      : (r.error ?? '—');
    return `| ${r.name} | ${r.package} | ${r.fits.reduce((s, fit) => s + fit.epochs.length, 0)} | ${f ? `${f.trainBatches}+${f.validBatches}` : '—'} | ${r.median_epoch_s ?? 'failed'} | ${secs || '—'} | ${r.wall_s} | ${tests} | ${r.loadavg_start}/${r.loadavg_end} |`;
  });
  return [head, `|${'---|'.repeat(9)}`, ...lines].join('\n');
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const started = new Date();
  const rows = [];
  for (const t of EPOCH_TESTS.filter((x) => o.only.includes(x.name))) {
    process.stderr.write(`epoch-times: ${t.name} (@tfai/${t.pkg} ${t.file})…\n`);
    const row = runOne(t, o.timeoutS);
    process.stderr.write(
      `epoch-times: ${t.name}: ${row.ok ? `median epoch ${row.median_epoch_s} s over ${row.fits.reduce((s, f) => s + f.epochs.length, 0)} epochs` : `failed (${row.error ?? 'no epoch recorded'})`}, ${row.wall_s} s in all\n`,
    );
    rows.push(row);
  }
  const result = {
    bench:
      "per-epoch times (training + validation, the Recorder's `times`) of the packages' real-data tests, one at a time",
    started: started.toISOString(),
    finished: new Date().toISOString(),
    commit: `${git('log', '-1', '--format=%h %s')}${git('status', '--porcelain', '--untracked-files=no') ? ' (uncommitted changes)' : ''}`,
    machine: { cpus: os.availableParallelism(), node: process.version, loadavg_end: os.loadavg() },
    env: Object.fromEntries(
      ['TFAI_BACKEND', 'TFAI_WASM_THREADS', 'TFAI_FUSED'].map((k) => [k, process.env[k] ?? null]),
    ),
    rows,
  };
  mkdirSync(dirname(o.out), { recursive: true });
  const tmp = `${o.out}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(tmp, o.out);
  process.stderr.write(`\n${table(rows)}\n\nepoch-times: wrote ${o.out}\n`);
  process.exit(rows.every((r) => r.ok) ? 0 : 1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
