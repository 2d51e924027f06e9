import { describe, expect, it } from 'vitest';
import { OptimizerError } from '../errors.js';
import { readFixture, referenceFacts } from '@tfai/test-utils';
import { lrsForGroups, slice } from './lr.js';
import {
  combineScheds,
  combinedCos,
  oneCyclePositions,
  oneCycleSchedules,
  schedCos,
  schedExp,
  schedLin,
  schedNo,
  schedPoly,
} from './schedule.js';

const oneCycle = referenceFacts().one_cycle as {
  lr_max: number;
  points: { pct: number; lr: number; mom: number }[];
  actual_fit_one_cycle_2_epochs_x_10_batches: { batch: number; lr: number; mom: number }[];
};
const parity = readFixture<{ pcts: number[]; lr: number[]; mom: number[] }>('parity_one_cycle.json');

/** Largest relative difference between two lists. */
function maxRel(got: number[], want: number[]): number {
  expect(got.length).toBe(want.length);
  return Math.max(...got.map((g, i) => Math.abs(g - want[i]) / Math.abs(want[i])));
}

describe('schedules', () => {
  it("are fastai's sched_lin/cos/no/exp and SchedPoly", () => {
    expect(schedLin(1, 3)(0.25)).toBe(1.5);
    expect(schedCos(2, 4)(0)).toBe(2);
    expect(schedCos(2, 4)(1)).toBe(4);
    expect(schedCos(0, 1)(0.5)).toBeCloseTo(0.5, 15);
    expect(schedNo(3, 9)(0.8)).toBe(3);
    expect(schedExp(1e-7, 10)(0.5)).toBeCloseTo(1e-3, 15);
    expect(schedPoly(1, 3, 2)(0.5)).toBe(1.5);
  });

  it('combineScheds runs each schedule over its fraction and checks its inputs', () => {
    const s = combineScheds([0.3, 0.7], [schedLin(0, 1), schedLin(1, 0)]);
    expect(s(0)).toBe(0);
    expect(s(0.3)).toBe(1);
    expect(s(1)).toBe(0);
    expect(() => combineScheds([0.5, 0.6], [schedNo(0), schedNo(1)])).toThrow(OptimizerError);
    expect(() => combineScheds([0.5], [schedNo(0), schedNo(1)])).toThrow(OptimizerError);
  });
});

describe('one-cycle', () => {
  const { lr, mom } = oneCycleSchedules([oneCycle.lr_max]);

  it('matches parity_one_cycle.json at 101 points', () => {
    const lrs = parity.pcts.map((p) => lr(p)[0]);
    const moms = parity.pcts.map((p) => mom(p));
    expect(maxRel(lrs, parity.lr)).toBeLessThan(1e-12);
    expect(maxRel(moms, parity.mom)).toBeLessThan(1e-12);
  });

  it("matches reference.json one_cycle points (fastai's float32 phase boundaries included)", () => {
    const f = combinedCos(0.25, oneCycle.lr_max / 25, oneCycle.lr_max, oneCycle.lr_max / 1e5);
    for (const pt of oneCycle.points) {
      expect(Math.abs(lr(pt.pct)[0] - pt.lr) / pt.lr).toBeLessThan(1e-12);
      expect(Math.abs(f(pt.pct) - pt.lr) / pt.lr).toBeLessThan(1e-12);
      expect(Math.abs(mom(pt.pct) - pt.mom)).toBeLessThan(1e-12);
    }
  });

  it('reproduces the per-batch lr and mom of a real fit_one_cycle(2) with 10 batches per epoch', () => {
    const pos = oneCyclePositions(2, 10);
    const actual = oneCycle.actual_fit_one_cycle_2_epochs_x_10_batches;
    expect(pos).toHaveLength(actual.length);
    expect(pos[0]).toBe(0);
    expect(pos[19]).toBeLessThan(1);
    expect(
      maxRel(
        pos.map((p) => lr(p)[0]),
        actual.map((a) => a.lr),
      ),
    ).toBeLessThan(1e-12);
    expect(
      maxRel(
        pos.map((p) => mom(p)),
        actual.map((a) => a.mom),
      ),
    ).toBeLessThan(1e-12);
  });

  it('gives each group its own one-cycle lr for slice(1e-6, 1e-4) (resnet18, 4 batches)', () => {
    const resnet = referenceFacts().vision_learner.resnet18_nout37 as Record<string, unknown>;
    const want = resnet['fit_one_cycle_slice_1e-6_1e-4_per_group_lrs_each_batch'] as number[][];
    const nBatches = resnet.fit_one_cycle_n_train_batches as number;
    const sched = oneCycleSchedules(lrsForGroups(slice(1e-6, 1e-4), 3));
    const got = oneCyclePositions(1, nBatches).map((p) => sched.lr(p));
    expect(got).toHaveLength(want.length);
    got.forEach((row, i) => expect(maxRel(row, want[i])).toBeLessThan(1e-12));
  });

  it('takes pctStart, div, divFinal and moms as fit_one_cycle does', () => {
    const s = oneCycleSchedules([1e-2, 1e-1], { pctStart: 0.3, div: 5, divFinal: 1e4, moms: [0.9, 0.8, 0.9] });
    expect(s.lr(0)).toEqual([2e-3, 2e-2]);
    expect(s.lr(0.3).map((v, i) => v / [1e-2, 1e-1][i])).toEqual([1, 1]);
    expect(s.lr(1)[1]).toBeCloseTo(1e-5, 12);
    expect(s.mom(0.3)).toBeCloseTo(0.8, 6);
  });
});
