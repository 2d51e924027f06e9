import { appendFile, mkdir, writeFile } from '#platform/fs';
import { dirname, join } from '#platform/path';
import { Callback } from '../callback.js';

/**
 * fastai's `CSVLogger`: appends the epoch table to a CSV file (`<learn.path>/history.csv` by default). Its row is
 * written right after the `Recorder` makes it (order 55: after the Recorder's 50, before the trackers' 60), so
 * the epoch on which `EarlyStoppingCallback` stops training is in the file, as fastai's (which writes through the
 * Recorder's logger).
 * @example
 * ```ts
 * await learn.fit(3, 1e-3, { cbs: [new CSVLogger('history.csv')] });
 * ```
 */
export class CSVLogger extends Callback {
  override order = 55;
  constructor(
    /** The CSV file, relative to `learn.path` (fastai's `fname`). Default `'history.csv'`. */
    readonly fname = 'history.csv',
    /** Append to the file (a new header line, then the rows) instead of overwriting it at each fit (fastai's `append`). Default false. */
    readonly append = false,
  ) {
    super();
  }
  /** The CSV file written. */
  get file(): string {
    return join(this.learn.path, this.fname);
  }
  override async beforeFit(): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const header = this.learn.recorder.metricNames.join(',') + '\n';
    if (this.append) await appendFile(this.file, header);
    else await writeFile(this.file, header);
  }
  override async afterEpoch(): Promise<void> {
    const r = this.learn.recorder;
    const vals = r.values[r.values.length - 1];
    await appendFile(this.file, [this.learn.epoch, ...vals, r.times[r.times.length - 1].toFixed(1)].join(',') + '\n');
  }
}
