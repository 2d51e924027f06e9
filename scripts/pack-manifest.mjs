// `prepack`/`postpack` of every published @tfai package. The "@tfai/source" export condition points our own
// tooling (vitest, tsc, tsx) at src/, which is not packed; a published manifest must not name it. `strip` keeps
// the package.json as it is in `.package.json.source` and writes it without those conditions; `restore` puts the
// original back byte for byte (and a later `strip` starts from a kept original if a pack was interrupted).
//
// `npm publish` packs in place (nothing else runs then). Tests and scripts that pack while other tasks read the
// workspace (the integration tests run beside the browser tests under Nx) use `packCopy` instead: it stages the
// package in a temporary folder, strips the copy's manifest and packs that, so the working tree's package.json is
// never rewritten under a concurrent reader (a reader that caught it truncated saw "File is empty").
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const FILE = 'package.json';
const KEPT = '.package.json.source';
const CONDITION = '@tfai/source';

/** The exports map without the source condition, recursively. */
const strip = (v) =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(
        Object.entries(v)
          .filter(([k]) => k !== CONDITION)
          .map(([k, x]) => [k, strip(x)]),
      )
    : v;

/** The published form of a manifest: no source conditions in `exports` or in the `imports` map (#platform/*). */
export function publishedManifest(manifest) {
  const out = { ...manifest, exports: strip(manifest.exports) };
  if (manifest.imports) out.imports = strip(manifest.imports);
  return out;
}

const write = (file, manifest) => writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);

/**
 * `npm pack` of the package in `dir` without touching it: copy it (less node_modules and a kept original) to a
 * temporary folder, write the published manifest there, pack with scripts off into `dest`. Returns npm's
 * `--json` entry for the tarball (name, filename, size, files…).
 */
export function packCopy(dir, dest) {
  const stage = mkdtempSync(join(tmpdir(), `tfai-stage-${basename(dir)}-`));
  try {
    cpSync(dir, stage, {
      recursive: true,
      filter: (src) => !/[\\/](node_modules|\.package\.json\.source)$/.test(src.slice(dir.length)),
    });
    write(join(stage, FILE), publishedManifest(JSON.parse(readFileSync(join(dir, FILE), 'utf8'))));
    const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', resolve(dest)], {
      cwd: stage,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 1 << 26,
    });
    return JSON.parse(out)[0];
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const mode = process.argv[2];
  if (mode === 'strip') {
    if (!existsSync(KEPT)) writeFileSync(KEPT, readFileSync(FILE));
    write(FILE, publishedManifest(JSON.parse(readFileSync(KEPT, 'utf8'))));
  } else if (mode === 'restore') {
    if (existsSync(KEPT)) renameSync(KEPT, FILE);
  } else {
    console.error('usage: node scripts/pack-manifest.mjs strip|restore');
    process.exit(2);
  }
}
