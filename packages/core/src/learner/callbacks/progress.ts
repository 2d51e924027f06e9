import { describeBackend } from '../../backend/describe.js';
import { Callback } from '../callback.js';
import { formatTime, MasterBar, ProgressBar, type ProgressBarOptions } from '../../progress/bar.js';

export { formatTime };

/**
 * fastai's epoch table as its console progress bar writes it: names padded to 8 characters and joined by two
 * spaces; each value left-aligned under its name; losses and metrics with 6 decimals. A value wider than its column
 * (a loss of 123456789.000000) widens that column for its row and the rows after it, always two spaces before the
 * next column, so large values never run together.
 * @example
 * ```ts
 * const t = new EpochTable();
 * t.header(['epoch', 'train_loss', 'time']); // 'epoch     train_loss  time    '
 * t.row(['0', '0.693147', '00:01']);
 * ```
 */
export class EpochTable {
  private widths: number[] | undefined;
  header(names: string[]): string {
    const padded = names.map((n) => (n.length < 8 ? n + ' '.repeat(8 - n.length) : n));
    this.widths = padded.map((n) => n.length);
    return padded.join('  ');
  }
  row(values: string[]): string {
    const widths = (this.widths ??= values.map((v) => v.length));
    values.forEach((v, i) => (widths[i] = Math.max(widths[i] ?? 0, v.length)));
    return values.map((v, i) => v + ' '.repeat(2 + widths[i] - v.length)).join('');
  }
}

/**
 * Options of {@link ProgressCallback}: where the bars go, the clock, how often to log off a terminal, and whether to
 * draw bars at all (`bars: false`, what the Learner's `progress: false` means: the epoch table is still printed).
 */
export type ProgressOptions = Pick<ProgressBarOptions, 'stream' | 'now' | 'logEvery' | 'redrawEvery'> & {
  /** Draw the bars (default true); without them the epoch table still goes to `learn.logger`, as fastai's. */
  bars?: boolean;
  /**
   * With bars, write `backend: …` ({@link describeBackend}: wasm with native oneDNN kernels, their ISA and threads,
   * or why they are off) on the bars' stream before the first fit (default true); never through `learn.logger`,
   * whose epoch table stays fastai's.
   */
  backend?: boolean;
};

/**
 * fastai's `ProgressCallback`: the epoch table (`epoch  train_loss  valid_loss  <metrics>  time`) through
 * `learn.logger` after every epoch, and fastprogress's bars on stderr — a master bar over the epochs and a child
 * bar over the batches, each with elapsed/remaining time and items/s, the child showing the smoothed training
 * loss (at most `learn.recorder.lossLag` batches old, never the previous epoch's). Off a terminal, one plain line
 * every `logEvery` seconds (default 30): epoch, batch, loss, time left.
 *
 * @example
 * ```ts
 * const learn = new Learner(dls, model, { progress: { logEvery: 10 } });
 * await learn.fitOneCycle(3, 1e-3);
 * ```
 */
export class ProgressCallback extends Callback {
  override order = 60;
  private table = new EpochTable();
  private mb: MasterBar | undefined;
  private pb: ProgressBar | undefined;
  private items = 0;
  private backendShown = false;
  constructor(
    /** The options given: stream, clock, logging interval and whether to draw bars. */
    readonly opts: ProgressOptions = {},
  ) {
    super();
  }

  /** Whether this callback draws bars (`bars: false`: only the epoch table). */
  get bars(): boolean {
    return this.opts.bars ?? true;
  }

  /** A bar with this callback's stream and clock (for loops outside `fit`: `getPreds`, `lrFind`); silent without bars. */
  bar(total: number, label: string, opts: { unit?: string } = {}): ProgressBar {
    return new ProgressBar(total, { ...this.opts, label, unit: opts.unit, silent: !this.bars });
  }

  override beforeFit(): void {
    this.table = new EpochTable();
    const l = this.learn;
    if (!this.bars) {
      l.logger(this.table.header(l.recorder.metricNames));
      return;
    }
    const mb = new MasterBar(l.nEpoch, { ...this.opts, label: 'epoch', unit: 'epoch' });
    mb.plain = () => this.plainLine(mb);
    this.mb = mb;
    if (this.opts.backend !== false && !this.backendShown) {
      this.backendShown = true;
      mb.write(`backend: ${describeBackend()}`);
    }
    mb.write(this.table.header(l.recorder.metricNames), l.logger);
  }

  private plainLine(mb: MasterBar): string {
    const l = this.learn;
    const pb = mb.current;
    const parts = [`epoch ${l.epoch + 1}/${l.nEpoch}`];
    if (pb) parts.push(`${pb.label} batch ${Math.floor(pb.value)}/${pb.total}`);
    if (pb?.comment) parts.push(`loss ${pb.comment}`);
    parts.push(`time left ${formatTime(mb.remaining)}`);
    return parts.join('  ');
  }

  override beforeTrain(): void {
    this.startChild('train');
  }

  override beforeValidate(): void {
    this.startChild(this.learn.predicting ? 'predict' : 'valid');
  }

  private startChild(label: string): void {
    this.items = 0;
    if (!this.bars) return;
    this.pb = this.mb
      ? this.mb.child(this.learn.nIter, label, { unit: 'items' })
      : new ProgressBar(this.learn.nIter, { ...this.opts, label, unit: 'items' });
  }

  override afterBatch(): void {
    const l = this.learn;
    if (!this.pb) return;
    this.items += l.y?.shape[0] ?? l.x[0]?.shape[0] ?? 1;
    const r = l.recorder;
    const fresh = l.training && r.lastRead.epoch === l.epoch && Number.isFinite(r.smoothLoss);
    const done = l.iter + 1;
    // The master counts the epoch in batches, training then validation.
    if (this.mb) {
      const nTrain = l.dls.train.length;
      const perEpoch = Math.max(nTrain + l.dls.valid.length, 1);
      this.mb.value = l.epoch + Math.min((l.training ? done : nTrain + done) / perEpoch, 0.999);
    }
    this.pb.update(done, { comment: fresh ? r.smoothLoss.toFixed(4) : l.training ? '' : undefined, items: this.items });
  }

  override afterValidate(): void {
    if (!this.mb) {
      this.pb?.done();
      this.pb = undefined;
    }
  }

  override afterEpoch(): void {
    const l = this.learn;
    const r = l.recorder;
    const vals = r.values[r.values.length - 1] ?? [];
    const fmt = (v: number) =>
      Number.isFinite(v) ? v.toFixed(6) : String(v).toLowerCase() === 'nan' ? 'nan' : String(v);
    const row = this.table.row([String(l.epoch), ...vals.map(fmt), formatTime(r.times[r.times.length - 1] ?? 0)]);
    if (this.mb) {
      this.mb.current = undefined;
      this.mb.update(l.epoch + 1);
      this.mb.write(row, l.logger);
    } else l.logger(row);
  }

  private end(): void {
    this.mb?.done();
    this.mb = undefined;
    this.pb = undefined;
  }

  /**
   * Closes the bars where they stand when an error (not a `Cancel…` exception) leaves the loop, so that what prints
   * the error starts on a fresh line below them. The Learner calls it; no event of the loop fires after an error.
   */
  abort(): void {
    (this.mb ?? this.pb)?.abort();
    this.mb = undefined;
    this.pb = undefined;
  }

  override afterCancelFit(): void {
    this.end();
  }

  override afterFit(): void {
    this.end();
  }
}
