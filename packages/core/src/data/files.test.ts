// getFiles, fastai's get_files, on a folder written here: extensions in any case, sorted, hidden files and folders
// skipped, `folders` and `recurse` as fastai's.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getFiles } from './files.js';

const dir = mkdtempSync(join(tmpdir(), 'tfai-getfiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
for (const f of [
  'top.png',
  'train/b/2.PNG',
  'train/a/1.png',
  'train/a/.hidden.png',
  'valid/a/3.png',
  'valid/a/n.txt',
]) {
  mkdirSync(join(dir, f, '..'), { recursive: true });
  writeFileSync(join(dir, f), '');
}
mkdirSync(join(dir, '.cache'), { recursive: true });
writeFileSync(join(dir, '.cache', '4.png'), '');
const rel = (fs: string[]) => fs.map((f) => relative(dir, f).split('\\').join('/'));

describe('getFiles', () => {
  it("lists as fastai's get_files", async () => {
    const png = ['.png'];
    expect(rel(await getFiles(dir, { extensions: png }))).toEqual([
      'top.png',
      'train/a/1.png',
      'train/b/2.PNG',
      'valid/a/3.png',
    ]);
    expect(rel(await getFiles(dir, { extensions: png, folders: ['valid'] }))).toEqual(['valid/a/3.png']);
    expect(rel(await getFiles(dir, { extensions: png, recurse: false }))).toEqual(['top.png']);
    expect(rel(await getFiles(dir, { extensions: png, recurse: false, folders: ['train'] }))).toEqual(['top.png']);
    expect(rel(await getFiles(join(dir, 'valid')))).toEqual(['valid/a/3.png', 'valid/a/n.txt']);
  });

  it('a folder that cannot be listed throws the given error', async () => {
    class Mine extends Error {}
    await expect(getFiles(join(dir, 'nope'), { onError: (m) => new Mine(m) })).rejects.toThrow(Mine);
    await expect(getFiles(join(dir, 'nope'))).rejects.toThrow(/nope: cannot list the folder \(ENOENT\)/);
  });
});
