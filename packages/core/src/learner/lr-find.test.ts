// fastai's lr_find suggestion functions (callback/schedule.py). Against fastai 2.7.12: `minimum`, `steep`, `valley`
// and `slide` on the two fixed 100-point curves of the reference's t3.json (`lr_find_suggestions.curves.{smooth,noisy}`,
// the curve as given). By hand, for `valley`: lds[i] = the longest falling subsequence ending at i; with maxEnd its
// argmax, maxStart = maxEnd − lds[maxEnd] (fastai's, one before the run), sections = (maxEnd − maxStart)/3,
// idx = maxStart + ⌊sections⌋ + ⌊sections/2⌋. The full sweep on real data is in learner.test.ts.
import { readFileSync } from 'node:fs';
import { needsReference, referenceFile } from '@tfai/test-utils';
import { describe, expect, it } from 'vitest';
import { minimum, slide, steep, suggestionFunc, SuggestionMethod, valley } from './lr-find.js';

const lrs = (n: number) => Array.from({ length: n }, (_, i) => 1e-7 * 10 ** (i / 2));

describe('valley', () => {
  it('a U: 0…9 falls, lds[9] = 10, maxStart = −1, sections = 10/3, idx = −1 + 3 + 1 = 3', () => {
    const losses = [
      ...Array.from({ length: 10 }, (_, i) => 2 - i * 0.1),
      ...Array.from({ length: 10 }, (_, i) => 1.2 + i * 0.3),
    ];
    const l = lrs(20);
    expect(valley(l, losses, 100)).toEqual({ lr: l[3], point: { lr: l[3], loss: losses[3] } });
  });

  it('the longest falling run wins over an earlier, shorter one; a noisy point inside a run is stepped over', () => {
    // 0…3 falls (4 points), 4 jumps up, 4…16 falls with one bump at 9.
    const losses = [3, 2.9, 2.8, 2.7, 5, 4.9, 4.8, 4.7, 4.6, 4.65, 4.5, 4.4, 4.3, 4.2, 4.1, 4.0, 3.9, 6, 7];
    const l = lrs(losses.length);
    // lds[16] = 12 (indices 4…8 and 10…16, skipping 9), maxStart = 16 − 12 = 4, sections = 4, idx = 4 + 4 + 2 = 10.
    expect(valley(l, losses, 100).lr).toBe(l[10]);
  });
});

interface Curve {
  lrs: number[];
  losses: number[];
  suggestions: Record<'minimum' | 'steep' | 'valley' | 'slide', number>;
}

describe(
  "minimum, steep, valley, slide against fastai 2.7.12 (t3.json's lr_find_suggestions)",
  needsReference('fastai/t3.json'),
  () => {
    const curves = () =>
      (
        JSON.parse(readFileSync(referenceFile('fastai/t3.json'), 'utf8')) as {
          lr_find_suggestions: { curves: Record<'smooth' | 'noisy', Curve> };
        }
      ).lr_find_suggestions.curves;

    it.each(['smooth', 'noisy'] as const)('the %s curve: each suggestion equals fastai’s to 1e-12 relative', (name) => {
      const c = curves()[name];
      expect(c.lrs).toHaveLength(100);
      for (const f of [minimum, steep, valley, slide]) {
        const want = c.suggestions[f.name as keyof Curve['suggestions']];
        const got = f(c.lrs, c.losses, 100).lr;
        expect(Math.abs(got - want) / want, `${name} ${f.name}: ${got} vs ${want}`).toBeLessThan(1e-12);
      }
      // The four disagree on these curves, so a swapped rule cannot pass.
      expect(new Set(Object.values(c.suggestions)).size).toBe(4);
    });

    it('points marked on the plot: minimum marks the minimum itself (10× its suggestion), slide the interpolated loss', () => {
      const c = curves().smooth;
      const m = minimum(c.lrs, c.losses, 100);
      const iMin = c.losses.indexOf(Math.min(...c.losses));
      expect(m.point).toEqual({ lr: c.lrs[iMin], loss: c.losses[iMin] });
      expect(m.point.lr / 10).toBe(m.lr);
      const s = slide(c.lrs, c.losses, 100);
      const i = c.lrs.indexOf(s.lr);
      expect(s.point.loss).toBeCloseTo(c.losses[i], 12); // at a grid point the interpolation is the point
    });
  },
);

describe('SuggestionMethod and suggestionFunc', () => {
  it('names each function as fastai does; a configured slide keeps its name', () => {
    expect(Object.values(SuggestionMethod).map((f) => f.name)).toEqual(['valley', 'slide', 'minimum', 'steep']);
    const slide5 = suggestionFunc('slide', (l, s, n) => slide(l, s, n, { lrDiff: 5 }));
    expect(slide5.name).toBe('slide');
    const losses = Array.from({ length: 40 }, (_, i) => (i < 25 ? 3 - 0.1 * i : 0.5 + 0.4 * (i - 25)));
    const l = lrs(40);
    expect(slide5(l, losses, 100).lr).not.toBe(slide(l, losses, 100).lr);
  });

  it('an empty curve suggests NaN (no throw)', () => {
    for (const f of Object.values(SuggestionMethod)) expect(f([], [], 100).lr).toBeNaN();
  });
});
