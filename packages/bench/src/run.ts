// `npm run bench` in packages/bench (or at the root): one training step (forward, backward, Adam) of the three
// models of the reference's torch/bench.py (copied as torch/bench.py) — vision's ResNet-18 at 64×64 bs16, the
// TabularModel at bs512, the 3-layer LSTM LM (T70 bs16) — built from tfai's packages on wasm, and of two more —
// `awdlstm`, fastai's AWD-LSTM text classifier (text's getTextClassifier, emb 100, hidden 256, 2 layers, 32 texts of
// 1,000 tokens in BPT3C chunks of 72) and
// `collab`, tabular's EmbeddingDotBias (50 factors, InstEval's 2,973 × 1,129 with #na#, bs 256) — whose PyTorch
// twins are torch/bench_extra.py (fastai's modules and Adam step written out in torch); the same step in
// PyTorch through torch/bench.py (or torch/bench_extra.py), back to back, as
// `ratio = torch_ms / tfai_ms` (1 = as fast as PyTorch; the goal is 0.5). Each measurement runs in its own
// process (src/measure.ts for tfai), one model and thread count at a time, and the two sides of a ratio run
// one right after the other so that load from other processes hits both alike.
//
// Env: BENCH_MODELS=resnet18,tabular,lstm,awdlstm,collab  BENCH_THREADS=1,2 (wasm threads; PyTorch gets the same count)
//      BENCH_BACKENDS=wasm (comma list of wasm, webgpu; webgpu is measured once per model, against PyTorch at the
//      first thread count, or on CUDA with BENCH_TORCH_DEVICE=cuda, which needs PyTorch >= 2.0)
//      LSTM_HIDDEN=1152 (comma list)  LSTM_FALLBACK_HIDDEN=256 (measured too when a hidden size fails on wasm)
//      BENCH_TIMEOUT_S=900 (per measurement, each side)  WARM=2  STEPS=5  <MODEL>_WARM, <MODEL>_STEPS (RESNET18_, LSTM_,
//      AWDLSTM_ default WARM, STEPS; TABULAR_ 20, 30; COLLAB_ 50, 100: a step takes milliseconds, see stepsOf)
//      BENCH_PROFILE=1 (each tfai row gets `profile`: the top 10 kernels of one profiled step, see src/profile.ts;
//      the table of them is printed at the end, and `node --import tsx src/profile-table.ts [json]` prints it later)
//      BENCH_PROFILE_STEPS=1 (profile that many steps and report medians per step; collab gets COLLAB_PROFILE_STEPS=10)
//      BENCH_ROUNDS=1 (repeat everything, to see the run-to-run spread)
//      BENCH_NATIVE=1 (0: no native column; 1: each wasm row is measured twice, TFAI_NATIVE=0 for the wasm column and
//      TFAI_NATIVE=1 for the native one — oneDNN through @tfai/native, #29 — each against the same PyTorch figure)
//      BENCH_GEMM=1 (0: skip the matrix-product ceiling, src/gemm.ts + torch/gemm.py, once per thread count)
//      BENCH_PYTHON=/usr/bin/python3  TORCH_BENCH=<torch/bench.py>  TORCH_BENCH_EXTRA=<torch/bench_extra.py>
//      TORCH_BLAS_DIR (see below; '' = system BLAS)
// Writes bench-results/training-step.json and prints it to stdout; progress and the table go to stderr.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODEL_NAMES, type ModelName } from './models.js';
import type { MeasureResult } from './measure.js';
import { GEMM_SHAPES, type GemmResult } from './gemm.js';
import { profileTable } from './profile-table.js';

const env = (k: string, d: string) => process.env[k] ?? d;
const list = (k: string, d: string) =>
  env(k, d)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const MODELS = list('BENCH_MODELS', MODEL_NAMES.join(',')) as ModelName[];
const THREADS = list('BENCH_THREADS', '1,2').map(Number);
const BACKENDS = list('BENCH_BACKENDS', 'wasm') as ('wasm' | 'webgpu')[];
const TORCH_DEVICE = env('BENCH_TORCH_DEVICE', 'cpu');
const HIDDENS = list('LSTM_HIDDEN', '1152').map(Number);
const FALLBACK_HIDDEN = Number(env('LSTM_FALLBACK_HIDDEN', '256'));
const TIMEOUT_S = Number(env('BENCH_TIMEOUT_S', '900'));
const WARM = env('WARM', '2');
const STEPS = env('STEPS', '5');
/**
 * Warm-up and timed steps of a model (both sides get the same): `${MODEL}_WARM` / `${MODEL}_STEPS` (`LSTM_WARM`,
 * `TABULAR_STEPS`, …), else the model's default, else WARM / STEPS. The LSTM models (seconds per step) take
 * WARM / STEPS; the tabular net and collab (milliseconds per step, most of it JS) default to 20 / 30 and 50 / 100:
 * V8 takes ~20 (tabular) to ~40 (collab) steps to compile the step's JS, measured at 18 → 12.5 ms and 3.9 → 1.0 ms,
 * and a real epoch runs thousands of steps.
 */
const MODEL_STEPS: Partial<Record<ModelName, [string, string]>> = { tabular: ['20', '30'], collab: ['50', '100'] };
const stepsOf = (model: ModelName) => {
  const k = model.toUpperCase();
  const [w, s] = MODEL_STEPS[model] ?? [WARM, STEPS];
  return { WARM: env(`${k}_WARM`, w), STEPS: env(`${k}_STEPS`, s) };
};
const ROUNDS = Number(env('BENCH_ROUNDS', '1'));
const NATIVE = env('BENCH_NATIVE', '1') === '1';
const PYTHON = env('BENCH_PYTHON', '/usr/bin/python3');
// PyTorch's side of the three models of the reference's torch/bench.py: torch/bench.py, a byte-for-byte copy
// (src/bench-twins.test.ts checks it against the reference when that is present), so a bare clone benches too.
const TORCH_BENCH = env('TORCH_BENCH', fileURLToPath(new URL('../torch/bench.py', import.meta.url)));
/** The PyTorch twins of the models bench.py does not have. */
const TORCH_BENCH_EXTRA = env('TORCH_BENCH_EXTRA', fileURLToPath(new URL('../torch/bench_extra.py', import.meta.url)));
const EXTRA_MODELS: readonly ModelName[] = ['awdlstm', 'collab'];
const torchScript = (model: ModelName) => (EXTRA_MODELS.includes(model) ? TORCH_BENCH_EXTRA : TORCH_BENCH);
const OUT = fileURLToPath(new URL('../bench-results/training-step.json', import.meta.url));
const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
/** @tfai/core's folder (the LSTM sources whose commit the report names). */
const CORE_DIR = dirname(createRequire(import.meta.url).resolve('@tfai/core/package.json'));

for (const m of MODELS)
  if (!MODEL_NAMES.includes(m)) throw new Error(`BENCH_MODELS: '${m}' is not one of ${MODEL_NAMES.join(', ')}`);
for (const t of THREADS)
  if (!Number.isInteger(t) || t < 1) throw new Error(`BENCH_THREADS: '${t}' is not a positive integer`);
for (const b of BACKENDS)
  if (b !== 'wasm' && b !== 'webgpu') throw new Error(`BENCH_BACKENDS: '${b}' is not wasm or webgpu`);
if (TORCH_DEVICE !== 'cpu' && TORCH_DEVICE !== 'cuda')
  throw new Error(`BENCH_TORCH_DEVICE: '${TORCH_DEVICE}' is not cpu or cuda`);

/** bench.py's RESULT line, plus the process's peak RSS. */
interface TorchResult {
  median_ms: number;
  threads: number;
  backend: string;
  times_ms: number[];
  loss_last: number;
  max_rss_bytes?: number;
  /** The BLAS libraries the PyTorch process had loaded. */
  blas?: string;
  [k: string]: unknown;
}
type Outcome<T> = { ok: true; result: T } | { ok: false; error: string };

interface Row {
  round: number;
  backend: 'wasm' | 'webgpu';
  model: ModelName;
  hidden?: number;
  threads: number;
  /** wasm's own kernels (TFAI_NATIVE=0). */
  tfai: Outcome<MeasureResult>;
  /** The same step with native (oneDNN) kernels (TFAI_NATIVE=1), on wasm rows when BENCH_NATIVE=1. */
  native?: Outcome<MeasureResult>;
  torch: Outcome<TorchResult> | { ok: false; skipped: string };
  /** torch_ms / tfai_ms: 1 = as fast as PyTorch, the goal is ≥ 0.5. */
  ratio: number | null;
  /** torch_ms / native ms. */
  native_ratio?: number | null;
  /** Parameter counts of both sides (PyTorch's as its script printed it, or models.ts's figure for bench.py's). */
  params: { tfai: number | null; torch: number | null; match: boolean | null };
}

const log = (s: string) => process.stderr.write(`${s}\n`);

/** The JSON of the last `RESULT {…}` line of a child's stdout. */
function parseResult<T>(stdout: string): T | undefined {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('RESULT '));
  return line ? (JSON.parse(line.slice(7)) as T) : undefined;
}

function failure(r: ReturnType<typeof spawnSync>, what: string, timeoutS?: number): string {
  const err = r.error as NodeJS.ErrnoException | undefined;
  if (err?.code === 'ETIMEDOUT') return `${what}: no result within ${timeoutS} s (killed)`;
  if (err) return `${what}: ${err.message}`;
  const tail = String(r.stderr ?? '')
    .trim()
    .split('\n')
    .slice(-3)
    .join(' | ');
  return `${what}: exit ${r.status ?? r.signal}${tail ? ` — ${tail}` : ''}`;
}

function runTfai(
  backend: 'wasm' | 'webgpu',
  model: ModelName,
  threads: number,
  hidden: number,
  native = false,
): Outcome<MeasureResult> {
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(new URL('measure.ts', import.meta.url))], {
    cwd: BENCH_DIR,
    env: {
      ...process.env,
      MODEL: model,
      THREADS: String(threads),
      HIDDEN: String(hidden),
      ...stepsOf(model),
      ...(model === 'collab' ? { BENCH_PROFILE_STEPS: env('COLLAB_PROFILE_STEPS', '10') } : {}),
      TFAI_BACKEND: backend,
      BACKEND: backend,
      TFAI_NATIVE: native ? '1' : '0',
    },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: TIMEOUT_S * 1000,
    maxBuffer: 64 << 20,
  });
  const result = r.status === 0 ? parseResult<MeasureResult>(r.stdout) : undefined;
  if (result && native && !result.native)
    return { ok: false, error: 'native kernels unavailable (@tfai/native not built)' };
  return result ? { ok: true, result } : { ok: false, error: failure(r, 'tfai', TIMEOUT_S) };
}

function torchMissing(): string | undefined {
  for (const f of new Set(MODELS.map(torchScript))) if (!existsSync(f)) return `${f} not found`;
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON}: ${r.error.message}`;
  if (r.status !== 0) return `${PYTHON} has no torch (apt-get install python3-torch python3-torchvision)`;
  return undefined;
}

/** Runs bench.py unchanged in a Python that then prints its peak RSS (ru_maxrss, KB on Linux) and the BLAS it loaded. */
const TORCH_WRAPPER = [
  'import resource, runpy, sys',
  ...(TORCH_DEVICE === 'cuda' ? ['import torch', "torch.set_default_device('cuda')"] : []),
  'sys.argv = [sys.argv[1]]',
  "runpy.run_path(sys.argv[0], run_name='__main__')",
  "print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)",
  "blas = sorted({l.split()[-1] for l in open('/proc/self/maps') if 'blas' in l.split()[-1]})",
  "print('BLAS', ' '.join(blas))",
].join('\n');

/**
 * Debian's python3-torch does its matmuls (Linear, LSTM) through `libblas.so.3`, which is netlib's unoptimised
 * reference BLAS unless an optimised one is installed: ~10× slower than OpenBLAS on the LSTM LM (convolutions go
 * through oneDNN either way), and far slower than the MKL of PyTorch's own wheels. So the PyTorch side loads
 * OpenBLAS when it is installed (`apt-get install libopenblas0-openmp`), through LD_LIBRARY_PATH for that process
 * only, whatever the system's alternative says. `TORCH_BLAS_DIR=` (empty) keeps the system's BLAS.
 */
const TORCH_BLAS_DIR =
  process.env.TORCH_BLAS_DIR ??
  [
    '/usr/lib/x86_64-linux-gnu/openblas-openmp',
    '/usr/lib/x86_64-linux-gnu/openblas-pthread',
    '/usr/lib/aarch64-linux-gnu/openblas-openmp',
  ].find((d) => existsSync(`${d}/libblas.so.3`)) ??
  '';

/**
 * The environment of a PyTorch process at `threads` threads: OpenBLAS from TORCH_BLAS_DIR, and OpenMP threads that
 * sleep when idle (PASSIVE: with another process on a core, spinning OpenMP threads make a step up to 10× slower).
 */
function torchEnv(threads: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    OMP_WAIT_POLICY: 'PASSIVE',
    ...(TORCH_BLAS_DIR
      ? {
          LD_LIBRARY_PATH: [TORCH_BLAS_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
          OPENBLAS_NUM_THREADS: String(threads),
        }
      : {}),
  };
}

function runTorch(model: ModelName, threads: number, hidden: number): Outcome<TorchResult> {
  const r = spawnSync(PYTHON, ['-c', TORCH_WRAPPER, torchScript(model)], {
    env: {
      ...torchEnv(threads),
      MODEL: model,
      THREADS: String(threads),
      HIDDEN: String(hidden),
      ...stepsOf(model),
    },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: TIMEOUT_S * 1000,
    maxBuffer: 64 << 20,
  });
  const result = r.status === 0 ? parseResult<TorchResult>(r.stdout) : undefined;
  if (!result) return { ok: false, error: failure(r, 'pytorch', TIMEOUT_S) };
  const rss = /MAXRSS_KB (\d+)/.exec(r.stdout);
  if (rss) result.max_rss_bytes = Number(rss[1]) * 1024;
  const blas = /^BLAS (.*)$/m.exec(r.stdout);
  if (blas) result.blas = blas[1];
  return { ok: true, result };
}

/** The LSTM implementation measured: lstmRecurrence's last commit, and whether the tree has changes on top. */
function lstmSource(): string {
  const files = ['src/nn/layers/lstm.ts', 'src/nn/layers/lstm-recurrence.ts'];
  const git = (...a: string[]) => spawnSync('git', a, { cwd: CORE_DIR, encoding: 'utf8' }).stdout?.trim() ?? '';
  const commit = git('log', '-1', '--format=%h %s', '--', ...files);
  const dirty = git('status', '--porcelain', '--', ...files);
  return `core LSTM (input projection in one matMul + lstmRecurrence, hand-written BPTT via tf.customGrad) at ${commit || 'uncommitted'}${dirty ? `; uncommitted changes: ${dirty.replace(/\n/g, ', ')}` : ''}`;
}

const fmt = (v: number | undefined | null, d = 1) => (v === undefined || v === null ? '—' : v.toFixed(d));
const mb = (v: number | undefined | null) => (v === undefined || v === null ? '—' : `${(v / 2 ** 20).toFixed(0)}`);

function table(rows: Row[]): string {
  const head =
    '| round | backend | model | threads | tfai ms | native ms | torch ms | ratio | native ratio | peak tensor MB | wasm heap MB | tfai max RSS MB | torch max RSS MB | load tfai/torch | params tfai/torch |';
  const lines = rows.map((r) => {
    const t = r.tfai.ok ? r.tfai.result : undefined;
    const p = r.torch.ok ? r.torch.result : undefined;
    const name = r.model === 'lstm' ? `lstm h${r.hidden}` : r.model;
    const tms = t ? fmt(t.median_ms) : 'failed';
    const nms = r.native ? (r.native.ok ? fmt(r.native.result.median_ms) : 'failed') : '—';
    return `| ${r.round} | ${r.backend} | ${name} | ${t?.threads ?? r.threads} | ${tms} | ${nms} | ${p ? fmt(p.median_ms) : 'n/a'} | ${fmt(r.ratio, 3)} | ${fmt(r.native_ratio, 3)} | ${mb(t?.peak_tensor_bytes)} | ${mb(t?.wasm_heap_bytes)} | ${mb(t?.max_rss_bytes)} | ${mb(p?.max_rss_bytes)} | ${fmt(t?.loadavg[0])}/${fmt((p?.loadavg as number[] | undefined)?.[0])} | ${r.params.match === null ? '—' : r.params.match ? `${r.params.tfai} (same)` : `${r.params.tfai} ≠ ${r.params.torch}`} |`;
  });
  return [head, `|${'---|'.repeat(15)}`, ...lines].join('\n');
}

const started = new Date();
const loadStart = os.loadavg();
const skipTorch = torchMissing();
if (skipTorch) log(`bench: PyTorch side skipped: ${skipTorch}`);
else log(`bench: PyTorch BLAS: ${TORCH_BLAS_DIR || "the system's libblas.so.3"}`);
const rows: Row[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  for (const [backend, threads] of BACKENDS.flatMap((b) =>
    (b === 'wasm' ? THREADS : THREADS.slice(0, 1)).map((t) => [b, t] as const),
  )) {
    for (const model of MODELS) {
      const hiddens = model === 'lstm' ? [...HIDDENS] : [0];
      for (let k = 0; k < hiddens.length; k++) {
        const hidden = hiddens[k];
        const label = `${backend} ${model}${model === 'lstm' ? ` hidden ${hidden}` : ''}, ${threads} thread(s), round ${round}`;
        log(`bench: ${label}: tfai…`);
        const tfai = runTfai(backend, model, threads, hidden || 1152);
        log(
          `bench: ${label}: tfai ${tfai.ok ? `${tfai.result.median_ms} ms (threads in use: ${tfai.result.threads})` : tfai.error}`,
        );
        const native =
          NATIVE && backend === 'wasm' ? runTfai(backend, model, threads, hidden || 1152, true) : undefined;
        if (native)
          log(
            `bench: ${label}: native ${native.ok ? `${native.result.median_ms} ms (${native.result.native})` : native.error}`,
          );
        const torch = skipTorch ? { ok: false as const, skipped: skipTorch } : runTorch(model, threads, hidden || 1152);
        if (!skipTorch)
          log(
            `bench: ${label}: pytorch ${torch.ok ? `${torch.result.median_ms} ms` : 'error' in torch ? torch.error : ''}`,
          );
        const ratioOf = (t: Outcome<MeasureResult> | undefined) =>
          t?.ok && torch.ok ? Math.round((torch.result.median_ms / t.result.median_ms) * 1000) / 1000 : null;
        const ratio = ratioOf(tfai);
        const pt = tfai.ok ? tfai.result.n_params : null;
        const pp =
          torch.ok && typeof torch.result.n_params === 'number'
            ? torch.result.n_params
            : tfai.ok
              ? tfai.result.torch_params
              : null;
        const params = { tfai: pt, torch: pp, match: pt === null || pp === null ? null : pt === pp };
        if (params.match === false) log(`bench: ${label}: parameter counts differ: tfai ${pt}, pytorch ${pp}`);
        rows.push({
          round,
          backend,
          model,
          ...(model === 'lstm' ? { hidden } : {}),
          threads,
          tfai,
          ...(native ? { native, native_ratio: ratioOf(native) } : {}),
          torch,
          ratio,
          params,
        });
        if (model === 'lstm' && !tfai.ok && !hiddens.includes(FALLBACK_HIDDEN)) {
          log(`bench: lstm hidden ${hidden} failed on ${backend}; measuring hidden ${FALLBACK_HIDDEN} too`);
          hiddens.push(FALLBACK_HIDDEN);
        }
      }
    }
  }
}

/**
 * The matrix-product ceiling (src/gemm.ts, torch/gemm.py) at each thread count: GFLOP/s of both sides
 * at each model's dominant product shape and their ratio, the most a step made of such products can reach.
 */
interface GemmRow {
  threads: number;
  shapes: {
    m: number;
    k: number;
    n: number;
    what: string;
    tfai_gflops: number;
    /** The same product through oneDNN (@tfai/native), null without it. */
    native_gflops: number | null;
    /** Through oneDNN's matmul primitive (`TFAI_NATIVE_GEMM=primitive`), null without the addon. */
    native_primitive_gflops?: number | null;
    /** Through oneDNN's dnnl_sgemm (`TFAI_NATIVE_GEMM=sgemm`), null without the addon. */
    native_sgemm_gflops?: number | null;
    torch_gflops: number | null;
    ratio: number | null;
    /** native_gflops / torch_gflops. */
    native_ratio: number | null;
  }[];
  /** oneDNN's version and ISA, or why native kernels were off. */
  native?: string;
  error?: string;
}
function runGemm(threads: number): GemmRow {
  const t = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(new URL('gemm.ts', import.meta.url))], {
    cwd: BENCH_DIR,
    env: { ...process.env, THREADS: String(threads) },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: TIMEOUT_S * 1000,
  });
  const tr = t.status === 0 ? parseResult<GemmResult>(t.stdout) : undefined;
  if (!tr) return { threads, shapes: [], error: failure(t, 'tfai gemm', TIMEOUT_S) };
  const p = skipTorch
    ? undefined
    : spawnSync(PYTHON, [fileURLToPath(new URL('../torch/gemm.py', import.meta.url))], {
        env: {
          ...torchEnv(threads),
          THREADS: String(threads),
          SHAPES: JSON.stringify(GEMM_SHAPES.map((g) => [g.m, g.k, g.n])),
        },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: TIMEOUT_S * 1000,
      });
  const pr =
    p && p.status === 0
      ? parseResult<{ shapes: { m: number; k: number; n: number; gflops: number }[] }>(p.stdout)
      : undefined;
  return {
    threads,
    shapes: tr.shapes.map((s) => {
      const q = pr?.shapes.find((x) => x.m === s.m && x.k === s.k && x.n === s.n);
      return {
        m: s.m,
        k: s.k,
        n: s.n,
        what: s.what,
        tfai_gflops: s.gflops,
        native_gflops: s.native_gflops,
        native_primitive_gflops: s.native_primitive_gflops,
        native_sgemm_gflops: s.native_sgemm_gflops,
        torch_gflops: q?.gflops ?? null,
        ratio: q ? Math.round((s.gflops / q.gflops) * 1000) / 1000 : null,
        native_ratio: q && s.native_gflops !== null ? Math.round((s.native_gflops / q.gflops) * 1000) / 1000 : null,
      };
    }),
    native: tr.native,
    ...(p && !pr ? { error: failure(p, 'pytorch gemm', TIMEOUT_S) } : {}),
  };
}
const gemm: GemmRow[] = [];
if (env('BENCH_GEMM', '1') === '1')
  for (const threads of THREADS) {
    log(`bench: matrix-product ceiling, ${threads} thread(s)…`);
    gemm.push(runGemm(threads));
  }

function gemmTable(rows: GemmRow[]): string {
  const lines = rows.flatMap((g) =>
    g.error && g.shapes.length === 0
      ? [`| ${g.threads} | ${g.error} | | | | | | | |`]
      : g.shapes.map(
          (s) =>
            `| ${g.threads} | ${s.m}×${s.k}×${s.n} (${s.what}) | ${fmt(s.tfai_gflops)} | ${fmt(s.native_gflops)} | ${fmt(s.native_primitive_gflops ?? null)} | ${fmt(s.native_sgemm_gflops ?? null)} | ${fmt(s.torch_gflops)} | ${fmt(s.ratio, 2)} | ${fmt(s.native_ratio, 2)} |`,
        ),
  );
  return [
    '| threads | C = A·B, m×k×n | tfai GFLOP/s | native GFLOP/s | native primitive | native sgemm | torch GFLOP/s | ratio | native ratio |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...lines,
  ].join('\n');
}

/** Per model (and LSTM size) and thread count: the median over rounds of tfai ms, torch ms and their ratio. */
function summarize(rows: Row[]) {
  const med = (v: number[]) => {
    const s = [...v].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length === 0 ? null : s.length % 2 ? s[m] : Math.round(((s[m - 1] + s[m]) / 2) * 1000) / 1000;
  };
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.backend} ${r.model}${r.hidden ? ` h${r.hidden}` : ''} @${r.threads}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.entries()].map(([key, rs]) => {
    const ratio = med(rs.flatMap((r) => (r.ratio === null ? [] : [r.ratio])));
    const nativeRatio = med(rs.flatMap((r) => (r.native_ratio == null ? [] : [r.native_ratio])));
    return {
      key,
      tfai_ms: med(rs.flatMap((r) => (r.tfai.ok ? [r.tfai.result.median_ms] : []))),
      native_ms: med(rs.flatMap((r) => (r.native?.ok ? [r.native.result.median_ms] : []))),
      native_ratio: nativeRatio,
      torch_ms: med(rs.flatMap((r) => (r.torch.ok ? [r.torch.result.median_ms] : []))),
      ratio,
      meets_goal: ratio === null ? null : ratio >= 0.5,
    };
  });
}

const report = {
  bench: `tfai training step (forward, backward, Adam lr 1e-3) on ${BACKENDS.join(', ')} vs PyTorch (${TORCH_DEVICE}), torch/bench.py (the reference's) and torch/bench_extra.py`,
  goal: 'ratio = torch_ms / tfai_ms >= 0.5 (half of PyTorch speed on the same cores)',
  started: started.toISOString(),
  finished: new Date().toISOString(),
  machine: {
    cpus: os.availableParallelism(),
    loadavg_start: loadStart,
    loadavg_end: os.loadavg(),
    node: process.version,
  },
  config: {
    models: MODELS,
    threads: THREADS,
    backends: BACKENDS,
    torch_device: TORCH_DEVICE,
    lstm_hidden: HIDDENS,
    warm: Number(WARM),
    steps: Number(STEPS),
    lstm_warm: Number(stepsOf('lstm').WARM),
    lstm_steps: Number(stepsOf('lstm').STEPS),
    steps_per_model: Object.fromEntries(
      MODELS.map((m) => [m, { warm: Number(stepsOf(m).WARM), steps: Number(stepsOf(m).STEPS) }]),
    ),
    profile: process.env.BENCH_PROFILE === '1',
    rounds: ROUNDS,
    timeout_s: TIMEOUT_S,
  },
  lstm: lstmSource(),
  torch: skipTorch
    ? { skipped: skipTorch }
    : {
        python: PYTHON,
        script: TORCH_BENCH,
        script_extra: TORCH_BENCH_EXTRA,
        blas: TORCH_BLAS_DIR
          ? `OpenBLAS from ${TORCH_BLAS_DIR} (LD_LIBRARY_PATH of the PyTorch process)`
          : "the system's libblas.so.3 (if that is netlib's reference BLAS, PyTorch's matmuls are ~10x slower than with OpenBLAS)",
      },
  summary: summarize(rows),
  rows,
  gemm,
};
mkdirSync(fileURLToPath(new URL('../bench-results/', import.meta.url)), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
log(`\n${table(rows)}\n${gemm.length ? `\n${gemmTable(gemm)}\n` : ''}\nbench: wrote ${OUT}`);
if (process.env.BENCH_PROFILE === '1') log(`\n${profileTable(report)}`);
console.log(JSON.stringify(report, null, 2));
