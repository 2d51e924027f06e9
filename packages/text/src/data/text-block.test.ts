// TextBlock: a text DataBlock gives what TextDataLoaders.fromCsv gives (fortunes, real texts), batch for batch.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { colSplitter, grandparentSplitter } from '@tfai/core';
import { CategoryBlock, DataBlock } from '@tfai/core/data';
import { datasets } from '@tfai/datasets';
import { firstTrainValidValues } from '@tfai/test-utils';
import { describe, expect, it } from 'vitest';
import { readTextTable } from './read.js';
import { TextBlock } from './text-block.js';
import { TextDataLoaders } from './text-dataloaders.js';

const CSV = `${datasets.path('fortunes')}/fortunes.csv`;
type Row = Record<string, string>;
const opts = { bs: 16, seed: 1, cacheDir: false as const, progress: false as const };

describe('TextBlock', () => {
  it('[TextBlock.fromDf, CategoryBlock] with a ColSplitter is TextDataLoaders.fromCsv, batch for batch', async () => {
    const factory = await TextDataLoaders.fromCsv(CSV, opts);
    const { rows } = await readTextTable(CSV);
    const dblock = new DataBlock({
      blocks: [TextBlock.fromDf('text', { cacheDir: false }), new CategoryBlock()],
      getY: (r: Row) => r.label,
      splitter: (rs: Row[]) => colSplitter(rs.map((r) => r.is_valid)),
    });
    const dls = (await dblock.dataloaders(rows, opts)) as TextDataLoaders;
    expect(dls).toBeInstanceOf(TextDataLoaders);
    expect(dls.vocab).toEqual(factory.vocab);
    expect(dls.textVocab).toEqual(factory.textVocab);
    const [a, b] = [await firstTrainValidValues(factory), await firstTrainValidValues(dls)];
    b.forEach((v, i) => expect(v, `part ${i}`).toEqual(a[i]));
  });

  it('a language model: TextBlock.fromDf(…, { isLm: true }) alone', async () => {
    const factory = await TextDataLoaders.fromCsv(CSV, { ...opts, isLm: true, seqLen: 24 });
    const { rows } = await readTextTable(CSV);
    const dblock = new DataBlock({
      blocks: [TextBlock.fromDf('text', { isLm: true, seqLen: 24, cacheDir: false })],
      splitter: (rs: Row[]) => colSplitter(rs.map((r) => r.is_valid)),
    });
    const dls = (await dblock.dataloaders(rows, opts)) as TextDataLoaders;
    const [a, b] = [await firstTrainValidValues(factory), await firstTrainValidValues(dls)];
    expect(b[0].length).toBe(16 * 24);
    b.forEach((v, i) => expect(v, `part ${i}`).toEqual(a[i]));
    await expect(
      new DataBlock({ blocks: [TextBlock.fromDf('text'), TextBlock.fromDf('text')], nInp: 2 }).dataloaders(rows),
    ).rejects.toThrow(/a text classifier DataBlock is \[TextBlock, CategoryBlock\]/);
  });

  it('TextBlock.fromFolder: .txt files read (the IMDb layout) as TextDataLoaders.fromFolder reads them', async () => {
    const { rows } = await readTextTable(CSV);
    const dir = mkdtempSync(join(tmpdir(), 'tfai-textblock-'));
    const files: string[] = [];
    rows
      .filter((_, i) => i % Math.ceil(rows.length / 60) === 0)
      .forEach((r, i) => {
        const f = join(dir, r.is_valid === 'True' || i % 5 === 0 ? 'valid' : 'train', r.label, `${i}.txt`);
        mkdirSync(join(f, '..'), { recursive: true });
        writeFileSync(f, r.text);
        files.push(f);
      });
    const sorted = [...files].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    const factory = await TextDataLoaders.fromFolder(dir, { ...opts, bs: 4 });
    const dblock = new DataBlock({
      blocks: [TextBlock.fromFolder(dir, { cacheDir: false }), new CategoryBlock()],
      getY: (f: string) => f.split('/').at(-2)!,
      splitter: (fs: string[]) => grandparentSplitter(fs),
    });
    const dls = (await dblock.dataloaders(sorted, { ...opts, bs: 4 })) as TextDataLoaders;
    expect(dls.vocab).toEqual(factory.vocab);
    expect(dls.textVocab.length).toBe(factory.textVocab.length);
    expect(dls.train.n).toBe(factory.train.n);
    expect(dls.valid.n).toBe(factory.valid.n);
  });
});
