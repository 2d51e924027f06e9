#!/usr/bin/env node
// What `npm install` of the published packages weighs: pack every published @tfai package, install each
// combination into an empty project from the npm cache (`npm ci` filled it; --offline, or --prefer-offline where
// the cache lacks a package's registry metadata, the versions pinned to this lockfile's), and report the size of
// node_modules, its largest packages, and whether it holds exactly one @tensorflow/tfjs-core. Needs `npm run build`.
//
//   node packages/integration/install-size.mjs [--combos core+tabular,core+vision,all] [--with vega,vega-lite]
//
// `--with` adds packages a user installs beside ours (the optional peers: plotting's vega stack, webgpu) to every
// combination (`name` at this lockfile's version, or `name@version`). Prints one JSON line of results at the end: {combos: {name: {bytes, mb, top, tfjsCores}}}.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const PUBLISHED = ['core', 'tabular', 'vision', 'text', 'siamese'];
const combos = arg('combos', 'core+tabular,core+vision,all')
  .split(',')
  .map((c) => ({ name: c, packages: c === 'all' ? PUBLISHED : c.split('+') }));
const extra = (arg('with', '') || '').split(',').filter(Boolean);
const keep = process.argv.includes('--keep');

const npm = (args, cwd) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });

/** The versions this lockfile installs (top-level entries) as `overrides`, so an offline install finds them cached. */
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

/** `du -sb`: apparent bytes of a folder (what `du -sh` rounds). */
const du = (dir) => Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);

/** Every installed package folder under node_modules (nested ones too), with its name. */
function packageDirs(nm) {
  const out = [];
  const visit = (dir) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir)) {
      if (e.startsWith('.')) continue;
      if (e.startsWith('@')) {
        for (const s of readdirSync(join(dir, e))) out.push({ name: `${e}/${s}`, dir: join(dir, e, s) });
      } else out.push({ name: e, dir: join(dir, e) });
    }
  };
  visit(nm);
  for (let i = 0; i < out.length; i++) visit(join(out[i].dir, 'node_modules'));
  return out;
}

const work = mkdtempSync(join(tmpdir(), 'tfai-size-'));
const results = { node: process.version, npm: npm(['--version'], root).trim(), with: extra, combos: {} };
try {
  const tarballs = {};
  for (const p of new Set(combos.flatMap((c) => c.packages))) {
    const info = packCopy(join(root, 'packages', p), work);
    tarballs[p] = join(work, info.filename);
  }
  const pins = lockfilePins();
  for (const c of combos) {
    const app = join(work, c.name.replace(/\W/g, '_'));
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'size', private: true, overrides: pins }));
    const specs = [
      ...c.packages.map((p) => tarballs[p]),
      ...extra.map((e) => (e.lastIndexOf('@') > 0 || !pins[e] ? e : `${e}@${pins[e]}`)),
    ];
    const base = ['install', '--ignore-scripts', '--no-audit', '--no-fund', ...specs];
    try {
      npm(['--offline', ...base], app);
    } catch (e) {
      if (!/ENOTCACHED/.test(String(e.stderr))) throw e;
      npm(['--prefer-offline', ...base], app);
    }
    const nm = join(app, 'node_modules');
    const pkgs = packageDirs(nm);
    const sizes = pkgs
      .filter((p) => !pkgs.some((q) => q !== p && p.dir.startsWith(`${q.dir}/`)))
      .map((p) => ({ name: p.name, mb: +(du(p.dir) / 1e6).toFixed(1) }))
      .sort((a, b) => b.mb - a.mb);
    const bytes = du(nm);
    const tfjsCores = pkgs
      .filter((p) => p.name === '@tensorflow/tfjs-core')
      .map((p) => JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8')).version);
    results.combos[c.name] = {
      packages: c.packages,
      bytes,
      mb: +(bytes / 1e6).toFixed(1),
      count: pkgs.length,
      tfjsCores,
      top: sizes.slice(0, 12),
      has: Object.fromEntries(
        ['@tensorflow/tfjs', 'webgpu', 'tokenizers', 'vega', 'vega-lite', 'sharp'].map((n) => [
          n,
          pkgs.some((p) => p.name === n),
        ]),
      ),
    };
    console.log(
      `${c.name}: ${(bytes / 1e6).toFixed(1)} MB in ${pkgs.length} packages; largest ${sizes
        .slice(0, 6)
        .map((s) => `${s.name} ${s.mb}`)
        .join(', ')}`,
    );
    if (!keep) rmSync(app, { recursive: true, force: true });
  }
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
console.log(JSON.stringify(results));
