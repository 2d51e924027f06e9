import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Callback } from '../callback.js';

/**
 * fastai's `CSVLogger`: appends the epoch table to a CSV file (`<learn.path>/history.csv` by default).
 * @example
 * ```ts
 * await learn.fit(3, 1e-3, { cbs: [new CSVLogger('history.csv')] });
 * ```
 */
export class CSVLogger extends Callback {
  override order = 60;
  constructor(
    readonly fname = 'history.csv',
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
