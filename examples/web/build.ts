// Builds examples/web into examples/web/dist: the two pages bundled by esbuild (platform browser, the packages'
// roots), their HTML and CSS, tfjs-backend-wasm's .wasm files, the image model `npm run demo` exported (running the
// quick demo first when there is none), a titanic tabular model (trained here the first time, a few seconds), and a
// few sample images. Prints the bundle sizes. Run by `npm run demo:web` (serve.ts), or alone:
//   node --conditions=@tfai/source --import tsx examples/web/build.ts
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundlePage, wasmDir, wasmFiles, type BundleResult } from '@tfai/web-tests/bundle';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
export const DEFAULT_DIST = join(HERE, 'dist');

/** Where `npm run demo` writes its export (scripts/demo.ts: `$TFAI_DEMO_OUT/export.json`). */
export const DEMO_EXPORT = join(process.env.TFAI_DEMO_OUT ?? join(os.tmpdir(), 'tfai-demo'), 'export.json');

function imageExport(): string {
  if (existsSync(DEMO_EXPORT)) return DEMO_EXPORT;
  console.log(`demo:web: no ${DEMO_EXPORT} yet; running the quick demo (TFAI_DEMO_QUICK=1 npm run demo) to make one`);
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'demo.mjs')], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, TFAI_DEMO_QUICK: '1' },
  });
  if (r.status !== 0 || !existsSync(DEMO_EXPORT)) throw new Error(`demo:web: the demo did not write ${DEMO_EXPORT}`);
  return DEMO_EXPORT;
}

/** The titanic model of the tabular page, trained in Node (a few seconds) unless dist has one. */
async function tabularExport(dir: string): Promise<void> {
  if (existsSync(join(dir, 'export.json'))) return;
  const { accuracy, manualSeed } = await import('@tfai/core');
  const { setBackend } = await import('@tfai/core/backend');
  const { exportLearner } = await import('@tfai/core/io');
  const { TabularDataLoaders, tabularLearner } = await import('@tfai/tabular');
  const { datasets } = await import('@tfai/datasets');
  await setBackend();
  manualSeed(0);
  const dls = await TabularDataLoaders.fromCsv(join(datasets.path('titanic'), 'titanic.csv'), {
    yNames: ['survived'],
    catNames: ['pclass', 'sex'],
    contNames: ['age', 'sibsp', 'parch'],
    validPct: 0.2,
    seed: 42,
    bs: 64,
  });
  const learn = tabularLearner(dls, { metrics: [accuracy()], progress: false });
  await learn.fitOneCycle(4, 1e-2);
  const { metrics } = await learn.validate();
  console.log(`demo:web: titanic tabular model trained, validation accuracy ${(100 * metrics.accuracy).toFixed(1)}%`);
  mkdirSync(dir, { recursive: true });
  await exportLearner(learn, join(dir, 'export'));
  learn.dispose();
}

/** Six validation images of the image model's data set, one per class, for the page's sample buttons. */
function samples(DIST: string): string[] {
  const valid = join(ROOT, 'packages', 'datasets', 'data', 'fashion_mnist', 'valid');
  mkdirSync(join(DIST, 'samples'), { recursive: true });
  return readdirSync(valid)
    .sort()
    .slice(0, 6)
    .map((cls) => {
      const f = readdirSync(join(valid, cls)).sort()[0];
      copyFileSync(join(valid, cls, f), join(DIST, 'samples', `${cls}.png`));
      return `${cls}.png`;
    });
}

export interface BuildResult {
  classify: BundleResult;
  tabular: BundleResult;
  wasm: { name: string; bytes: number; gzip: number }[];
}

export interface BuildOptions {
  /** The image model's export JSON (default `npm run demo`'s, made by the quick demo when absent). */
  imageExport?: string;
  /** The output folder (default examples/web/dist). */
  dist?: string;
}

/**
 * Builds dist/ (the models included) and returns the bundles' sizes.
 * @example
 * ```ts
 * const { classify } = await buildExample();
 * ```
 */
export async function buildExample(opts: BuildOptions = {}): Promise<BuildResult> {
  const DIST = opts.dist ?? DEFAULT_DIST;
  mkdirSync(join(DIST, 'wasm'), { recursive: true });
  const [classify, tabular] = [
    await bundlePage(join(HERE, 'src', 'classify.ts'), join(DIST, 'classify.js')),
    await bundlePage(join(HERE, 'src', 'tabular.ts'), join(DIST, 'tabular.js')),
  ];
  for (const f of ['index.html', 'tabular.html', 'style.css']) copyFileSync(join(HERE, f), join(DIST, f));
  const buttons = samples(DIST)
    .map((s) => `<button type="button" data-sample="samples/${s}">${basename(s, '.png').replaceAll('_', ' ')}</button>`)
    .join('');
  writeFileSync(
    join(DIST, 'classify.html'),
    readFileSync(join(HERE, 'classify.html'), 'utf8').replace('<!-- filled at build time -->', buttons),
  );
  for (const w of wasmFiles()) copyFileSync(join(wasmDir(), w.name), join(DIST, 'wasm', w.name));
  // The image model: the demo's export, both files (the JSON names its weights file).
  const json = opts.imageExport ?? imageExport();
  const models = join(DIST, 'models', 'image');
  mkdirSync(models, { recursive: true });
  copyFileSync(json, join(models, 'export.json'));
  copyFileSync(json.replace(/\.json$/, '.safetensors'), join(models, 'export.safetensors'));
  await tabularExport(join(DIST, 'models', 'tabular'));
  return { classify, tabular, wasm: wasmFiles() };
}

const kB = (n: number) => `${(n / 1024).toFixed(0)} kB`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await buildExample();
  for (const [name, b] of [
    ['classify.js', r.classify],
    ['tabular.js', r.tabular],
  ] as const)
    console.log(`${name}: ${kB(b.bytes)} minified, ${kB(b.gzip)} gzip`);
  for (const w of r.wasm) console.log(`${w.name}: ${kB(w.bytes)}, ${kB(w.gzip)} gzip`);
  process.exit(0);
}
