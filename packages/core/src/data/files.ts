// fastai's `get_files` (fastai/data/transforms.py): the files under a folder with given extensions, which
// `get_image_files` and `get_text_files` (vision's getImageFiles, text's getTextFiles) call.
import { readdir } from '#platform/fs';
import { extname, join } from '#platform/path';

/** Options of {@link getFiles}. */
export interface GetFilesOptions {
  /** Extensions to keep, lower case with the dot (`'.png'`), compared case-insensitively; all files when absent. */
  extensions?: ReadonlySet<string> | readonly string[];
  /** Descend into sub-folders (default true); `false`: only the files directly in `path`, as fastai's. */
  recurse?: boolean;
  /** Only these top-level sub-folders (fastai's `folders`), e.g. `['train', 'valid']`; files directly in `path` are then left out. */
  folders?: readonly string[];
  /** The error thrown for a folder that cannot be listed (default: an `Error` with the message). */
  onError?: (message: string) => Error;
}

/**
 * fastai's `get_files`: the files under `path` with one of `extensions` (any case), hidden files and folders skipped, in
 * sorted order (each folder's names sorted, unlike `os.walk`), so the items are the same on every file system.
 * @example
 * ```ts
 * const files = await getFiles('fashion_mnist', { extensions: ['.png'], folders: ['train', 'valid'] });
 * ```
 */
export async function getFiles(path: string, opts: GetFilesOptions = {}): Promise<string[]> {
  const recurse = opts.recurse ?? true;
  const exts = opts.extensions && new Set([...opts.extensions].map((e) => e.toLowerCase()));
  const out: string[] = [];
  const walk = async (dir: string, top: boolean): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      const msg = `${dir}: cannot list the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
      throw opts.onError ? opts.onError(msg) : new Error(msg);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name.startsWith('.')) continue;
        if (top && opts.folders && !opts.folders.includes(e.name)) continue;
        if (recurse) await walk(p, false);
      } else if (e.isFile() || e.isSymbolicLink()) {
        if (e.name.startsWith('.') || (exts && !exts.has(extname(e.name).toLowerCase()))) continue;
        if (top && opts.folders && recurse) continue;
        out.push(p);
      }
    }
  };
  await walk(path, true);
  return out;
}
