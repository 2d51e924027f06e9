/** Reports progress of a long loop: `true` draws a bar on a TTY (plain lines otherwise), `false` is silent. */
export type ProgressOption = boolean | ((done: number, total: number) => void);

/**
 * A progress reporter for `total` steps: on a TTY a bar redrawn at most every 100 ms on stderr; elsewhere a
 * plain line at the start and at the end.
 * @example
 * ```ts
 * const p = progressReporter('tokenizing', texts.length, true);
 * texts.forEach((t, i) => { work(t); p(i + 1); });
 * ```
 */
export function progressReporter(label: string, total: number, opt: ProgressOption = true): (done: number) => void {
  if (opt === false) return () => undefined;
  if (typeof opt === 'function') return (done) => opt(done, total);
  const tty = process.stderr.isTTY === true;
  const start = performance.now();
  let last = 0;
  if (!tty) process.stderr.write(`${label}: ${total} items\n`);
  return (done) => {
    const now = performance.now();
    const finished = done >= total;
    if (tty && (now - last >= 100 || finished)) {
      last = now;
      const width = 30;
      const filled = Math.round((done / Math.max(total, 1)) * width);
      process.stderr.write(`\r${label} [${'█'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}`);
    }
    if (finished) {
      const secs = ((now - start) / 1000).toFixed(1);
      process.stderr.write(tty ? ` ${secs}s\n` : `${label}: done in ${secs}s\n`);
    }
  };
}
