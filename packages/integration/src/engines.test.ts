// Engines that hold: every package we publish declares the same Node range, and every package a user's install can
// hold (our dependencies, optional dependencies and peers, and theirs, recursively, as installed here) allows every
// Node version in that range (`semver.subset`). `tfai doctor` and the README say the same range.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NODE_ENGINES } from '@tfai/core/backend';
import { nodeSatisfies } from '@tfai/core/internal';

interface Semver {
  subset(sub: string, dom: string): boolean;
  satisfies(version: string, range: string): boolean;
  validRange(range: string): string | null;
}
const semver = createRequire(import.meta.url)('semver') as Semver;

const root = fileURLToPath(new URL('../../../', import.meta.url));
const PUBLISHED = ['core', 'vision', 'tabular', 'text', 'siamese', 'datasets'];

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}
const read = (file: string): Manifest => JSON.parse(readFileSync(file, 'utf8')) as Manifest;

/** Node's lookup: `dir/node_modules/name`, then each parent folder's. */
function resolvePackage(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Every package reachable from our published packages' production dependencies, optional ones and peers. */
function productionTree(): { name: string; version: string; node?: string; via: string }[] {
  const seen = new Map<string, { name: string; version: string; node?: string; via: string }>();
  const queue: { dir: string; via: string; top: boolean }[] = PUBLISHED.map((p) => ({
    dir: join(root, 'packages', p),
    via: `@tfai/${p}`,
    top: true,
  }));
  while (queue.length) {
    const { dir, via, top } = queue.shift()!;
    const m = read(join(dir, 'package.json'));
    const deps = { ...m.dependencies, ...m.optionalDependencies, ...(top ? m.peerDependencies : {}) };
    for (const name of Object.keys(deps)) {
      if (name.startsWith('@tfai/')) continue;
      const found = resolvePackage(dir, name);
      if (!found) {
        // Only optional ones may be missing here (tfjs-node's install downloads libtensorflow: not in this tree).
        const optional = name in (m.optionalDependencies ?? {}) || m.peerDependenciesMeta?.[name]?.optional;
        expect(optional, `${via} → ${name} is not installed`).toBeTruthy();
        continue;
      }
      if (seen.has(found)) continue;
      const dm = read(join(found, 'package.json'));
      seen.set(found, { name: dm.name, version: dm.version, node: dm.engines?.node, via: `${via} → ${name}` });
      queue.push({ dir: found, via: `${via} → ${name}`, top: false });
    }
  }
  return [...seen.values()];
}

describe('engines', () => {
  it('every published package, the root and tfai doctor declare one Node range', () => {
    const rootRange = read(join(root, 'package.json')).engines?.node;
    expect(semver.validRange(NODE_ENGINES)).not.toBeNull();
    expect(rootRange).toBe(NODE_ENGINES);
    for (const p of PUBLISHED)
      expect(read(join(root, 'packages', p, 'package.json')).engines?.node, p).toBe(NODE_ENGINES);
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain(`\`${NODE_ENGINES}\``);
  });

  it("every production dependency's engines.node allows every Node version in our range", () => {
    const tree = productionTree();
    // The tree really was walked: tfjs-core and the plotting peers (vega-lite 6.5 asked for Node >= 22).
    const names = new Set(tree.map((t) => t.name));
    for (const n of [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-backend-wasm',
      'vega',
      'vega-lite',
      'sharp',
      'tokenizers',
    ])
      expect(names.has(n), n).toBe(true);
    const refused = tree
      .filter((t) => t.node !== undefined && !semver.subset(NODE_ENGINES, t.node))
      .map((t) => `${t.name}@${t.version} wants node ${t.node} (${t.via})`);
    expect(refused).toEqual([]);
    // The one that used to fail, by name: vega-lite 6.5.0 wants >= 22.
    expect(semver.subset(NODE_ENGINES, '>=22')).toBe(false);
    expect(tree.length).toBeGreaterThan(50);
  });

  it("tfai doctor's version check agrees with semver on the range", () => {
    const versions = ['18.20.0', '20.0.0', '20.18.9', '20.19.0', '20.20.2', '21.7.0', '22.0.0', '22.11.0', '22.12.0'];
    versions.push('23.1.0', '24.0.0', '25.2.1', process.versions.node);
    for (const range of [NODE_ENGINES, '>=20.19', '^20.9.0 || >=22', '~22.12.0', '>=18 <23'])
      for (const v of versions) expect(nodeSatisfies(v, range), `${v} in ${range}`).toBe(semver.satisfies(v, range));
    expect(nodeSatisfies(process.versions.node, NODE_ENGINES)).toBe(true);
  });
});
