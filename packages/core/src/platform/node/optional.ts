// Optional peers in Node: packages a feature loads on first use, so users who never use it need not install them
// (what is installed is read from node_modules; the install command carries @tfai/core's declared ranges).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { MissingDependencyError } from '../../errors.js';

const require = createRequire(import.meta.url);
const PEERS: Readonly<Record<string, string>> =
  (require('../../../package.json') as { peerDependencies?: Record<string, string> }).peerDependencies ?? {};

/**
 * What to give `npm install` for a package: with the version range @tfai/core declares for it as a peer (so npm
 * picks a version that fits this tfjs-core and this Node, e.g. `vega-lite@~6.4.3`), else the bare name.
 * @example
 * ```ts
 * installSpec('webgpu'); // 'webgpu@0.6.2'
 * ```
 */
export function installSpec(pkg: string): string {
  return PEERS[pkg] ? `${pkg}@${PEERS[pkg]}` : pkg;
}

/**
 * Whether `pkg` is installed where Node would find it from @tfai/core (its folder with a package.json in a
 * `node_modules` up the tree; read from disk, so packages whose `exports` hide package.json count too).
 * @example
 * ```ts
 * packageInstalled('vega'); // false before `npm install vega`
 * ```
 */
export function packageInstalled(pkg: string): boolean {
  return (require.resolve.paths(pkg) ?? []).some((dir) => existsSync(join(dir, pkg, 'package.json')));
}

/**
 * Runs `load` (the dynamic imports a feature needs); where it fails and some of `packages` are not installed,
 * throws one {@link MissingDependencyError} naming every missing one and the command that installs them.
 * @example
 * ```ts
 * const [vega, vl] = await importOptional('plotting', ['vega', 'vega-lite'], () =>
 *   Promise.all([import('vega'), import('vega-lite')]),
 * );
 * ```
 */
export async function importOptional<T>(
  feature: string,
  packages: readonly string[],
  load: () => Promise<T>,
): Promise<T> {
  const missing = packages.filter((p) => !packageInstalled(p));
  if (missing.length) throw new MissingDependencyError(feature, missing, missing.map(installSpec));
  return load();
}
