// Helpers shared by the text benches (not part of the package).
import { Callback } from '@tfai/core';
import type { TextTable } from '../src/data/read.js';

/**
 * Logs the Recorder's smoothed training loss every `every` steps (0: never), to size runs from their step time.
 * The Recorder reads the losses in groups without waiting on the device, so the value lags by up to
 * `recorder.lossLag` batches (default 4) and is NaN until its first read.
 */
export function stepLog(name: string, log: (line: string) => void, every: number): Callback {
  return new (class extends Callback {
    override afterBatch(): void {
      const l = this.learn;
      if (every > 0 && l.training && l.iter % every === 0)
        log(`${name} step ${l.iter}/${l.nIter} smooth loss ${l.recorder.smoothLoss.toFixed(4)}`);
    }
  })();
}

/** The first `nTrain` training rows and the first `nValid` validation rows (`validCol` true/1). */
export function subset(t: TextTable, nTrain: number, nValid: number, validCol = 'is_valid'): TextTable {
  const isV = (r: Record<string, string>) => /^(true|1)$/i.test(r[validCol] ?? '');
  return {
    fields: t.fields,
    rows: [...t.rows.filter((r) => !isV(r)).slice(0, nTrain), ...t.rows.filter(isV).slice(0, nValid)],
  };
}
