// Files in a page: none. Every function is an error naming what was asked (read exports from URLs or bytes).
import type * as fsp from 'node:fs/promises';
import { NoFileSystemError } from '../../errors.js';

export { NoFileSystemError };

// Rejected promises, as Node's functions fail (a caller's `.catch` sees the error).
const unavailable =
  (name: string) =>
  (path?: unknown): Promise<never> =>
    Promise.reject(
      new NoFileSystemError(
        `${String(path)}: ${name} needs a file system, which a browser page does not have (load exports from a URL or from bytes)`,
      ),
    );

export const appendFile = unavailable('appendFile') as unknown as typeof fsp.appendFile;
export const mkdir = unavailable('mkdir') as unknown as typeof fsp.mkdir;
export const open = unavailable('open') as unknown as typeof fsp.open;
export const readdir = unavailable('readdir') as unknown as typeof fsp.readdir;
export const readFile = unavailable('readFile') as unknown as typeof fsp.readFile;
export const realpath = unavailable('realpath') as unknown as typeof fsp.realpath;
export const rename = unavailable('rename') as unknown as typeof fsp.rename;
export const rm = unavailable('rm') as unknown as typeof fsp.rm;
export const stat = unavailable('stat') as unknown as typeof fsp.stat;
export const writeFile = unavailable('writeFile') as unknown as typeof fsp.writeFile;
