import { progressBar } from '@tfai/core';

/** Reports progress of a long loop: `true` draws core's progress bar (plain lines off a terminal), `false` is silent. */
export type ProgressOption = boolean | ((done: number, total: number) => void);

/**
 * A progress reporter for `total` steps on core's {@link progressBar}: on a terminal fastprogress's bar on stderr
 * (elapsed, remaining, items/s); elsewhere a plain line every 30 s, so long tokenizations show life in a log.
 * @example
 * ```ts
 * const p = progressReporter('tokenizing', texts.length, true);
 * texts.forEach((t, i) => { work(t); p(i + 1); });
 * ```
 */
export function progressReporter(label: string, total: number, opt: ProgressOption = true): (done: number) => void {
  if (opt === false) return () => undefined;
  if (typeof opt === 'function') return (done) => opt(done, total);
  const bar = progressBar(total, { label, unit: 'texts' });
  return (done) => {
    bar.update(done);
    if (done >= total) bar.done();
  };
}
