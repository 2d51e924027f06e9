import { describe, expect, it } from 'vitest';
import { main } from './05-nearest-head-segmentation.js';

describe('05 nearest-neighbour head against the U-Net', () => {
  it('builds a head of five ×2 nearest upsamplings back to 32×32 and prints both models’ scores', async () => {
    const lines: string[] = [];
    const r = await main((l) => lines.push(l), true);
    expect(lines[0]).toMatch(/^Answers: Create a custom head using nearest neighbor interpolation/);
    expect(r.sizes).toEqual({ train: 39, valid: 15, size: 32, epochs: 1 });
    expect(r.nearest.upsamples).toBe(5);
    expect(r.nearest.outShape).toEqual([8, 32, 32, 8]);
    expect(lines.filter((l) => l.includes('Upsample(scale_factor=2.0, mode=nearest)'))).toHaveLength(5);
    for (const m of [r.nearest, r.unet]) {
      expect(m.foregroundAcc).toBeGreaterThanOrEqual(0);
      expect(m.foregroundAcc).toBeLessThanOrEqual(1);
      expect(m.dice).toBeGreaterThan(0);
    }
    expect(
      lines.some((l) =>
        /^ {2}nearest-neighbour head {2}foreground accuracy \d+\.\d% {2}multi-class Dice \d\.\d{3}/.test(l),
      ),
    ).toBe(true);
    expect(
      lines.some((l) =>
        /^ {2}U-Net \(unetLearner\) {5}foreground accuracy \d+\.\d% {2}multi-class Dice \d\.\d{3}/.test(l),
      ),
    ).toBe(true);
    expect(lines.at(-1)).toMatch(/^U-Net minus nearest head: foreground accuracy -?\d+\.\d points, Dice -?\d\.\d{3}$/);
  });
});
