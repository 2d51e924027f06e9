import { TfaiError } from '@tfai/core';

/** Bad input to a Siamese model or learner: not exactly two images, batches of different sizes… */
export class SiameseInputError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'SiameseInputError';
}

/** A pairs CSV or image folder that cannot be used: names the file, the line or column, and the problem. */
export class SiameseDataError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'SiameseDataError';
  constructor(
    /** The pairs CSV or image folder at fault. */
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}
