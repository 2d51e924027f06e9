// fastai's `valley` suggestion (callback/schedule.py): lds[i] = the longest falling subsequence ending at i; with
// maxEnd its argmax, maxStart = maxEnd − lds[maxEnd] (fastai's, one before the run), sections = (maxEnd − maxStart)/3,
// idx = maxStart + ⌊sections⌋ + ⌊sections/2⌋. The full sweep on real data is in learner.test.ts.
import { describe, expect, it } from 'vitest';
import { valley } from './lr-find.js';

const lrs = (n: number) => Array.from({ length: n }, (_, i) => 1e-7 * 10 ** (i / 2));

describe('valley', () => {
  it('a U: 0…9 falls, lds[9] = 10, maxStart = −1, sections = 10/3, idx = −1 + 3 + 1 = 3', () => {
    const losses = [
      ...Array.from({ length: 10 }, (_, i) => 2 - i * 0.1),
      ...Array.from({ length: 10 }, (_, i) => 1.2 + i * 0.3),
    ];
    const l = lrs(20);
    expect(valley(l, losses)).toEqual({ lr: l[3], idx: 3 });
  });

  it('the longest falling run wins over an earlier, shorter one; a noisy point inside a run is stepped over', () => {
    // 0…3 falls (4 points), 4 jumps up, 4…16 falls with one bump at 9.
    const losses = [3, 2.9, 2.8, 2.7, 5, 4.9, 4.8, 4.7, 4.6, 4.65, 4.5, 4.4, 4.3, 4.2, 4.1, 4.0, 3.9, 6, 7];
    const l = lrs(losses.length);
    const { idx } = valley(l, losses);
    // lds[16] = 12 (indices 4…8 and 10…16, skipping 9), maxStart = 16 − 12 = 4, sections = 4, idx = 4 + 4 + 2 = 10.
    expect(idx).toBe(10);
    expect(valley(l, losses).lr).toBe(l[10]);
  });
});
