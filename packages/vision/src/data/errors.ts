import { FileError, TfaiError } from '@tfai/core';

/**
 * An image that cannot be read: the file is missing, is not an image, or is corrupt or truncated. `file` names
 * it (or `<buffer>` for an in-memory image); sharp's own message is kept in `reason`.
 * @example
 * ```ts
 * try { await loadImage('cat.png'); } catch (e) { if (e instanceof ImageReadError) console.log(e.file); }
 * ```
 */
export class ImageReadError extends FileError {
  constructor(
    file: string,
    readonly reason: string,
  ) {
    super(file, reason);
  }
}

/**
 * Image data that cannot make a dataset: no images found, an empty class folder, a missing CSV column, a label
 * outside the vocab, items of different sizes in one batch… The message names the path, column or item.
 * @example
 * ```ts
 * await ImageDataLoaders.fromFolder('empty/'); // throws ImageDataError: empty/: no image files found
 * ```
 */
export class ImageDataError extends TfaiError {}
