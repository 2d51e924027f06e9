// Getting items, labels and splits, as fastai's `get_image_files`, `parent_label`, `GrandparentSplitter`,
// `RandomSplitter`, `RegexLabeller`.
import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { Rng } from '@tfai/core';
import { ImageDataError } from './errors.js';

/** File extensions read as images (lower case), as fastai's `image_extensions` for what sharp can decode. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.jpe', '.jfif', '.gif', '.bmp', '.tif', '.tiff', '.webp', '.avif', '.heic', '.heif', '.pbm', '.pgm', '.ppm', '.pnm']);

/** Options of {@link getImageFiles}. */
export interface GetImageFilesOptions {
  /** Descend into sub-folders (default true). */
  recurse?: boolean;
  /** Only these top-level sub-folders (fastai's `folders`). */
  folders?: string[];
}

/**
 * fastai's `get_image_files`: image files under `path` (by extension, case-insensitive), skipping hidden folders.
 * Unlike os.walk, the order is sorted, so datasets are the same on every file system.
 * @example
 * ```ts
 * const files = await getImageFiles('fashion_mnist', { folders: ['train', 'valid'] });
 * ```
 */
export async function getImageFiles(path: string, opts: GetImageFilesOptions = {}): Promise<string[]> {
  const recurse = opts.recurse ?? true;
  const out: string[] = [];
  const walk = async (dir: string, top: boolean): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      throw new ImageDataError(`${dir}: cannot list the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name.startsWith('.')) continue;
        if (top && opts.folders && !opts.folders.includes(e.name)) continue;
        if (recurse || top) await walk(p, false);
      } else if ((e.isFile() || e.isSymbolicLink()) && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())) {
        if (top && opts.folders) continue;
        out.push(p);
      }
    }
  };
  await walk(path, true);
  return out;
}

/**
 * fastai's `parent_label`: the name of the folder holding the file.
 * @example
 * ```ts
 * parentLabel('train/bag/1.png'); // 'bag'
 * ```
 */
export function parentLabel(file: string): string {
  return basename(dirname(file));
}

/** A split: indices of the training and validation items. */
export interface Split {
  train: number[];
  valid: number[];
}

/**
 * fastai's `GrandparentSplitter`: items whose grandparent folder is `trainName` train, `validName` validate.
 * @example
 * ```ts
 * grandparentSplitter(['p/train/a/1.png', 'p/valid/a/2.png']); // { train: [0], valid: [1] }
 * ```
 */
export function grandparentSplitter(files: readonly string[], trainName = 'train', validName = 'valid'): Split {
  const split: Split = { train: [], valid: [] };
  files.forEach((f, i) => {
    const gp = basename(dirname(dirname(f)));
    if (gp === trainName) split.train.push(i);
    else if (gp === validName) split.valid.push(i);
  });
  return split;
}

/**
 * fastai's `RandomSplitter(valid_pct, seed)`: a seeded permutation; the first `floor(validPct · n)` items validate.
 * (tfai's RNG, so not the same items as PyTorch's `randperm` with that seed.)
 * @example
 * ```ts
 * randomSplitter(10, 0.2, 42).valid.length; // 2
 * ```
 */
export function randomSplitter(n: number, validPct = 0.2, seed?: number): Split {
  if (!(validPct > 0 && validPct < 1)) throw new RangeError(`validPct must be in (0, 1), got ${validPct}`);
  const perm = Array.from(new Rng(seed ?? ((Math.random() * 2 ** 31) | 0)).permutation(n));
  const cut = Math.floor(validPct * n);
  return { valid: perm.slice(0, cut), train: perm.slice(cut) };
}

/**
 * fastai's `RegexLabeller`: the first group of `pat` searched in `name`; a name it does not match is an error
 * naming it.
 * @example
 * ```ts
 * regexLabel(/^(.+)_\d+\.png$/, 'great_pyrenees_12.png'); // 'great_pyrenees'
 * ```
 */
export function regexLabel(pat: RegExp, name: string): string {
  const m = pat.exec(name);
  if (!m || m[1] === undefined) throw new ImageDataError(`${name}: the label pattern ${String(pat)} does not match (it needs a group)`);
  return m[1];
}

/** fastai's boolean reading of an `is_valid` column: true, 1, yes (any case). */
export function truthy(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  return /^(true|1|yes|t|y)$/i.test(String(v ?? '').trim());
}
