// MultiCategorize and OneHotEncode against fastai 2.7.12's own (../shared/reference/fastai/t3.json).
import { readFileSync } from 'node:fs';
import { needsReference, referenceFile } from '@tfai/test-utils';
import { describe, expect, it } from 'vitest';
import { DataBlockError } from './categorize.js';
import { MultiCategorize, OneHotEncode } from './multi-categorize.js';
import { Pipeline } from './transform.js';

const T3 = 'fastai/t3.json';

describe('MultiCategorize and OneHotEncode', () => {
  it("match fastai's vocab order, encodings and one-hot vectors", needsReference(T3), () => {
    const ref = (
      JSON.parse(readFileSync(referenceFile(T3), 'utf8')) as {
        multicategorize: { labels: string[][]; vocab: string[]; encoded: number[][]; one_hot: number[][] };
      }
    ).multicategorize;
    const mc = new MultiCategorize();
    const pipe = new Pipeline([mc, new OneHotEncode(() => mc.vocab.length)]);
    pipe.setup(ref.labels);
    expect(mc.vocab).toEqual(ref.vocab);
    expect(ref.labels.map((l) => mc.encodes(l))).toEqual(ref.encoded);
    expect(ref.labels.map((l) => Array.from(pipe.encode(l) as Float32Array))).toEqual(ref.one_hot);
    // decodes: back to the label sets (in vocab order after one-hot, as fastai's).
    expect(pipe.decode(pipe.encode(['fish', 'dog']))).toEqual(['dog', 'fish']);
  });

  it('a label outside the training vocab is a DataBlockError naming it', () => {
    const mc = new MultiCategorize();
    mc.setup([['a'], ['b']]);
    expect(() => mc.encodes(['a', 'zebra'])).toThrow(DataBlockError);
    expect(() => mc.encodes(['zebra'])).toThrow(/"zebra"/);
  });
});
