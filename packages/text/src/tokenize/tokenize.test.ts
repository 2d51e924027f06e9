import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { column, readTextTable, readTextFile } from '../data/read.js';
import { TextDecodeError } from '../errors.js';
import { datasets } from '@tfai/datasets';
import { tokenize1, tokenizeTexts } from './tokenize.js';
import { BaseTokenizer, WordTokenizer } from './word-tokenizer.js';

const tmp = mkdtempSync(join(tmpdir(), 'tfai-text-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('WordTokenizer (spaCy-like, pre-tokenized by HF tokenizers)', () => {
  const tok = new WordTokenizer();
  it('tokenizes as fastai’s SpacyTokenizer on its doc example', () => {
    expect(tok.tokenize("This isn't the easiest text.")).toEqual(['This', 'is', "n't", 'the', 'easiest', 'text', '.']);
  });

  it('splits contractions, punctuation and keeps numbers, special tokens and line breaks', () => {
    expect(tok.tokenize("xxbos xxmaj it's 3.5 and 1,000 (yes), I can't.\"\n\nnew")).toEqual([
      'xxbos',
      'xxmaj',
      'it',
      "'s",
      '3.5',
      'and',
      '1,000',
      '(',
      'yes',
      ')',
      ',',
      'I',
      'ca',
      "n't",
      '.',
      '"',
      '\n\n',
      'new',
    ]);
    expect(tok.tokenize('café 日本語 😀 e-mail ...')).toEqual(['café', '日本語', '😀', 'e', '-', 'mail', '...']);
    expect(tok.tokenize('a  b \n c')).toEqual(['a', ' ', 'b', '\n ', 'c']);
  });
});

describe('tokenize1 with fastai’s rules', () => {
  it('matches fastai’s tokenize1 doc examples', () => {
    expect(tokenize1("This isn't a problem")).toEqual(['xxbos', 'xxmaj', 'this', 'is', "n't", 'a', 'problem']);
    expect(tokenize1("This isn't a problem", { tok: new BaseTokenizer(), rules: [] })).toEqual([
      'This',
      "isn't",
      'a',
      'problem',
    ]);
    expect(tokenize1("This isn't a problem", { tok: new BaseTokenizer("'"), rules: [] })).toEqual([
      'This▁isn',
      't▁a▁problem',
    ]);
  });

  it('applies every rule: caps, repetitions, html, spaces inside tokens', () => {
    expect(tokenize1('THIS is sooooo GOOD good good good!<br />Bye #1')).toEqual([
      'xxbos',
      'xxup',
      'this',
      'is',
      's',
      'xxrep',
      '5',
      'o',
      'xxup',
      'good',
      'xxwrep',
      '3',
      'good',
      '!',
      '\n',
      'xxmaj',
      'bye',
      '#',
      '1',
    ]);
    expect(tokenize1('one\n\n two')).toEqual(['xxbos', 'one', '\n\n▁', 'two']);
  });

  it('an empty or whitespace-only text gives just xxbos (as fastai)', () => {
    expect(tokenize1('')).toEqual(['xxbos']);
    expect(tokenize1(' \n\t ')).toEqual(['xxbos']);
  });
});

describe('tokenizeTexts: progress and cache', () => {
  it('reports progress, writes the cache once, and reads it back', async () => {
    const texts = ['Hello World', 'A second text.', ''];
    const seen: number[] = [];
    const first = await tokenizeTexts(texts, { cacheDir: tmp, progress: (done) => seen.push(done) });
    expect(first.fromCache).toBe(false);
    expect(seen.at(-1)).toBe(3);
    expect(readdirSync(tmp).filter((f) => f.endsWith('.json'))).toHaveLength(1);
    const again = await tokenizeTexts(texts, {
      cacheDir: tmp,
      progress: () => expect.fail('no tokenizing on a cache hit'),
    });
    expect(again.fromCache).toBe(true);
    expect(again.tokens).toEqual(first.tokens);
    expect(again.counts.get('xxbos')).toBe(3);
    expect(again.lengths).toEqual([5, 5, 1]);
    // Other rules → another cache entry.
    const other = await tokenizeTexts(texts, { cacheDir: tmp, rules: [], progress: false });
    expect(other.fromCache).toBe(false);
  });
});

describe('real data', () => {
  it('Jane Austen: 10,298 paragraphs (fields with newlines, via papaparse) tokenized', async () => {
    const table = await readTextTable(`${datasets.path('jane_austen')}/austen.csv`);
    const texts = column(table, 'text');
    expect(texts).toHaveLength(10298);
    const t0 = performance.now();
    const { tokens, counts } = await tokenizeTexts(texts, { cacheDir: false, progress: false });
    const secs = (performance.now() - t0) / 1000;
    expect(secs).toBeLessThan(30);
    const nTok = tokens.reduce((s, t) => s + t.length, 0);
    expect(nTok).toBeGreaterThan(700_000);
    expect(counts.get('xxmaj')).toBeGreaterThan(30_000);
    expect(counts.get('elizabeth')).toBeGreaterThan(500);
    expect(tokens.every((t) => t[0] === 'xxbos' && t.every((w) => w.length > 0 && !w.includes(' ')))).toBe(true);
    console.log(`austen: ${texts.length} texts, ${nTok} tokens, ${counts.size} distinct, ${secs.toFixed(2)} s`);
  });

  it('Amazon fine foods and fortunes tokenize; html entities and line breaks are handled', async () => {
    const foods = column(await readTextTable(`${datasets.path('amazon_fine_foods')}/reviews.csv`), 'text');
    const fortunes = column(await readTextTable(`${datasets.path('fortunes')}/fortunes.csv`), 'text');
    expect(foods).toHaveLength(5000);
    expect(fortunes).toHaveLength(3360);
    const f = await tokenizeTexts(foods, { cacheDir: false, progress: false });
    const g = await tokenizeTexts(fortunes, { cacheDir: false, progress: false });
    for (const { tokens } of [f, g])
      expect(tokens.every((t) => t[0] === 'xxbos' && t.every((w) => w.length > 0 && !w.includes(' ')))).toBe(true);
    expect(f.tokens.some((t) => t.includes('<br'))).toBe(false);
    expect(g.counts.get('\n')).toBeGreaterThan(100);
  });

  it('a 200,000-character document tokenizes in well under a second per 100k characters', async () => {
    const austen = column(await readTextTable(`${datasets.path('jane_austen')}/austen.csv`), 'text').join('\n\n');
    const doc = austen.slice(0, 200_000);
    const t0 = performance.now();
    const toks = tokenize1(doc);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(toks.length).toBeGreaterThan(35_000);
  });
});

describe('bad input', () => {
  it('a file with invalid UTF-8 throws TextDecodeError naming the file and byte offset', async () => {
    const file = join(tmp, 'latin1.txt');
    writeFileSync(file, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x21])); // "café!" in Latin-1
    await expect(readTextFile(file)).rejects.toThrow(TextDecodeError);
    await expect(readTextFile(file)).rejects.toThrow(/latin1\.txt: not valid UTF-8 .* at byte 3/);
    const csv = join(tmp, 'bad.csv');
    writeFileSync(csv, Buffer.concat([Buffer.from('text\n"ok"\n"'), Buffer.from([0xff, 0xfe]), Buffer.from('"\n')]));
    await expect(readTextTable(csv)).rejects.toThrow(/bad\.csv: not valid UTF-8 .* at byte 11/);
  });

  it('a missing column is named with the columns there are', async () => {
    const table = await readTextTable(`${datasets.path('fortunes')}/fortunes.csv`);
    expect(() => column(table, 'review', 'fortunes.csv')).toThrow(
      /fortunes\.csv: no column "review" \(columns: label, text, is_valid\)/,
    );
  });
});
