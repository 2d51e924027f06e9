import { describe, expect, it } from 'vitest';
import { main } from './08-bpt3c-batches.js';

describe('08 length-bucketed batches against random batching', () => {
  it('prints the lengths per batch and the padding share; SortedDL pads far less', async () => {
    const lines: string[] = [];
    const r = await main((l) => lines.push(l), true);
    expect(lines[0]).toMatch(/^Answers: Why does fastai sort texts by length into batches/);
    expect(r.n).toBe(800);
    // 800 texts in batches of 32, shuffled so the last incomplete batch is dropped: 25 batches each.
    expect(r.sorted.batches).toHaveLength(25);
    expect(r.random.batches).toHaveLength(25);
    // fastai's SortedDL: the first batch holds the longest text.
    expect(r.sorted.batches[0]!.max).toBe(Math.max(...r.sorted.batches.map((b) => b.max)));
    // Every batch is as wide as its longest text.
    for (const b of [...r.sorted.batches, ...r.random.batches]) expect(b.width).toBe(b.max);
    expect(r.sorted.padShare).toBeLessThan(r.random.padShare / 2);
    expect(lines.filter((l) => /^ {2}lengths +\d+–\d+ +padded to \d+$/.test(l))).toHaveLength(10);
    expect(lines.at(-1)).toMatch(/^Random batching pads \d+\.\d× as many tokens as SortedDL/);
  });
});
