import { Callback } from '../callback.js';

/** `mm:ss` (or `h:mm:ss`), as fastprogress formats times. */
export function formatTime(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${String(m).padStart(2, '0')}:${ss}`;
}

/**
 * fastai's epoch table as its console progress bar writes it: names padded to 8 characters and joined by two
 * spaces; each value left-aligned under its name; losses and metrics with 6 decimals.
 */
export class EpochTable {
  private names: string[] | undefined;
  header(names: string[]): string {
    this.names = names.map((n) => (n.length < 8 ? n + ' '.repeat(8 - n.length) : n));
    return this.names.join('  ');
  }
  row(values: string[]): string {
    const names = this.names ?? values;
    return values.map((v, i) => v + ' '.repeat(Math.max(0, 2 + names[i].length - v.length))).join('');
  }
}

/**
 * Prints the epoch table (`epoch | train_loss | valid_loss | <metrics> | time`) through `learn.logger`
 * after every epoch, and on a TTY a progress bar of the batches on stderr.
 */
export class ProgressCallback extends Callback {
  override order = 60;
  private table = new EpochTable();
  private lastDraw = 0;
  constructor(readonly bar: boolean = process.stderr.isTTY === true) {
    super();
  }

  override beforeFit(): void {
    this.table = new EpochTable();
    this.learn.logger(this.table.header(this.learn.recorder.metricNames));
  }

  override afterBatch(): void {
    if (!this.bar) return;
    const now = performance.now();
    const l = this.learn;
    const done = l.iter + 1;
    if (now - this.lastDraw < 100 && done < l.nIter) return;
    this.lastDraw = now;
    const width = 30;
    const filled = Math.round((done / Math.max(l.nIter, 1)) * width);
    const loss = l.training && Number.isFinite(l.recorder.smoothLoss) ? ` loss ${l.recorder.smoothLoss.toFixed(4)}` : '';
    process.stderr.write(`\r${l.training ? 'train' : 'valid'} [${'█'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${l.nIter}${loss}   `);
  }

  private clearBar(): void {
    if (this.bar) process.stderr.write('\r' + ' '.repeat(70) + '\r');
  }

  override afterEpoch(): void {
    this.clearBar();
    const r = this.learn.recorder;
    const vals = r.values[r.values.length - 1] ?? [];
    const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(6) : String(v).toLowerCase() === 'nan' ? 'nan' : String(v));
    this.learn.logger(this.table.row([String(this.learn.epoch), ...vals.map(fmt), formatTime(r.times[r.times.length - 1] ?? 0)]));
  }

  override afterCancelFit(): void {
    this.clearBar();
  }
}
