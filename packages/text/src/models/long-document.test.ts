// Whole-pipeline edge cases: real text → tokens → ids → classifier, for a very long document and empty ones.
import * as tf from '@tensorflow/tfjs-core';
import { manualSeed } from '@tfai/core';
import { setBackend } from '@tfai/core/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Numericalize } from '../data/numericalize.js';
import { padInputChunk } from '../data/pad-chunk.js';
import { column, readTextTable } from '../data/read.js';
import { datasets } from '@tfai/datasets';
import { countTokens, tokenize1 } from '../tokenize/tokenize.js';
import { AWDLSTM } from './awd-lstm.js';
import { getTextClassifier } from './classifier.js';
import { textBatch } from './text-batch.js';
import type { SequentialRNN } from './sequential-rnn.js';

describe('a text classifier on a 200,000-character document and on empty texts', () => {
  let num: Numericalize;
  let doc: string;
  let clas: SequentialRNN;
  beforeAll(async () => {
    // A tiny model's thousands of small steps are dispatch-bound: one wasm thread is ~8× faster than two here.
    await setBackend('wasm', { threads: 1 });
    const texts = column(await readTextTable(`${datasets.path('jane_austen')}/austen.csv`), 'text');
    doc = texts.join('\n\n').slice(0, 200_000);
    num = Numericalize.fromCounts(countTokens(texts.slice(0, 2000).map((t) => tokenize1(t))));
    manualSeed(0);
    clas = getTextClassifier(AWDLSTM, num.vocab.length, 3, { config: { embSz: 8, nHid: 12, nLayers: 2 } }).eval();
  });
  afterAll(() => clas.dispose());

  it('the long document runs chunk by chunk (72 tokens) and pools its last maxLen (1440) tokens, without leaking', () => {
    const ids = num.encode(tokenize1(doc));
    expect(ids.length).toBeGreaterThan(35_000);
    const x = textBatch(ids, 1, ids.length);
    const before = tf.memory().numTensors;
    const logits = clas.call(x);
    expect(logits.shape).toEqual([1, 3]);
    expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
    const kept = clas.extraOutputs[0].shape[1] ?? 0;
    expect(kept).toBeLessThanOrEqual(1440);
    expect(kept).toBeGreaterThan(1440 - 72);
    tf.dispose([logits, ...clas.extraOutputs]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('in a batch with a short text (sorted longest first, padded by chunks), both rows get logits', () => {
    const long = num.encode(tokenize1(doc.slice(0, 20_000)));
    const short = num.encode(tokenize1('A short note.'));
    const rows = padInputChunk([long, short]);
    const x = textBatch(Int32Array.from(rows.flatMap((r) => Array.from(r))), 2, long.length);
    tf.tidy(() => {
      const logits = clas.call(x);
      expect(logits.shape).toEqual([2, 3]);
      expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
    });
    x.dispose();
  });

  it('an empty and a whitespace-only text are just xxbos and still classify', () => {
    for (const text of ['', '   \n\t ']) {
      const ids = num.encode(tokenize1(text));
      expect(Array.from(ids)).toEqual([2]);
      tf.tidy(() => {
        const logits = clas.call(textBatch(ids, 1, 1));
        expect(logits.shape).toEqual([1, 3]);
        expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
      });
    }
  });
});
