// Getting items, labels and splits, as fastai's `get_image_files`, `parent_label`, `GrandparentSplitter`,
// `RandomSplitter`, `RegexLabeller`.
import { ImageDataError } from './errors.js';
import { getFiles } from '@tfai/core';

/** File extensions read as images (lower case), as fastai's `image_extensions` for what sharp can decode. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.png',
  '.jpg',
  '.jpeg',
  '.jpe',
  '.jfif',
  '.gif',
  '.bmp',
  '.tif',
  '.tiff',
  '.webp',
  '.avif',
  '.heic',
  '.heif',
  '.pbm',
  '.pgm',
  '.ppm',
  '.pnm',
]);

/** Options of {@link getImageFiles}. */
export interface GetImageFilesOptions {
  /** Descend into sub-folders (default true); `false`: only the images directly in `path`, as fastai's. */
  recurse?: boolean;
  /** Only these top-level sub-folders (fastai's `folders`). */
  folders?: string[];
}

/**
 * fastai's `get_image_files`: image files under `path` (by extension, case-insensitive), skipping hidden files and folders (core's {@link getFiles}).
 * Unlike os.walk, the order is sorted, so datasets are the same on every file system.
 * @example
 * ```ts
 * const files = await getImageFiles('fashion_mnist', { folders: ['train', 'valid'] });
 * ```
 */
export async function getImageFiles(path: string, opts: GetImageFilesOptions = {}): Promise<string[]> {
  return getFiles(path, { ...opts, extensions: IMAGE_EXTENSIONS, onError: (m) => new ImageDataError(m) });
}

// fastai's splitters live in core, shared by every package.
export { grandparentSplitter, parentLabel, randomSplitter, type Split } from '@tfai/core';

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
  if (!m || m[1] === undefined)
    throw new ImageDataError(`${name}: the label pattern ${String(pat)} does not match (it needs a group)`);
  return m[1];
}
