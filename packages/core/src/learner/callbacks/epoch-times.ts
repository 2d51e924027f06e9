// TFAI_EPOCH_TIMES=<file.jsonl>: the Recorder adds one JSON line per finished training epoch (its time, losses and
// metrics) to that file, for scripts/epoch-times.mjs (`npm run bench:epochs`), which reads the per-epoch times of
// the packages' real-data tests. Unset (the default), nothing is written.
import { readFile } from '#platform/fs';
import { atomicWrite } from '../../io/safetensors.js';

/** One line of the `TFAI_EPOCH_TIMES` file. */
export interface EpochTimeRecord {
  /** 0-based epoch of the fit, and the fit's number of epochs. */
  epoch: number;
  nEpoch: number;
  /** Seconds the epoch took, training and validation (the Recorder's `times`, the time column of fastai's table). */
  seconds: number;
  /** Training and validation batches per epoch. */
  trainBatches: number;
  validBatches: number;
  trainLoss: number | null;
  validLoss: number | null;
  metrics: Record<string, number | null>;
  /** The model's class name (fastai's). */
  model: string;
  pid: number;
  /** When the epoch ended (ISO 8601). */
  end: string;
}

/** The file named by `TFAI_EPOCH_TIMES`, if set and not empty. */
export function epochTimesFile(): string | undefined {
  const f = typeof process === 'undefined' ? undefined : process.env.TFAI_EPOCH_TIMES;
  return f ? f : undefined;
}

/**
 * Appends `rec` as one JSON line to `file` (rewritten atomically: a reader never sees half a line).
 * @example
 * ```ts
 * await appendEpochTime('/tmp/epochs.jsonl', record);
 * ```
 */
export async function appendEpochTime(file: string, rec: EpochTimeRecord): Promise<void> {
  let old = '';
  try {
    old = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (old && !old.endsWith('\n')) old += '\n';
  await atomicWrite(file, `${old}${JSON.stringify(rec)}\n`);
}
