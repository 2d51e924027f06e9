// `prepack`/`postpack` of every published @tfai package. The "@tfai/source" export condition points our own
// tooling (vitest, tsc, tsx) at src/, which is not packed; a published manifest must not name it. `strip` keeps
// the package.json as it is in `.package.json.source` and writes it without those conditions; `restore` puts the
// original back byte for byte (and a later `strip` starts from a kept original if a pack was interrupted).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

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

const mode = process.argv[2];
if (mode === 'strip') {
  if (!existsSync(KEPT)) writeFileSync(KEPT, readFileSync(FILE));
  const manifest = JSON.parse(readFileSync(KEPT, 'utf8'));
  manifest.exports = strip(manifest.exports);
  // The `imports` map (#platform/*) nests the same condition over the sources.
  if (manifest.imports) manifest.imports = strip(manifest.imports);
  writeFileSync(FILE, `${JSON.stringify(manifest, null, 2)}\n`);
} else if (mode === 'restore') {
  if (existsSync(KEPT)) renameSync(KEPT, FILE);
} else {
  console.error('usage: node scripts/pack-manifest.mjs strip|restore');
  process.exit(2);
}
