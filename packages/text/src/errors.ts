import { FileError, TfaiError } from '@tfai/core';

/** A text file or CSV that cannot be read as UTF-8 text: names the file and the byte offset of the first bad byte. */
export class TextDecodeError extends FileError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'TextDecodeError';
  constructor(
    file: string,
    /** 0-based offset in the file of the first invalid UTF-8 byte sequence. */
    readonly byteOffset: number,
  ) {
    super(file, `not valid UTF-8 (first invalid byte sequence at byte ${byteOffset})`);
  }
}

/** Bad text input (a missing column, an empty corpus, a token id out of the vocab…), with what and where. */
export class TextInputError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'TextInputError';
}
