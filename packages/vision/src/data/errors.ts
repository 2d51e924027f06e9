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
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'ImageReadError';
  constructor(
    file: string,
    /** Why the image could not be used: the decoder's own message (sharp's, or the browser's), or the item transform that failed. */
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
export class ImageDataError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'ImageDataError';
}

/**
 * Segmentation data that cannot be used: a mask whose size differs from its image's, a mask value outside the
 * codes, a colour mask, a missing codes file… `file` names the mask (or codes file) at fault.
 * @example
 * ```ts
 * try { await dls.train.oneBatch(); } catch (e) { if (e instanceof SegmentationDataError) console.log(e.file); }
 * ```
 */
export class SegmentationDataError extends ImageDataError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'SegmentationDataError';
  constructor(
    /** The mask or codes file at fault, as given to the loaders. */
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}
