// Files in Node: node:fs/promises, as the library uses it.
export { appendFile, mkdir, open, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
