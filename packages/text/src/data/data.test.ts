import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@tfai/core';
import { describe, expect, it } from 'vitest';
import { TextInputError } from '../errors.js';
import { LMDataLoader } from './lm-dataloader.js';
import { Numericalize, makeVocab } from './numericalize.js';
import { padChunk, padInputChunk } from './pad-chunk.js';
import { SortedDL, sortishOrder } from './sorted-dl.js';
import { countTokens } from '../tokenize/tokenize.js';
import { SPECIAL_TOKENS } from '../tokenize/rules.js';

describe('make_vocab / Numericalize', () => {
  it('special tokens first (xxpad at 1), minFreq, ties by first appearance, xxfake to a multiple of 8', () => {
    const docs = [
      ['xxbos', 'b', 'a', 'b', 'a', 'c', 'rare'],
      ['xxbos', 'a', 'b', 'c', 'c', 'd', 'd', 'd'],
    ];
    const vocab = makeVocab(countTokens(docs), { minFreq: 3 });
    // counts: a 3, b 3, c 3, d 3 — ties in order of first appearance (b before a).
    expect(vocab.slice(0, 13)).toEqual([...SPECIAL_TOKENS, 'b', 'a', 'c', 'd']);
    expect(vocab.length % 8).toBe(0);
    expect(vocab.slice(13)).toEqual(Array(3).fill('xxfake'));
    expect(vocab[1]).toBe('xxpad');
    // Already a multiple of 8 → 8 more xxfake, as fastai's `8 - len % 8`.
    expect(
      makeVocab(
        new Map([
          ['w', 5],
          ['v', 5],
          ['x', 5],
          ['y', 5],
          ['z', 5],
          ['u', 5],
          ['t', 5],
        ]),
        { specialToks: ['xxunk'] },
      ),
    ).toHaveLength(16);
    expect(makeVocab(countTokens(docs), { minFreq: 1, maxVocab: 10 }).filter((t) => t !== 'xxfake')).toHaveLength(10);
  });

  it('unknown words become xxunk (0); decode reverses encode; xxfake is never produced', () => {
    const num = Numericalize.fromCounts(countTokens([['xxbos', 'hi', 'hi', 'hi', 'xxfake', 'xxfake', 'xxfake']]));
    expect(Array.from(num.encode(['xxbos', 'hi', 'unseen', 'xxfake']))).toEqual([2, 9, 0, 0]);
    expect(num.decode(num.encode(['xxbos', 'hi']))).toEqual(['xxbos', 'hi']);
    expect(() => num.decode([999])).toThrow(TextInputError);
  });
});

describe('pad_input_chunk', () => {
  it('pads by whole chunks first and the remainder last (fastai’s pad_chunk)', () => {
    expect(Array.from(padChunk([5, 6, 7], 10, { seqLen: 4 }))).toEqual([1, 1, 1, 1, 5, 6, 7, 1, 1, 1]);
    expect(Array.from(padChunk([5, 6, 7], 10, { seqLen: 4, padFirst: false }))).toEqual([5, 6, 7, 1, 1, 1, 1, 1, 1, 1]);
    expect(
      padInputChunk([Int32Array.of(2, 3, 4, 5, 6), Int32Array.of(7)], { seqLen: 2 }).map((r) => Array.from(r)),
    ).toEqual([
      [2, 3, 4, 5, 6],
      [1, 1, 1, 1, 7],
    ]);
  });
});

describe('LMDataLoader', () => {
  const docs = [
    Int32Array.from({ length: 50 }, (_, i) => 100 + i),
    Int32Array.from({ length: 31 }, (_, i) => 200 + i),
    Int32Array.from({ length: 20 }, (_, i) => 300 + i),
  ];

  it('cuts the stream into bs rows read seqLen at a time, targets shifted by one (fastai’s layout)', async () => {
    const dl = new LMDataLoader(docs, { bs: 4, seqLen: 7 });
    // 101 tokens → (101 - 1) // 4 = 25 per row → batches of 7, 7, 7, 4.
    expect(dl.length).toBe(4);
    const stream = Array.from(dl.stream);
    const xs: number[][][] = [];
    for await (const {
      x: [x],
      y,
    } of dl) {
      const xa = x.arraySync() as number[][];
      const ya = y.arraySync() as number[][];
      xa.forEach((row, j) => row.forEach((v, k) => expect(ya[j][k]).toBe(stream[stream.indexOf(v) + 1])));
      xs.push(xa);
      tf.dispose([x, y]);
    }
    expect(xs.map((b) => b[0].length)).toEqual([7, 7, 7, 4]);
    // Row j of consecutive batches continues the same text: row 1 starts at token 25.
    expect(xs.map((b) => b[1]).flat()).toEqual(stream.slice(25, 50));
  });

  it('shuffles the documents each epoch when asked, and can vary the sequence length', async () => {
    const dl = new LMDataLoader(docs, { bs: 2, seqLen: 8, shuffle: true, seed: 3 });
    const firsts: number[] = [];
    for (let e = 0; e < 4; e++) {
      for await (const b of dl) {
        firsts.push(b.x[0].dataSync()[0]);
        tf.dispose([...b.x, b.y]);
        break;
      }
    }
    expect(new Set(firsts).size).toBeGreaterThan(1);
    const v = new LMDataLoader(docs, { bs: 2, seqLen: 12, variableSeqLen: true, seed: 1 });
    const lens: number[] = [];
    for await (const b of v) {
      lens.push(b.x[0].shape[1] ?? 0);
      tf.dispose([...b.x, b.y]);
    }
    expect(lens.reduce((s, l) => s + l, 0)).toBe(50);
    expect(lens.every((l) => l >= 1 && l <= 30)).toBe(true);
  });

  it('a corpus too small for the batch size is a clear error', () => {
    expect(() => new LMDataLoader([Int32Array.of(1, 2)], { bs: 4 })).toThrow(
      /2 tokens in 1 documents are too few for bs 4/,
    );
  });
});

describe('SortedDL', () => {
  const lengths = [3, 9, 1, 7, 5, 8, 2, 6, 4, 10];
  const items = lengths.map((n, i) => ({ ids: Int32Array.from({ length: n }, () => 2 + i), label: i % 2 }));

  it('validation: fully sorted, longest first, padded by chunks at the start', async () => {
    const dl = new SortedDL(items, { bs: 4, seqLen: 4 });
    const batches: number[][][] = [];
    for await (const {
      x: [x],
      y,
    } of dl) {
      batches.push(x.arraySync() as number[][]);
      tf.dispose([x, y]);
    }
    expect(batches.map((b) => b.map((r) => r.filter((v) => v !== 1).length))).toEqual([
      [10, 9, 8, 7],
      [6, 5, 4, 3],
      [2, 1],
    ]);
    // 7 tokens in a batch of length 10: 0 whole chunks of 4 before (10 - 7 = 3 < 4), 3 pads after.
    expect(batches[0][3]).toEqual([...Array(7).fill(2 + 3), 1, 1, 1]);
    // 3 tokens padded to 6: one chunk of 4 would not fit (6 - 3 = 3) → pads after.
    expect(batches[1][3]).toEqual([2, 2, 2, 1, 1, 1]);
  });

  it('training: the longest text in the first batch, similar lengths together, a new order each epoch', async () => {
    const many = Array.from({ length: 400 }, (_, i) => ({ ids: new Int32Array(1 + ((i * 37) % 200)), label: 0 }));
    const order = sortishOrder(
      many.map((m) => m.ids.length),
      8,
      new Rng(5),
    );
    expect(many[order[0]].ids.length).toBe(200);
    expect(new Set(order).size).toBe(400);
    const dl = new SortedDL(many, { bs: 8, shuffle: true, seed: 2 });
    expect(dl.length).toBe(50);
    const spreads: number[] = [];
    for await (const {
      x: [x],
      y,
    } of dl) {
      const lens = (x.arraySync() as number[][]).map((r) => r.filter((v) => v !== 1).length);
      spreads.push(Math.max(...lens) - Math.min(...lens));
      tf.dispose([x, y]);
    }
    // Within a chunk of 400 sorted items, batches of 8 span few lengths.
    expect(Math.max(...spreads)).toBeLessThan(10);
  });
});
