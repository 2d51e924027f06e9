import { describe, expect, it } from 'vitest';
import { main } from './03-concat-vs-avg-pool.js';

describe('03 AdaptiveConcatPool2d against AdaptiveAvgPool2d', () => {
  it('prints both accuracies, with twice the features for the concat pool', async () => {
    const lines: string[] = [];
    const r = await main((l) => lines.push(l), true);
    expect(lines[0]).toMatch(/^Answers: Replace AdaptiveConcatPool2d with AdaptiveAvgPool2d/);
    expect([r.concatFeatures, r.avgFeatures]).toEqual([128, 64]);
    expect(
      lines.some((l) => /^ {2}AdaptiveConcatPool2d +128 features into the head {2}accuracy \d+\.\d%$/.test(l)),
    ).toBe(true);
    expect(lines.some((l) => /^ {2}AdaptiveAvgPool2d +64 features into the head {2}accuracy \d+\.\d%$/.test(l))).toBe(
      true,
    );
    expect(lines.at(-1)).toMatch(/^Concat pool minus average pool: -?\d+\.\d points$/);
    expect(r.concat).toBeGreaterThan(0.25);
    expect(r.avg).toBeGreaterThan(0.25);
  });
});
