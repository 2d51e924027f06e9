// Optional peers in a page: the bundler resolved (or refused) every import when the page was built, so there is
// nothing to look up; a feature's imports run as they are.

/**
 * What to give `npm install` for a package: in a page, the bare name.
 * @example
 * ```ts
 * installSpec('vega'); // 'vega'
 * ```
 */
export function installSpec(pkg: string): string {
  return pkg;
}

/**
 * Whether `pkg` is installed: a page cannot look, so `true` (a missing package failed the bundle's build).
 * @example
 * ```ts
 * packageInstalled('vega'); // true
 * ```
 */
export function packageInstalled(_pkg: string): boolean {
  return true;
}

/**
 * Runs `load` (the dynamic imports a feature needs) as it is.
 * @example
 * ```ts
 * const vega = await importOptional('plotting', ['vega'], () => import('vega'));
 * ```
 */
export async function importOptional<T>(
  _feature: string,
  _packages: readonly string[],
  load: () => Promise<T>,
): Promise<T> {
  return load();
}
