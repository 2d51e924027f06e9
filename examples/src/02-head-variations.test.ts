import { describe, expect, it } from 'vitest';
import { main } from './02-head-variations.js';

describe('02 head variations', () => {
  it('trains three heads and prints an accuracy for each', async () => {
    const lines: string[] = [];
    const r = await main((l) => lines.push(l), true);
    expect(lines[0]).toMatch(/^Answers: Change the dropout, layer sizes and number of layers/);
    expect(lines[1]).toMatch(/^fashion_mnist: 200 train \/ 100 valid images/);
    expect(r.map((h) => h.linears)).toEqual([2, 2, 3]);
    const rows = lines.filter((l) => /linear layers {2}accuracy \d+\.\d%$/.test(l));
    expect(rows).toHaveLength(3);
    // One short epoch on 200 images: every head is well above chance (10%).
    for (const h of r) expect(h.accuracy).toBeGreaterThan(0.25);
  });
});
