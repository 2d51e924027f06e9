// Getting text items and their labels, as fastai's `get_text_files` and `parent_label` (fastai/data/transforms.py).
import { TextInputError } from '../errors.js';
import { extname, join, readdir } from '@tfai/core/internal';

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
  const recurse = opts.recurse ?? true;
  const out: string[] = [];
  const walk = async (dir: string, top: boolean): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      throw new TextInputError(
        `${dir}: cannot list the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      );
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name.startsWith('.')) continue;
        if (top && opts.folders && !opts.folders.includes(e.name)) continue;
        if (recurse) await walk(p, false);
      } else if ((e.isFile() || e.isSymbolicLink()) && extname(e.name).toLowerCase() === '.txt') {
        if (top && opts.folders) continue;
        out.push(p);
      }
    }
  };
  await walk(path, true);
  return out;
}
