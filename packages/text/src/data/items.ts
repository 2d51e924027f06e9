// Getting text items and their labels, as fastai's `get_text_files` and `parent_label` (fastai/data/transforms.py).
import { TextInputError } from '../errors.js';
import { getFiles } from '@tfai/core';

/** Options of {@link getTextFiles}. */
export interface GetTextFilesOptions {
  /** Descend into sub-folders (default true); `false`: only the files directly in `path`, as fastai's. */
  recurse?: boolean;
  /** Only these top-level sub-folders (fastai's `folders`), e.g. `['train', 'test']`. */
  folders?: readonly string[];
}

/**
 * fastai's `get_text_files`: the `.txt` files under `path` (extension in any case), hidden folders skipped, in sorted
 * order (each folder's names sorted), so the items are the same on every file system.
 * @example
 * ```ts
 * const files = await getTextFiles('imdb', { folders: ['train', 'test'] }); // imdb/test/neg/0_2.txt, …
 * ```
 */
export async function getTextFiles(path: string, opts: GetTextFilesOptions = {}): Promise<string[]> {
  return getFiles(path, { ...opts, extensions: ['.txt'], onError: (m) => new TextInputError(m) });
}
