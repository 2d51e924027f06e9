import { describe, expect, it } from 'vitest';
import { main } from './07-tabular-forward.js';

describe('07 TabularModel.forward line by line', () => {
  it('prints every intermediate shape and ends where the model does', async () => {
    const lines: string[] = [];
    const r = await main((l) => lines.push(l));
    expect(lines[0]).toMatch(/^Answers: Go through TabularModel.forward line by line/);
    // 4 categorical columns plus FillMissing's Income_na, Assets_na, Debt_na; 9 continuous.
    expect(lines[1]).toBe(
      'credit_data, one validation batch: x_cat [64, 7] (codes of Home, Marital, Records, Job, Income_na, Assets_na, Debt_na), x_cont [64, 9]',
    );
    const shapes = r.steps.map((s) => s.shape);
    const nEmb = shapes.slice(0, 7).reduce((a, s) => a + s[1]!, 0);
    expect(shapes[7]).toEqual([64, nEmb]);
    expect(shapes[9]).toEqual([64, 9]);
    expect(shapes[10]).toEqual([64, nEmb + 9]);
    // fastai's layers [200, 100]: Linear, ReLU, BatchNorm1d twice, then the output Linear.
    expect(shapes.slice(11)).toEqual([
      [64, 200],
      [64, 200],
      [64, 200],
      [64, 100],
      [64, 100],
      [64, 100],
      [64, 2],
    ]);
    expect(r.steps).toHaveLength(18);
    expect(r.maxDiff).toBe(0);
    expect(lines.at(-1)).toBe('the same as model(x_cat, x_cont) [64, 2]: max |difference| 0.0e+0');
  });
});
