#!/usr/bin/env node
// Builds the oneDNN addon with node-gyp (npm's own copy). Never fails the install: @tfai/native is optional, and
// where the build fails (no compiler, no oneDNN) the reason is written to build/error.txt, which @tfai/core's
// `tfai doctor` prints, and tfai runs its wasm kernels instead.
//   node scripts/build.cjs           build unless build/Release/tfai_native.node exists
//   node scripts/build.cjs --force   rebuild
//   node scripts/build.cjs --strict  exit 1 when the build fails (CI)
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const binary = path.join(root, 'build', 'Release', 'tfai_native.node');
const errorFile = path.join(root, 'build', 'error.txt');
const force = process.argv.includes('--force');
const strict = process.argv.includes('--strict');

if (process.env.TFAI_NATIVE_SKIP_BUILD === '1') {
  console.log('@tfai/native: build skipped (TFAI_NATIVE_SKIP_BUILD=1)');
  process.exit(0);
}
if (!force && fs.existsSync(binary)) process.exit(0);

/** npm's bundled node-gyp: npm sets npm_config_node_gyp in lifecycle scripts; else next to this node's npm. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(
      path.dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
    path.join(path.dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  for (const c of candidates) if (c && fs.existsSync(c)) return c;
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return undefined;
  }
}

function fail(reason) {
  fs.mkdirSync(path.dirname(errorFile), { recursive: true });
  fs.writeFileSync(errorFile, `${reason}\n`);
  console.warn(`@tfai/native: not built (${reason.split('\n')[0]}); tfai will use its wasm kernels`);
  process.exit(strict ? 1 : 0);
}

const gyp = nodeGyp();
if (!gyp) fail('node-gyp not found (it comes with npm)');
const args = [gyp, 'rebuild'];
// Node's headers: the ones installed beside this node (Debian's nodejs, nvm, the official tarballs) when present,
// so that no download is needed; else node-gyp downloads them.
const prefix = path.join(path.dirname(process.execPath), '..');
if (!process.env.npm_config_nodedir && fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${path.resolve(prefix)}`);
}
const res = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
if (res.status !== 0 || !fs.existsSync(binary)) {
  const out = `${res.stdout ?? ''}\n${res.stderr ?? ''}`;
  const dnnl = /dnnl\.hpp|dnnl\.h|-ldnnl/.test(out);
  const head = dnnl
    ? 'oneDNN not found: install it (Debian/Ubuntu: apt install libdnnl-dev; macOS: brew install onednn)'
    : `node-gyp failed (exit ${res.status})`;
  fail(`${head}\n${out.trim().split('\n').slice(-30).join('\n')}`);
}
fs.rmSync(errorFile, { force: true });
console.log('@tfai/native: built build/Release/tfai_native.node');
