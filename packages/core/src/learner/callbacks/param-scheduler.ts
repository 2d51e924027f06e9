import { Callback } from '../callback.js';
import type { HyperName } from '../../optim/optimizer.js';

/** A schedule of one hyper-parameter: one value for every group, or one per group. */
export type HyperSchedule = (pos: number) => number | number[];

/**
 * fastai's `ParamScheduler`: before each training batch, sets hyper-parameters from schedules of the
 * training progress `learn.pctTrain` ∈ [0, 1), and records the values used (`hps`).
 * @example
 * ```ts
 * await learn.fit(1, 1e-3, { cbs: [new ParamScheduler({ lr: schedLin(1e-4, 1e-2) })] });
 * ```
 */
export class ParamScheduler extends Callback {
  override order = 60;
  override runValid = false;
  /** Values set at each batch, per hyper-parameter (per group). */
  readonly hps: Partial<Record<HyperName, number[][]>> = {};
  constructor(
    /** A schedule per hyper-parameter to set (`lr`, `mom`…), each a function of `pctTrain` (fastai's `scheds`). */
    readonly scheds: Partial<Record<HyperName, HyperSchedule>>,
  ) {
    super();
  }
  override beforeFit(): void {
    for (const k of Object.keys(this.scheds) as HyperName[]) this.hps[k] = [];
  }
  override beforeBatch(): void {
    const opt = this.learn.opt!;
    for (const [k, f] of Object.entries(this.scheds) as [HyperName, HyperSchedule][]) {
      const v = f(this.learn.pctTrain);
      opt.setHyper(k, v);
      this.hps[k]!.push(opt.paramGroups.map((g) => g[k]));
    }
  }
}
