import { ImageDataError } from '../data/errors.js';

/**
 * Segmentation data that cannot be used: a mask whose size differs from its image's, a mask value outside the
 * codes, a colour mask, a missing codes file… `file` names the mask (or codes file) at fault.
 * @example
 * ```ts
 * try { await dls.train.oneBatch(); } catch (e) { if (e instanceof SegmentationDataError) console.log(e.file); }
 * ```
 */
export class SegmentationDataError extends ImageDataError {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}
