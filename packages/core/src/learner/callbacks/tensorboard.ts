import { appendFile, mkdir, writeFile } from '#platform/fs';
import { hostname } from '#platform/os';
import { join } from '#platform/path';
import { Callback } from '../callback.js';
import { encodeEvent, tfRecord, type TensorBoardEvent } from './tensorboard-events.js';

/** Options of {@link TensorBoardCallback}. */
export interface TensorBoardOptions {
  /**
   * The run's folder (default `<learn.path>/runs/<Mon><DD>_<HH>-<MM>-<SS>_<hostname>`, as PyTorch's `SummaryWriter`);
   * point `tensorboard --logdir` at it or at its parent.
   */
  logDir?: string;
}

/** fastai's hyper-parameter names in the tags (`sqr_mom_0`, as fastai's `opt.hypers`). */
const HYPER_TAGS = { lr: 'lr', mom: 'mom', sqrMom: 'sqr_mom', eps: 'eps', wd: 'wd' } as const;

let fileCounter = 0;

/**
 * fastai's `TensorBoardCallback` (its scalars): writes TensorBoard event files with, per training step, the smoothed
 * training loss (`train_loss`) and every parameter group's hyper-parameters (`lr_0`, `mom_0`, `sqr_mom_0`, `eps_0`,
 * `wd_0`, …), and per epoch the validation loss and metrics (`valid_loss`, `accuracy`, …) at the epoch's last step.
 * Steps count training batches from 1 in each fit, as fastai's `train_iter`. One events file per fit, in one run
 * folder per callback; `lrFind`'s sweep is not logged. Losses are written as the Recorder reads them (never waiting
 * on the device) and the file is appended at the end of each epoch and of the fit. Read the files with TensorBoard,
 * or with `readTensorBoardEvents` (`@tfai/core/io`).
 * @example
 * ```ts
 * const tb = new TensorBoardCallback({ logDir: 'runs/resnet18' });
 * await learn.fitOneCycle(4, 1e-3, { cbs: [tb] });
 * // tensorboard --logdir runs
 * ```
 */
export class TensorBoardCallback extends Callback {
  /** After the Recorder (50), as fastai's (`Recorder.order + 1`). */
  override order = 51;
  override runValid = false;
  override runPredict = false;
  /** The run's folder (settled at the first fit). */
  logDir: string | undefined;
  /** The events file of the current (or last) fit. */
  file: string | undefined;
  private pending: Uint8Array[] = [];
  private lossesWritten = 0;
  private active = false;

  constructor(
    /** The options given (the run's folder, `logDir`). */
    readonly opts: TensorBoardOptions = {},
  ) {
    super();
  }

  private add(step: number, tag: string, value: number): void {
    const e: TensorBoardEvent = { wallTime: Date.now() / 1000, step, scalar: { tag, value } };
    this.pending.push(tfRecord(encodeEvent(e)));
  }

  private async flush(): Promise<void> {
    if (!this.file || !this.pending.length) return;
    const recs = this.pending;
    this.pending = [];
    await appendFile(this.file, Buffer.concat(recs));
  }

  override async beforeFit(): Promise<void> {
    this.active = !this.learn.callbacks.some((c) => c.name === 'LRFinder');
    if (!this.active) return;
    this.logDir ??= this.opts.logDir ?? join(this.learn.path, 'runs', defaultRunName());
    await mkdir(this.logDir, { recursive: true });
    const now = Date.now() / 1000;
    this.file = join(
      this.logDir,
      `events.out.tfevents.${Math.floor(now)}.${hostname()}.${process.pid}.${fileCounter++}`,
    );
    this.pending = [];
    this.lossesWritten = 0;
    await writeFile(this.file, tfRecord(encodeEvent({ wallTime: now, step: 0, fileVersion: 'brain.Event:2' })));
  }

  /** The smoothed losses the Recorder has read since the last call, at their own steps. */
  private addLosses(): void {
    const s = this.learn.recorder.smoothLosses;
    for (; this.lossesWritten < s.length; this.lossesWritten++)
      this.add(this.lossesWritten + 1, 'train_loss', s[this.lossesWritten]);
  }

  override afterBatch(): void {
    const l = this.learn;
    if (!this.active || !l.training || !l.opt) return;
    l.opt.paramGroups.forEach((g, i) => {
      for (const [k, tag] of Object.entries(HYPER_TAGS))
        this.add(l.trainIter, `${tag}_${i}`, g[k as keyof typeof HYPER_TAGS]);
    });
    this.addLosses();
  }

  override async afterEpoch(): Promise<void> {
    if (!this.active) return;
    const r = this.learn.recorder;
    this.addLosses();
    const row = r.values[r.values.length - 1] ?? [];
    // fastai: metric_names[2:-1] (valid_loss and the metrics) at the current train_iter.
    r.metricNames.slice(2, -1).forEach((name, i) => {
      const v = row[i + 1];
      if (v !== undefined && Number.isFinite(v)) this.add(this.learn.trainIter, name, v);
    });
    await this.flush();
  }

  override async afterCancelFit(): Promise<void> {
    await this.afterFit();
  }

  override async afterFit(): Promise<void> {
    if (!this.active) return;
    this.addLosses();
    await this.flush();
    this.active = false;
  }
}

/** PyTorch's `SummaryWriter` default run name: `Dec06_23-50-00_<hostname>`. */
function defaultRunName(): string {
  const d = new Date();
  const mon = d.toLocaleString('en-US', { month: 'short' });
  const p = (n: number) => String(n).padStart(2, '0');
  return `${mon}${p(d.getDate())}_${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}_${hostname()}`;
}
