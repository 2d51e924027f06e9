// The browser variants of the platform modules, run in Node: the same answers as Node's where they compute
// (paths, SHA-256, async context), typed errors where a page cannot (files).
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NoFileSystemError } from '../errors.js';
import { setBackend, BackendUnavailableError } from '../backend/backend.js';
import { AsyncContext } from './browser/async-context.js';
import { readFile, writeFile } from './browser/fs.js';
import * as path from './browser/path.js';
import { sha256HexOfChunks } from './browser/crypto.js';
import { sha256HexOfChunks as nodeChunks } from './node/crypto.js';
import { RUNTIME, envVar } from './browser/process.js';

const CASES = [
  '',
  '.',
  '/',
  'a',
  'a/b',
  '/a/b/',
  'a//b/../c',
  '../x',
  'a/./b/.',
  '/../a',
  'models/m.json',
  'x.tar.gz',
  '.hidden',
];

describe('platform/browser (what a page bundles), checked in Node', () => {
  it("path: join, resolve, dirname, basename, extname, relative, isAbsolute as node:path's posix", () => {
    for (const a of CASES) {
      expect([a, path.dirname(a)]).toEqual([a, posix.dirname(a)]);
      expect([a, path.basename(a)]).toEqual([a, posix.basename(a)]);
      expect([a, path.extname(a)]).toEqual([a, posix.extname(a)]);
      expect([a, path.isAbsolute(a)]).toEqual([a, posix.isAbsolute(a)]);
      for (const b of CASES) {
        expect([a, b, path.join(a, b)]).toEqual([a, b, posix.join(a, b)]);
        expect([a, b, path.resolve('/r', a, b)]).toEqual([a, b, posix.resolve('/r', a, b)]);
        expect([a, b, path.relative(`/r/${a}`, `/r/${b}`)]).toEqual([a, b, posix.relative(`/r/${a}`, `/r/${b}`)]);
      }
    }
  });

  it('files are NoFileSystemErrors naming the path; SHA-256 of chunks as Node; no environment', async () => {
    await expect(readFile('models/m.json')).rejects.toThrow(NoFileSystemError);
    await expect(writeFile('out.bin', 'x')).rejects.toThrow(/out\.bin: writeFile needs a file system/);
    const chunks = [new Uint8Array([1, 2, 3]), new Uint8Array(70).fill(9), new Uint8Array(0)];
    expect(sha256HexOfChunks(chunks)).toBe(nodeChunks(chunks));
    expect(RUNTIME).toBe('browser');
    expect(envVar('TFAI_SURELY_UNSET_VARIABLE')).toBeUndefined();
  });

  it('AsyncContext: the store inside run (across an await), none outside', async () => {
    const ctx = new AsyncContext<number>();
    expect(ctx.getStore()).toBeUndefined();
    const seen = await ctx.run(7, async () => {
      const a = ctx.getStore();
      await Promise.resolve();
      return [a, ctx.getStore()];
    });
    expect(seen).toEqual([7, 7]);
    expect(ctx.getStore()).toBeUndefined();
    expect(() =>
      ctx.run(1, () => {
        throw new Error('x');
      }),
    ).toThrow('x');
    expect(ctx.getStore()).toBeUndefined();
  });

  it("Node refuses 'webgl' by name: a page's backend", async () => {
    await expect(setBackend('webgl')).rejects.toThrow(BackendUnavailableError);
  });
});
