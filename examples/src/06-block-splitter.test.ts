import { describe, expect, it } from 'vitest';
import { main } from './06-block-splitter.js';

describe('06 a parameter group per ResNet block', () => {
  it('makes 10 groups (stem, 8 blocks, head) with learning rates spread evenly from 1e-4 to 1e-2, and trains', async () => {
    const lines: string[] = [];
    const r = await main((l) => lines.push(l), true);
    expect(lines[0]).toMatch(/^Answers: Write a splitter with a parameter group for every ResNet block/);
    expect(r.groups).toBe(10);
    expect(lines).toContain('ResNet-18 (whole body) + fastai head: 10 parameter groups');
    // torchvision's ResNet-18 block sizes: the stem (conv 7×7 + BatchNorm) and layer1's first block.
    expect(r.sizes[0]).toBe(3 * 64 * 49 + 2 * 64);
    expect(r.sizes[1]).toBe(2 * (64 * 64 * 9 + 2 * 64));
    expect(r.sizes.reduce((a, b) => a + b, 0)).toBe(r.total);
    expect(r.lrs[0]).toBeCloseTo(1e-4, 10);
    expect(r.lrs[9]).toBeCloseTo(1e-2, 10);
    for (let i = 1; i < 10; i++) expect(r.lrs[i]! / r.lrs[i - 1]!).toBeCloseTo(100 ** (1 / 9), 6);
    expect(lines.filter((l) => /^ {2}group +\d+ \S+ +\d+ parameters {2}peak lr \d\.\d\de-\d$/.test(l))).toHaveLength(
      10,
    );
    expect(lines.at(-1)).toMatch(/^accuracy \d+\.\d%$/);
  });
});
