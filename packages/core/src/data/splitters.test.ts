import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { manualSeed } from '../nn/random.js';
import {
  colSplitter,
  grandparentSplitter,
  indexSplitter,
  parentLabel,
  parseFlag,
  randomSplitter,
} from './splitters.js';

describe('splitters', () => {
  it('parseFlag: one rule for every is_valid column', () => {
    for (const t of [true, 1, 'True', 'TRUE', 'true', '1', ' yes ', 'T', 'y'])
      expect(parseFlag(t), String(t)).toBe(true);
    for (const f of [false, 0, 'False', 'FALSE', 'false', '0', 'no', 'f', 'N'])
      expect(parseFlag(f), String(f)).toBe(false);
    for (const x of ['', 'maybe', '2', 2, null, undefined, 'Truee']) expect(parseFlag(x), String(x)).toBeUndefined();
  });

  it('colSplitter: flags to a split; a non-flag names its row', () => {
    expect(colSplitter(['False', 'True', '0', 1, 'FALSE'])).toEqual({ train: [0, 2, 4], valid: [1, 3] });
    expect(() => colSplitter(['True', 'maybe'])).toThrow(InvalidArgumentError);
    expect(() => colSplitter(['True', 'maybe'])).toThrow(/row 2.*"maybe"/);
    expect(() =>
      colSplitter([''], (row) => {
        throw new Error(`custom ${row}`);
      }),
    ).toThrow('custom 0');
  });

  it('randomSplitter: validPct of the items, disjoint, seeded or from manualSeed', () => {
    const s = randomSplitter(10, 0.2, 42);
    expect(s.valid.length).toBe(2);
    expect([...s.train, ...s.valid].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(randomSplitter(10, 0.2, 42)).toEqual(s);
    manualSeed(3);
    const a = randomSplitter(100, 0.3);
    manualSeed(3);
    expect(randomSplitter(100, 0.3)).toEqual(a);
    expect(randomSplitter(100, 0.3)).not.toEqual(a);
    expect(() => randomSplitter(10, 1)).toThrow(RangeError);
    expect(() => randomSplitter(10, -0.1)).toThrow(RangeError);
    const none = randomSplitter(5, 0, 1);
    expect(none.valid).toEqual([]);
    expect([...none.train].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
  });

  it("indexSplitter: fastai's IndexSplitter (the rest trains, in order); a bad index names its position", () => {
    expect(indexSplitter(6, [4, 1])).toEqual({ train: [0, 2, 3, 5], valid: [4, 1] });
    expect(indexSplitter(3, Int32Array.from([]))).toEqual({ train: [0, 1, 2], valid: [] });
    expect(indexSplitter(3, [0, 1, 2])).toEqual({ train: [], valid: [0, 1, 2] });
    expect(() => indexSplitter(3, [0, 3])).toThrow(InvalidArgumentError);
    expect(() => indexSplitter(3, [0, 3])).toThrow(/validIdx\[1\].*\[0, 3\).*got 3/);
    expect(() => indexSplitter(3, [-1])).toThrow(InvalidArgumentError);
    expect(() => indexSplitter(3, [1.5])).toThrow(InvalidArgumentError);
    expect(() =>
      indexSplitter(3, [0, 7], (k, i) => {
        throw new Error(`custom ${k} ${i}`);
      }),
    ).toThrow('custom 1 7');
  });

  it('grandparentSplitter: the folder two levels up', () => {
    expect(grandparentSplitter(['p/train/a/1.png', 'p/valid/b/2.png', 'p/test/a/3.png', 'x\\valid\\c\\4.png'])).toEqual(
      { train: [0], valid: [1, 3] },
    );
    expect(grandparentSplitter(['p/tr/a/1.png', 'p/va/a/2.png'], 'tr', 'va')).toEqual({ train: [0], valid: [1] });
  });

  it("parentLabel: the folder holding the file, as fastai's parent_label (Path(f).parent.name)", () => {
    expect(parentLabel('/data/train/bag/1.png')).toBe('bag');
    expect(parentLabel('C:\\data\\valid\\shoe\\2.png')).toBe('shoe');
    expect(parentLabel('train//coat/3.png')).toBe('coat');
    expect(parentLabel('4.png')).toBe('');
  });
});
