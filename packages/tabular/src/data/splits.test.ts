import { manualSeed, randomSplitter, Rng } from '@tfai/core';
import { datasets } from '@tfai/datasets';
import { describe, expect, it } from 'vitest';
import { TabularOptionsError } from '../errors.js';
import { readDataFrame } from './read-data-frame.js';
import { splitRows } from './splits.js';

describe('splitRows', () => {
  const titanic = `${datasets.path('titanic')}/titanic.csv`;

  it("validPct goes through core's randomSplitter: the same rows as randomSplitter(n, pct, seed), as before", async () => {
    const df = await readDataFrame(titanic);
    const [train, valid] = splitRows(df, { validPct: 0.2, seed: 42 });
    const core = randomSplitter(df.nRows, 0.2, 42);
    expect(Array.from(valid)).toEqual(core.valid);
    expect(Array.from(train)).toEqual(core.train);
    expect(valid.length).toBe(Math.floor(0.2 * df.nRows));
    // The permutation tabular drew itself before: unchanged rows for a given seed.
    const perm = Array.from(new Rng(42).permutation(df.nRows));
    expect(Array.from(valid)).toEqual(perm.slice(0, valid.length));
  });

  it('without a seed the split follows manualSeed; validPct 0 trains on every row; bad fractions are typed errors', async () => {
    const df = await readDataFrame(titanic);
    manualSeed(7);
    const a = splitRows(df, {});
    manualSeed(7);
    const b = splitRows(df, {});
    expect(Array.from(b[1])).toEqual(Array.from(a[1]));
    expect(Array.from(splitRows(df, {})[1])).not.toEqual(Array.from(a[1]));
    const [train, valid] = splitRows(df, { validPct: 0, seed: 1 });
    expect(valid.length).toBe(0);
    expect(train.length).toBe(df.nRows);
    expect(() => splitRows(df, { validPct: 1 })).toThrow(TabularOptionsError);
  });
});
