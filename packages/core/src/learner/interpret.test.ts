import { describe, expect, it } from 'vitest';
import { DataLoader, DataLoaders } from '../data/dataloader.js';
import { formatTable, isShowsRows, topLosses } from './interpret.js';

describe('core interpretation helpers', () => {
  it('topLosses sorts the losses with their item indices, largest or smallest first', () => {
    expect(topLosses([0.1, 2, 0.5, 3], 3)).toEqual({ losses: [3, 2, 0.5], idx: [3, 1, 2] });
    expect(topLosses([0.1, 2, 0.5, 3], 2, false)).toEqual({ losses: [0.1, 0.5], idx: [0, 2] });
  });

  it('formatTable: header, numbers right-aligned, text left-aligned, a line break shown as \\n', () => {
    expect(
      formatTable(
        [
          { text: 'a\nb', n: 1.5 },
          { text: 'cc', n: 10 },
        ],
        ['text', 'n'],
      ),
    ).toEqual(['text    n', 'a\\nb  1.5', 'cc     10']);
  });

  it('itemIndices is the order a pass visits the items; plain DataLoaders cannot show rows', () => {
    const ds = { length: 5, get: (i: number) => i };
    const dl = new DataLoader(ds, {
      bs: 2,
      order: () => [4, 3, 2, 1, 0],
      collate: () => ({ x: [], y: undefined as never }),
    });
    expect(dl.itemIndices()).toEqual([4, 3, 2, 1, 0]);
    expect(isShowsRows(new DataLoaders(dl, dl))).toBe(false);
    expect(isShowsRows({ inputRows: async () => ({ columns: [], rows: [] }) })).toBe(true);
  });
});
