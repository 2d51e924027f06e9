#!/usr/bin/env node
// Pack @tfai/core and one domain package into tarballs, install them into an empty project from the npm cache
// (`npm ci` filled it: --offline, or --prefer-offline where the cache lacks a package's metadata), and train there in plain Node as ESM and CommonJS
// consumers. Proves a user needs nothing else from the monorepo. Needs `npm run build` first (dist/).
//
//   node packages/integration/pack-install.mjs [--packages core,tabular] [--nodes current,22,24] [--keep]
//
// `--nodes 22,24` runs the consumers under other Node versions from the registry's `node` package
// (`npx -y -p node@22 node …`: a download, so not part of CI). Prints one JSON line of results at the end.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packCopy } from '../../scripts/pack-manifest.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const packages = arg('packages', 'core,tabular').split(',');
const nodes = arg('nodes', 'current').split(',');
const keep = process.argv.includes('--keep');

/** What a tarball may hold: built JS, declarations, README, package.json. */
const ALLOWED = /^(package\.json|README\.md|dist\/.+\.(js|d\.ts)|bin\/[\w.-]+\.js)$/;

function npm(args, cwd) {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** publint's main checks, offline: every `exports`/`main`/`types`/`bin` target is in the tarball, nothing else ships. */
function lintPack(manifest, files) {
  const problems = [];
  const has = (p) => files.includes(p.replace(/^\.\//, ''));
  const targets = [manifest.main, manifest.types];
  const walk = (v) =>
    typeof v === 'string' ? targets.push(v) : v && typeof v === 'object' && Object.values(v).forEach(walk);
  walk(manifest.exports);
  if (typeof manifest.bin === 'string') targets.push(manifest.bin);
  else if (manifest.bin) targets.push(...Object.values(manifest.bin));
  for (const t of targets.filter(Boolean)) if (!has(t)) problems.push(`${t} is referenced but not packed`);
  for (const f of files) if (!ALLOWED.test(f)) problems.push(`${f} should not be packed`);
  if (!has('README.md')) problems.push('README.md missing');
  for (const [cond, v] of Object.entries(manifest.exports?.['.'] ?? {})) {
    if (cond === 'types' && !String(v).endsWith('.d.ts')) problems.push(`exports.types ${v} is not a .d.ts`);
  }
  if (manifest.exports?.['.'] && Object.keys(manifest.exports['.'])[0] !== 'types')
    problems.push('exports["."]: "types" must come first');
  for (const dep of Object.keys({ ...manifest.dependencies })) {
    if (dep.startsWith('@tfai/') && manifest.dependencies[dep].startsWith('file:'))
      problems.push(`${dep} is a file: dependency`);
  }
  return problems;
}

/**
 * The versions the monorepo's lockfile installs (top-level entries), as npm `overrides`: the consumer then
 * resolves to exactly what `npm ci` put in the npm cache, so `--offline` works (without pins, npm would pick the
 * newest version in a cached packument, whose tarball was never fetched).
 */
function lockfilePins() {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const pins = {};
  for (const [path, entry] of Object.entries(lock.packages)) {
    const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(path);
    if (!m || entry.link || m[1].startsWith('@tfai/') || !entry.version) continue;
    pins[m[1]] = entry.version;
  }
  return pins;
}

const work = mkdtempSync(join(tmpdir(), 'tfai-pack-'));
const results = { tarballs: {}, runs: [] };
let failed = false;
try {
  // 1. Pack.
  const tarballs = [];
  for (const p of packages) {
    const dir = join(root, 'packages', p);
    // Packed from a staged copy (the working tree's manifest is never rewritten while other tests read it).
    const info = packCopy(dir, work);
    // The manifest as published (without the @tfai/source conditions), read from the tarball itself.
    const packed = spawnSync('tar', ['-xzOf', join(work, info.filename), 'package/package.json'], { encoding: 'utf8' });
    if (packed.status !== 0) throw new Error(`cannot read package.json from ${info.filename}: ${packed.stderr}`);
    const manifest = JSON.parse(packed.stdout);
    const files = info.files.map((f) => f.path);
    const problems = lintPack(manifest, files);
    // Source maps are not packed, so nothing packed may point at one (a .d.ts's `//# sourceMappingURL=….d.ts.map`
    // sends editors' go-to-definition to a missing file).
    const code = spawnSync('tar', ['-xzOf', join(work, info.filename), '--wildcards', 'package/dist/*'], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    }).stdout;
    if (/sourceMappingURL=/.test(code)) problems.push('a packed file references a source map that is not packed');
    results.tarballs[info.name] = {
      file: info.filename,
      size: info.size,
      unpackedSize: info.unpackedSize,
      entries: info.entryCount,
      problems,
    };
    console.log(
      `${info.name}@${info.version}: ${info.filename} ${(info.size / 1024).toFixed(1)} kB packed, ${(info.unpackedSize / 1024).toFixed(1)} kB unpacked, ${info.entryCount} files`,
    );
    for (const pr of problems) console.log(`  ✗ ${pr}`);
    if (problems.length) failed = true;
    tarballs.push(join(work, info.filename));
  }

  // 2. An empty project; install the tarballs from the npm cache only. --ignore-scripts: tfjs-node's install
  // script would download libtensorflow (without it tfai finds no native binding and uses wasm).
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'tfai-consumer', version: '1.0.0', private: true, overrides: lockfilePins() }, null, 2),
  );
  const t0 = Date.now();
  // `npm ci` caches the tarballs but not every package's registry metadata (packuments), which `npm install`
  // needs to resolve: where one is missing from the cache, fetch only the metadata (the versions stay pinned to
  // this lockfile's by `overrides`, and the tarballs come from the cache).
  try {
    npm(['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', ...tarballs], app);
  } catch (e) {
    if (!/ENOTCACHED/.test(String(e.stderr))) throw e;
    console.log('npm cache lacks some registry metadata: installing with --prefer-offline');
    npm(['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', ...tarballs], app);
  }
  const installed = JSON.parse(npm(['ls', '--json', '--depth=0'], app)).dependencies;
  // The install's weight (`du -sb node_modules`) and what it holds: one tfjs-core, no umbrella, no opt-in packages.
  const bytes = Number(execFileSync('du', ['-sb', join(app, 'node_modules')], { encoding: 'utf8' }).split('\t')[0]);
  const all = JSON.parse(npm(['ls', '--json', '--all', '--long=false'], app));
  const versions = {};
  const walk = (deps) => {
    for (const [name, d] of Object.entries(deps ?? {})) {
      if (d.version && !d.deduped) (versions[name] ??= new Set()).add(d.version);
      walk(d.dependencies);
    }
  };
  walk(all.dependencies);
  const copies = (name) => [...(versions[name] ?? [])];
  results.install = {
    seconds: (Date.now() - t0) / 1000,
    dependencies: Object.keys(installed),
    bytes,
    tfjsCore: copies('@tensorflow/tfjs-core'),
    present: [
      '@tensorflow/tfjs',
      'webgpu',
      '@tensorflow/tfjs-backend-webgpu',
      'tokenizers',
      'vega',
      'vega-lite',
    ].filter((n) => copies(n).length > 0),
  };
  console.log(
    `installed ${Object.keys(installed).join(', ')} in ${results.install.seconds.toFixed(1)} s: node_modules ${(bytes / 1e6).toFixed(1)} MB`,
  );
  for (const f of ['train.mjs', 'train.cjs']) copyFileSync(join(here, 'consumer', f), join(app, f));

  // 3. Consumers under each Node version.
  for (const v of nodes) {
    const cmd = v === 'current' ? [process.execPath] : ['npx', '-y', '-p', `node@${v}`, 'node'];
    for (const f of ['train.mjs', 'train.cjs']) {
      const t = Date.now();
      const r = spawnSync(cmd[0], [...cmd.slice(1), f], {
        cwd: app,
        encoding: 'utf8',
        env: { ...process.env, FORCE_COLOR: '0' },
      });
      const last = r.stdout.trim().split('\n').pop() ?? '';
      let out;
      try {
        out = JSON.parse(last);
      } catch {
        out = undefined;
      }
      const run = {
        node: v,
        consumer: f,
        ok: r.status === 0 && out !== undefined,
        seconds: (Date.now() - t) / 1000,
        ...out,
      };
      if (
        f === 'train.mjs' &&
        run.ok &&
        !(
          run.accuracy > 0.8 &&
          run.green === 'hi' &&
          run.red === 'lo' &&
          run.plot === 'npm install vega@^6.4.0 vega-lite@~6.4.3 sharp@^0.35.5'
        )
      )
        run.ok = false;
      if (!run.ok) {
        failed = true;
        console.log(r.stdout.slice(-3000), r.stderr.slice(-3000));
      }
      results.runs.push(run);
      console.log(`${run.ok ? '✓' : '✗'} node ${v} ${f}: ${JSON.stringify(out)} (${run.seconds.toFixed(1)} s)`);
    }
    // The installed `tfai` bin (node_modules/.bin/tfai → @tfai/core/bin/tfai.js → dist/cli/doctor.js), as `npx tfai doctor` runs it.
    const doctor = spawnSync(cmd[0], [...cmd.slice(1), join('node_modules', '.bin', 'tfai'), 'doctor', '--json'], {
      cwd: app,
      encoding: 'utf8',
    });
    if (doctor.status === 0)
      results.runs.push({ node: v, consumer: 'tfai doctor', ok: true, ...JSON.parse(doctor.stdout) });
    else {
      failed = true;
      console.log(
        `✗ node ${v} tfai doctor: exit ${doctor.status}`,
        doctor.stdout.slice(-2000),
        doctor.stderr.slice(-2000),
      );
    }
  }
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
console.log(JSON.stringify(results));
process.exit(failed ? 1 : 0);
