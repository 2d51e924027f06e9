// Streams in a page: no file streams (CSV text is parsed with parseCsvText); a UTF-8 decoder on TextDecoder.
import type * as fs from 'node:fs';
import { NoFileSystemError } from './fs.js';

/** File streams: not in a page. */
export const createReadStream = ((path: unknown) => {
  throw new NoFileSystemError(`${String(path)}: reading a file stream needs a file system (parse CSV text instead)`);
}) as unknown as typeof fs.createReadStream;

/** Node's Transform: not in a page. */
export class Transform {
  constructor(_opts?: unknown) {
    throw new NoFileSystemError('streams of files are not available in a browser page');
  }
}

/** Node's StringDecoder for UTF-8, on TextDecoder. */
export class StringDecoder {
  private readonly d = new TextDecoder('utf-8');
  constructor(_encoding?: string) {}
  write(b: Uint8Array): string {
    return this.d.decode(b, { stream: true });
  }
  end(): string {
    return this.d.decode();
  }
}
