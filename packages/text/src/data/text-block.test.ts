// TextDataLoaders' factories are DataBlocks of TextBlock (+ CategoryBlock), as fastai's: each factory and the DataBlock
// a user writes give the same first batches under manualSeed (no seed given), classifier and language model, on
// fortunes and amazon_fine_foods.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { colSplitter, grandparentSplitter, manualSeed, tableRecords, type DataLoaders } from '@tfai/core';
import { CategoryBlock, DataBlock } from '@tfai/core/data';
import { readCsv } from '@tfai/core/io';
import { datasets } from '@tfai/datasets';
import { firstTrainValidValues } from '@tfai/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { TextDecodeError } from '../errors.js';
import { getTextFiles } from './items.js';
import { readTextTable } from './read.js';
import { TextBlock } from './text-block.js';
import { TextDataLoaders } from './text-dataloaders.js';

const FORTUNES = `${datasets.path('fortunes')}/fortunes.csv`;
const REVIEWS = `${datasets.path('amazon_fine_foods')}/reviews.csv`;
type Row = Record<string, string>;
const quiet = { cacheDir: false as const, progress: false as const };
const isValid = (rs: Row[]) => colSplitter(rs.map((r) => r.is_valid));
const parent = (f: string) => basename(dirname(f));

const dir = mkdtempSync(join(tmpdir(), 'tfai-textblock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every 7th fortune as a file (written once), in the IMDb layout with `test` as the validation folder (it sorts before `train`). */
let folder: Promise<string> | undefined;
function fortuneFolder(): Promise<string> {
  return (folder ??= writeFortuneFolder());
}

async function writeFortuneFolder(): Promise<string> {
  const root = join(dir, 'fortunes');
  const { rows } = await readTextTable(FORTUNES);
  rows
    .filter((_, i) => i % 7 === 0)
    .forEach((r, i) => {
      const f = join(root, r.is_valid === 'True' ? 'test' : 'train', r.label, `${i}.txt`);
      mkdirSync(dirname(f), { recursive: true });
      writeFileSync(f, r.text);
    });
  return root;
}

/**
 * The factory's and the DataBlock's first training and validation batches, each built after `manualSeed(0)`, and
 * the factory's after `manualSeed(1)` (which must differ: the comparison can fail).
 */
async function bothWays(
  factory: () => Promise<TextDataLoaders>,
  dblock: () => Promise<DataLoaders>,
): Promise<{ f: TextDataLoaders; d: TextDataLoaders; a: number[][]; b: number[][]; c: number[][] }> {
  manualSeed(0);
  const f = await factory();
  const a = await firstTrainValidValues(f);
  manualSeed(0);
  const d = (await dblock()) as TextDataLoaders;
  const b = await firstTrainValidValues(d);
  manualSeed(1);
  const c = await firstTrainValidValues(await factory());
  expect(d).toBeInstanceOf(TextDataLoaders);
  expect(d.isLm).toBe(f.isLm);
  expect(d.vocab).toEqual(f.vocab);
  expect(d.textVocab).toEqual(f.textVocab);
  expect([d.train.n, d.valid.n]).toEqual([f.train.n, f.valid.n]);
  expect(b.length).toBe(4);
  b.forEach((v, i) => expect(v, `part ${i} (train x, train y, valid x, valid y)`).toEqual(a[i]));
  expect(c[0]).not.toEqual(a[0]); // another seed, another first training batch
  return { f, d, a, b, c };
}

describe('TextDataLoaders.fromCsv / fromDf are [TextBlock.fromDf, CategoryBlock] DataBlocks', () => {
  it('fromCsv, a classifier (fortunes, is_valid): ColReader(label), ColSplitter', async () => {
    const { rows } = await readTextTable(FORTUNES);
    const { d, b } = await bothWays(
      () => TextDataLoaders.fromCsv(FORTUNES, { bs: 16, ...quiet }),
      () =>
        new DataBlock({
          blocks: [TextBlock.fromDf('text', { cacheDir: false }), new CategoryBlock()],
          getY: (r: Row) => r.label,
          splitter: isValid,
        }).dataloaders(rows, { bs: 16, progress: false }),
    );
    expect(d.vocab).toEqual(['computers', 'education', 'food', 'law', 'politics', 'science', 'sports', 'startrek']);
    expect(b[1].length).toBe(16);
  });

  it('fromCsv, a language model (fortunes): the TextBlock alone', async () => {
    const { rows } = await readTextTable(FORTUNES);
    const { b } = await bothWays(
      () => TextDataLoaders.fromCsv(FORTUNES, { isLm: true, bs: 16, seqLen: 24, ...quiet }),
      () =>
        new DataBlock({
          blocks: [TextBlock.fromDf('text', { isLm: true, seqLen: 24, cacheDir: false })],
          splitter: isValid,
        }).dataloaders(rows, { bs: 16, progress: false }),
    );
    expect(b[0].length).toBe(16 * 24);
    // y is x shifted by one token.
    expect(b[1].slice(0, 23)).toEqual(b[0].slice(1, 24));
  });

  it('fromDf of core’s readCsv table (amazon_fine_foods), classifier and language model, options passed through', async () => {
    const table = await readCsv(REVIEWS);
    const rows = tableRecords(table);
    const opts = { bs: 8, seqLen: 16, minFreq: 2, maxVocab: 2000 };
    const { d } = await bothWays(
      () =>
        TextDataLoaders.fromDf(table, { textCol: 'text', labelCol: 'label', validCol: 'is_valid', ...opts, ...quiet }),
      () =>
        new DataBlock({
          blocks: [
            TextBlock.fromDf('text', { seqLen: 16, minFreq: 2, maxVocab: 2000, cacheDir: false }),
            new CategoryBlock(),
          ],
          getY: (r: Row) => r.label,
          splitter: isValid,
        }).dataloaders(rows, { bs: 8, progress: false }),
    );
    expect(d.vocab).toEqual(['great', 'other']);
    expect(d.textVocab.length).toBe(2008); // maxVocab, then fastai's 8 `xxfake` (2000 is a multiple of 8)
    const lm = await bothWays(
      () => TextDataLoaders.fromDf(table, { isLm: true, ...opts, ...quiet }),
      () =>
        new DataBlock({
          blocks: [TextBlock.fromDf('text', { isLm: true, seqLen: 16, minFreq: 2, maxVocab: 2000, cacheDir: false })],
          splitter: isValid,
        }).dataloaders(rows, { bs: 8, progress: false }),
    );
    expect(lm.d.textVocab).toEqual(d.textVocab);
    expect(lm.b[0].length).toBe(8 * 16);
  }, 60_000);
});

describe('TextDataLoaders.fromFolder is a [TextBlock.fromFolder, CategoryBlock] DataBlock', () => {
  it('a classifier: getTextFiles of train/ and test/, parent_label, GrandparentSplitter', async () => {
    const root = await fortuneFolder();
    const { d } = await bothWays(
      () => TextDataLoaders.fromFolder(root, { valid: 'test', bs: 4, ...quiet }),
      () =>
        new DataBlock({
          blocks: [TextBlock.fromFolder(root, { cacheDir: false }), new CategoryBlock()],
          getItems: (p: string) => getTextFiles(p, { folders: ['train', 'test'] }),
          getY: parent,
          splitter: (fs: string[]) => grandparentSplitter(fs, 'train', 'test'),
        }).dataloaders(root, { bs: 4, progress: false }),
    );
    expect(d.vocab).toEqual(['computers', 'education', 'food', 'law', 'politics', 'science', 'sports', 'startrek']);
    expect(d.train.n + d.valid.n).toBe((await getTextFiles(root)).length);
  });

  it('a language model: the TextBlock alone, the labels ignored', async () => {
    const root = await fortuneFolder();
    const { b } = await bothWays(
      () => TextDataLoaders.fromFolder(root, { valid: 'test', isLm: true, bs: 4, seqLen: 12, ...quiet }),
      () =>
        new DataBlock({
          blocks: [TextBlock.fromFolder(root, { isLm: true, seqLen: 12, cacheDir: false })],
          getItems: (p: string) => getTextFiles(p, { folders: ['train', 'test'] }),
          splitter: (fs: string[]) => grandparentSplitter(fs, 'train', 'test'),
        }).dataloaders(root, { bs: 4, progress: false }),
    );
    expect(b[0].length).toBe(4 * 12);
  });

  it('validPct: every .txt file under the folder, split at random (fastai’s RandomSplitter branch)', async () => {
    const root = await fortuneFolder();
    const n = (await getTextFiles(root)).length;
    const dls = await TextDataLoaders.fromFolder(root, { validPct: 0.25, seed: 2, bs: 4, ...quiet });
    expect(dls.valid.n).toBe(Math.round(0.25 * n));
    expect(dls.train.n).toBe(n - Math.round(0.25 * n));
    const again = await TextDataLoaders.fromFolder(root, { validPct: 0.25, seed: 2, bs: 4, ...quiet });
    expect(await firstTrainValidValues(again)).toEqual(await firstTrainValidValues(dls));
  });
});

describe('text DataBlocks: the classes, what is read, the errors', () => {
  it('the classes given (fastai’s from_folder vocab, CategoryBlock({ vocab })) keep their order', async () => {
    const root = await fortuneFolder();
    const classes = ['startrek', 'sports', 'science', 'politics', 'law', 'food', 'education', 'computers'];
    const { d, b } = await bothWays(
      () => TextDataLoaders.fromFolder(root, { valid: 'test', vocab: classes, bs: 4, ...quiet }),
      () =>
        new DataBlock({
          blocks: [TextBlock.fromFolder(root, { cacheDir: false }), new CategoryBlock({ vocab: classes })],
          getItems: (p: string) => getTextFiles(p, { folders: ['train', 'test'] }),
          getY: parent,
          splitter: (fs: string[]) => grandparentSplitter(fs, 'train', 'test'),
        }).dataloaders(root, { bs: 4, progress: false }),
    );
    expect(d.vocab).toEqual(classes);
    manualSeed(0);
    const sorted = await firstTrainValidValues(
      await TextDataLoaders.fromFolder(root, { valid: 'test', bs: 4, ...quiet }),
    );
    expect(b[0]).toEqual(sorted[0]); // the same texts
    expect(b[1]).toEqual(sorted[1].map((c) => 7 - c)); // their classes in the reversed order
  });

  it('files outside the split are not read; a bad file inside it is a TextDecodeError naming it', async () => {
    const root = join(dir, 'split');
    for (const [split, label, text] of [
      ['train', 'pos', 'great tea'],
      ['train', 'neg', 'stale tea'],
      ['valid', 'pos', 'great coffee'],
      ['valid', 'neg', 'stale coffee'],
    ])
      for (const k of [0, 1]) {
        mkdirSync(join(root, split, label), { recursive: true });
        writeFileSync(join(root, split, label, `${k}.txt`), `${text} ${k}`);
      }
    mkdirSync(join(root, 'unsup', 'x'), { recursive: true });
    writeFileSync(join(root, 'unsup', 'x', 'bad.txt'), Uint8Array.of(0x68, 0xff, 0x69)); // not UTF-8
    const dblock = (files: (p: string) => Promise<string[]>) =>
      new DataBlock({
        blocks: [TextBlock.fromFolder(root, { minFreq: 1, cacheDir: false }), new CategoryBlock()],
        getItems: files,
        getY: parent,
        splitter: (fs: string[]) => grandparentSplitter(fs),
      });
    const dls = (await dblock(getTextFiles).dataloaders(root, { bs: 2, progress: false })) as TextDataLoaders;
    expect([dls.train.n, dls.valid.n]).toEqual([4, 4]); // unsup/x/bad.txt is in neither split, never read
    writeFileSync(join(root, 'train', 'neg', 'bad.txt'), Uint8Array.of(0x68, 0xff, 0x69));
    const err = await dblock(getTextFiles)
      .dataloaders(root, { progress: false })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TextDecodeError);
    expect((err as Error).message).toMatch(
      /train\/neg\/bad\.txt: not valid UTF-8 \(first invalid byte sequence at byte 1\)/,
    );
  });

  it('the factories’ errors name the data: a label no training row has, a folder without .txt files', async () => {
    const t = await readTextTable(FORTUNES);
    const rows = t.rows.filter((r) => r.label !== 'law' || r.is_valid === 'True');
    const at = rows.findIndex((r) => r.label === 'law');
    await expect(TextDataLoaders.fromTable({ fields: t.fields, rows }, quiet, 'no-law.csv')).rejects.toThrow(
      `no-law.csv: row ${at + 1} has label "law", not one of the 7 classes (computers, education, food, politics, science, sports, startrek): no training row has it`,
    );
    const empty = join(dir, 'empty');
    mkdirSync(join(empty, 'train', 'a'), { recursive: true });
    mkdirSync(join(empty, 'valid', 'a'), { recursive: true });
    await expect(TextDataLoaders.fromFolder(empty, quiet)).rejects.toThrow(
      `${empty}: no .txt files in train/<label>/ or valid/<label>/`,
    );
    await expect(TextDataLoaders.fromFolder(empty, { ...quiet, validPct: 0.2 })).rejects.toThrow(
      `${empty}: no .txt files`,
    );
    await expect(
      new DataBlock({ blocks: [TextBlock.fromDf('text'), TextBlock.fromDf('text')], nInp: 2 }).dataloaders(t.rows),
    ).rejects.toThrow(/a text classifier DataBlock is \[TextBlock, CategoryBlock\]/);
  });
});
