// getTextFiles (fastai's get_text_files) and parent_label on a folder written here.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TextInputError } from '../errors.js';
import { parentLabel } from '@tfai/core';
import { getTextFiles } from './items.js';

const dir = mkdtempSync(join(tmpdir(), 'tfai-textfiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('getTextFiles', () => {
  it('.txt files (any case) in sorted order, hidden folders skipped, folders and recurse as fastai’s', async () => {
    for (const f of [
      'train/pos/b.txt',
      'train/pos/a.TXT',
      'train/neg/c.txt',
      'train/neg/notes.md',
      'test/pos/d.txt',
      'unsup/e.txt',
      '.cache/f.txt',
      'top.txt',
    ]) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), 'x');
    }
    const rel = (fs: string[]) => fs.map((f) => relative(dir, f));
    expect(rel(await getTextFiles(dir))).toEqual([
      'test/pos/d.txt',
      'top.txt',
      'train/neg/c.txt',
      'train/pos/a.TXT',
      'train/pos/b.txt',
      'unsup/e.txt',
    ]);
    expect(rel(await getTextFiles(dir, { folders: ['train', 'test'] }))).toEqual([
      'test/pos/d.txt',
      'train/neg/c.txt',
      'train/pos/a.TXT',
      'train/pos/b.txt',
    ]);
    expect(rel(await getTextFiles(dir, { recurse: false }))).toEqual(['top.txt']);
    expect(parentLabel(join(dir, 'train/pos/b.txt'))).toBe('pos');
    await expect(getTextFiles(join(dir, 'absent'))).rejects.toThrow(TextInputError);
    await expect(getTextFiles(join(dir, 'absent'))).rejects.toThrow(/absent: cannot list the folder \(ENOENT\)/);
  });
});
