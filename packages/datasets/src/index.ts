// @tfai/datasets: the real data sets of the tfai repository's demo, tests, examples and benchmarks, in fastai's
// spirit (`untar_data(URLs.X)` returns a folder): `path(name)` is the folder, `list()` what is there.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CATALOG } from './catalog.js';
import type { DatasetInfo } from './catalog.js';

// ---- Catalog ----
// What each data set is (modality, size, files, bytes, source, licence).
export type { DatasetInfo, Modality } from './catalog.js';

/** The package's `data/` folder (beside `src/` and `dist/`). */
const DATA_ROOT = fileURLToPath(new URL('../data/', import.meta.url));

// ---- Errors ----
// An unknown name, listing the known ones.
/**
 * An unknown data set name; the message lists the known ones. (This package depends on nothing, so that every tfai
 * package, core included, can read its data in tests: the error extends `Error`, not core's `TfaiError`.)
 *
 * @example
 * ```ts
 * try { path('mnist'); } catch (e) { if (e instanceof DatasetNotFoundError) console.error(e.known); }
 * ```
 */
export class DatasetNotFoundError extends Error {
  /** The error's name, `'DatasetNotFoundError'` (kept when a bundler renames the class). */
  override name = 'DatasetNotFoundError';
  /** The names of every data set the package has (what `path()` accepts). */
  readonly known: readonly string[];
  constructor(
    /** The name asked for, which no data set has. */
    readonly dataset: string,
  ) {
    const known = CATALOG.map((d) => d.name);
    super(`no data set '${dataset}' in @tfai/datasets; the known ones are: ${known.join(', ')}`);
    this.known = known;
  }
}

// ---- Lookup ----
// `path(name)` → the folder, `list()` → the catalogue; `datasets` holds both.
/**
 * Every data set of the package with its modality, size, provenance and licence.
 *
 * @example
 * ```ts
 * list().filter((d) => d.modality === 'tabular').map((d) => d.name); // ['penguins', 'titanic', 'credit_data', 'ames', 'diamonds']
 * ```
 */
export function list(): DatasetInfo[] {
  return CATALOG.map((d) => ({ ...d }));
}

/**
 * The absolute folder of a data set (with a trailing separator trimmed), to hand to a loader.
 * Throws {@link DatasetNotFoundError} for an unknown name, or a plain `Error` if the package was installed without its
 * `data/` folder.
 *
 * @example
 * ```ts
 * import { path } from '@tfai/datasets';
 * const dls = await ImageDataLoaders.fromFolder(path('fashion_mnist'), { itemTfms: [new Resize(28)] });
 * const csv = `${path('titanic')}/titanic.csv`;
 * ```
 */
export function path(name: string): string {
  if (!CATALOG.some((d) => d.name === name)) throw new DatasetNotFoundError(name);
  const dir = `${DATA_ROOT}${name}`;
  if (!existsSync(dir))
    throw new Error(`@tfai/datasets: ${dir} is missing (the package was installed without its data/ folder)`);
  return dir;
}

/**
 * The whole API as one object, for `datasets.path('fashion_mnist')` as in fastai.
 *
 * @example
 * ```ts
 * import { datasets } from '@tfai/datasets';
 * datasets.path('jane_austen'); // '/…/node_modules/@tfai/datasets/data/jane_austen'
 * ```
 */
export const datasets: {
  /** {@inheritDoc path} */
  readonly path: typeof path;
  /** {@inheritDoc list} */
  readonly list: typeof list;
} = Object.freeze({ path, list });
