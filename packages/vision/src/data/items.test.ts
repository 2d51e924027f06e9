import { describe, expect, it } from 'vitest';
import { parseFlag } from '@tfai/core';
import { datasets } from '@tfai/datasets';
import { readCsvRecords } from './csv.js';
import { ImageDataError } from './errors.js';
import { getImageFiles, grandparentSplitter, parentLabel, randomSplitter, regexLabel } from './items.js';

const FM = `${datasets.path('fashion_mnist')}`;

describe('items: get_image_files, parent_label, splitters (fashion_mnist: 4,000 PNGs, 3,000 train / 1,000 valid)', () => {
  it('getImageFiles lists every PNG (sorted), restricted to the given top folders', async () => {
    const all = await getImageFiles(FM);
    expect(all).toHaveLength(4000);
    expect([...all].sort()).toEqual(all);
    const valid = await getImageFiles(FM, { folders: ['valid'] });
    expect(valid).toHaveLength(1000);
    expect(valid.every((f) => f.includes('/valid/'))).toBe(true);
  });

  it('parentLabel and grandparentSplitter agree with labels.csv', async () => {
    const files = await getImageFiles(FM, { folders: ['train', 'valid'] });
    const split = grandparentSplitter(files);
    expect([split.train.length, split.valid.length]).toEqual([3000, 1000]);
    const rows = await readCsvRecords(`${FM}/labels.csv`);
    const byName = new Map(rows.map((r) => [r.name, r]));
    for (const f of files) {
      const r = byName.get(f.slice(FM.length + 1))!;
      expect(parentLabel(f)).toBe(r.label);
    }
    expect(split.valid.every((i) => parseFlag(byName.get(files[i].slice(FM.length + 1))!.is_valid) === true)).toBe(
      true,
    );
  });

  it('randomSplitter: floor(validPct·n) validation items, disjoint, reproducible with a seed', () => {
    const a = randomSplitter(103, 0.2, 42);
    expect(a.valid).toHaveLength(20);
    expect(new Set([...a.train, ...a.valid]).size).toBe(103);
    expect(randomSplitter(103, 0.2, 42)).toEqual(a);
    expect(randomSplitter(103, 0.2, 43).valid).not.toEqual(a.valid);
    expect(() => randomSplitter(10, 1.5)).toThrow(RangeError);
  });

  it('regexLabel takes the first group; a name it does not match is an error naming it', () => {
    expect(regexLabel(/^(.+)_\d+\.png$/, 'great_pyrenees_12.png')).toBe('great_pyrenees');
    expect(() => regexLabel(/^(\d+)\.png$/, 'cat.png')).toThrow(ImageDataError);
    expect(() => regexLabel(/^(\d+)\.png$/, 'cat.png')).toThrow(/cat\.png/);
  });
});
