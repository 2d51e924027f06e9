import { TfaiError } from '@tfai/core';

/** Bad input to a Siamese model or learner: not exactly two images, batches of different sizes… */
export class SiameseInputError extends TfaiError {}

/** A pairs CSV or image folder that cannot be used: names the file, the line or column, and the problem. */
export class SiameseDataError extends TfaiError {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}
