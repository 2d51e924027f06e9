/**
 * fastprogress's console bars: `label |█████-----| 45.00% [45/100 00:10<00:12 4.50 it/s comment]`, redrawn in
 * place on a terminal (a master bar over epochs above a child bar over batches), and off a terminal one plain
 * line every `logEvery` seconds so a log file shows life.
 */

/** Where a bar draws: `process.stderr` by default; anything with `write` (a terminal when `isTTY`). */
export interface ProgressStream {
  /** Writes text, as `process.stdout.write`. */
  write(chunk: string): unknown;
  /** True for a terminal: bars redraw in place; otherwise (a file, a pipe) they print a plain line every `logEvery` s. */
  isTTY?: boolean;
  /** The terminal's width in characters, which bars fit (default 100, at most 160 used). */
  columns?: number;
}

/** Options of {@link progressBar}. */
export interface ProgressBarOptions {
  /** Printed before the bar (`'tokenizing'`, `'train'`…). */
  label?: string;
  /** Default `process.stderr`. */
  stream?: ProgressStream;
  /** Clock in milliseconds (default `performance.now`); tests inject a fake one. */
  now?: () => number;
  /** Off a terminal: seconds between plain progress lines (default 30). */
  logEvery?: number;
  /** Unit of the rate (`it/s` by default; `items`, `B`…). */
  unit?: string;
  /** On a terminal: milliseconds between redraws (default 100). */
  redrawEvery?: number;
  /** Draw nothing at all. */
  silent?: boolean;
}

/**
 * `mm:ss` (or `h:mm:ss`), as fastprogress formats times; `--:--` when unknown.
 * @example
 * ```ts
 * formatTime(3725); // '1:02:05'
 * ```
 */
export function formatTime(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${String(m).padStart(2, '0')}:${ss}`;
}

/**
 * A rate as tqdm writes it: `12.3 it/s`, or `4.20s/it` when slower than one per second; bytes as `2.5 MB/s`.
 * @example
 * ```ts
 * formatRate(0.25, 'epoch'); // '4.00s/epoch'
 * ```
 */
export function formatRate(perSecond: number, unit = 'it'): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return `? ${unit}/s`;
  if (unit === 'B') return `${formatBytes(perSecond)}/s`;
  if (perSecond < 1) return `${(1 / perSecond).toFixed(2)}s/${unit}`;
  const digits = perSecond >= 100 ? 0 : perSecond >= 10 ? 1 : 2;
  return `${perSecond.toFixed(digits)} ${unit}/s`;
}

/**
 * Bytes as `12.3 MB` (powers of 1000, as download tools print).
 * @example
 * ```ts
 * formatBytes(46_830_571); // '46.8 MB'
 * ```
 */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return i === 0 ? `${Math.round(n)} B` : `${n.toFixed(n >= 100 ? 0 : 1)} ${units[i]}`;
}

const MAX_COLS = 160;

/** The lines currently drawn on a terminal, redrawn in place (cursor up, clear line). */
class LiveLines {
  private drawn = 0;
  constructor(private readonly stream: ProgressStream) {}
  draw(lines: string[]): void {
    const up = this.drawn > 1 ? `\x1b[${this.drawn - 1}A` : '';
    const extra = Math.max(0, this.drawn - lines.length);
    let out = up + lines.map((l) => `\r\x1b[2K${l}`).join('\n');
    // Fewer lines than last time: clear the ones left below and come back up.
    if (extra) out += `\n\r\x1b[2K`.repeat(extra) + `\x1b[${extra}A`;
    this.stream.write(out);
    this.drawn = lines.length;
  }
  /** Whether lines are on the screen. */
  get active(): boolean {
    return this.drawn > 0;
  }
  /** Leaves the lines as drawn (the cursor has moved below them). */
  forget(): void {
    this.drawn = 0;
  }
  clear(): void {
    if (!this.drawn) return;
    // From the last line drawn: clear it and each one above, ending at the start of the first.
    this.stream.write(`\r\x1b[2K` + `\x1b[1A\r\x1b[2K`.repeat(this.drawn - 1));
    this.drawn = 0;
  }
}

/**
 * One fastprogress bar over `total` steps. Standalone ({@link progressBar}) it draws itself; as the child of a
 * {@link MasterBar} the master draws both.
 *
 * @example
 * ```ts
 * const bar = progressBar(files.length, { label: 'decoding' });
 * for (const f of files) { await decode(f); bar.tick(); }
 * bar.done();
 * ```
 */
export class ProgressBar {
  /** Steps done (may be fractional: the master bar counts epochs with the part of the current one). */
  value = 0;
  /** Printed after the counts (fastai: the smoothed loss). */
  comment = '';
  /** Printed before the bar (`'train'`, `'tokenizing'`…; empty for none), from the `label` option. */
  label: string;
  /** Where the bar draws (the `stream` option; default `process.stderr`, nowhere in a page). */
  protected readonly stream: ProgressStream;
  /** The clock in milliseconds. */
  protected readonly now: () => number;
  /** Whether the stream is a terminal (`stream.isTTY`): redraw in place, else plain lines. */
  protected readonly tty: boolean;
  /** Off a terminal: milliseconds between plain lines (the `logEvery` option, given in seconds; default 30 s). */
  protected readonly logEvery: number;
  /** The unit of the rate and counts (`'it'` by default; `'B'` prints bytes as `kB`/`MB`). */
  protected readonly unit: string;
  /** On a terminal: milliseconds between redraws (default 100). */
  protected readonly redrawEvery: number;
  /** Whether the bar draws nothing (the `silent` option; default false). */
  protected readonly silent: boolean;
  /** When the bar started, on {@link now}'s clock (milliseconds). */
  protected startT: number;
  private items: number | undefined;
  private lastDraw = -Infinity;
  private lastLog: number;
  /** @internal The lines redrawn in place on a terminal. */
  protected live: LiveLines | undefined;
  private drawnValue = NaN;
  /** Whether {@link done} or {@link abort} was called (later calls do nothing). */
  protected finished = false;

  constructor(
    /** The number of steps (epochs, batches, bytes…) that make 100%. */
    public total: number,
    opts: ProgressBarOptions = {},
    /** The master bar that draws this one as its child; absent for a standalone bar, which draws itself. */
    protected readonly parent?: MasterBar,
  ) {
    this.label = opts.label ?? '';
    // No process in a page: a bar there draws nowhere unless given a stream.
    this.stream = opts.stream ?? (typeof process === 'undefined' ? { write: () => true } : process.stderr);
    this.now = opts.now ?? (() => performance.now());
    this.tty = this.stream.isTTY === true;
    this.logEvery = (opts.logEvery ?? 30) * 1000;
    this.unit = opts.unit ?? 'it';
    this.redrawEvery = opts.redrawEvery ?? 100;
    this.silent = opts.silent ?? false;
    this.startT = this.now();
    this.lastLog = this.startT;
  }

  /** Seconds since the bar started. */
  get elapsed(): number {
    return (this.now() - this.startT) / 1000;
  }

  /** Estimated seconds left (NaN before the first step). */
  get remaining(): number {
    if (this.value <= 0) return NaN;
    return (this.elapsed / this.value) * Math.max(0, this.total - this.value);
  }

  /** Items per second: `items` given to {@link update} (e.g. samples), else steps. */
  get rate(): number {
    const e = this.elapsed;
    return e > 0 ? (this.items ?? this.value) / e : NaN;
  }

  /** Sets the progress (`value` steps done, optionally `items` processed so far and a comment) and redraws. */
  update(value: number, opts: { comment?: string; items?: number } = {}): void {
    this.value = value;
    if (opts.comment !== undefined) this.comment = opts.comment;
    if (opts.items !== undefined) this.items = opts.items;
    this.changed(value >= this.total);
  }

  /** One (or `n`) more steps done. */
  tick(n = 1, opts: { comment?: string; items?: number } = {}): void {
    this.update(this.value + n, opts);
  }

  /** fastprogress's text: `45.00% [45/100 00:10<00:12 4.50 it/s comment]`. */
  text(): string {
    const pct = this.total ? (100 * this.value) / this.total : 100;
    const count = Number.isInteger(this.value) ? this.value : Math.floor(this.value);
    const comment = this.comment ? ` ${this.comment}` : '';
    const counts = this.unit === 'B' ? `${formatBytes(count)}/${formatBytes(this.total)}` : `${count}/${this.total}`;
    return `${pct.toFixed(2)}% [${counts} ${formatTime(this.elapsed)}<${formatTime(this.remaining)} ${formatRate(this.rate, this.unit)}${comment}]`;
  }

  /** The whole line on a terminal `columns` wide: label, bar, text. */
  line(columns: number, barLength?: number, labelWidth = 0): string {
    const text = this.text();
    const prefix = this.label || labelWidth ? `${this.label.padEnd(labelWidth)} ` : '';
    const len = barLength ?? this.barLength(columns, labelWidth);
    const filled = this.total ? Math.min(len, Math.floor((len * this.value) / this.total)) : len;
    return `${prefix}|${'█'.repeat(filled)}${'-'.repeat(len - filled)}| ${text}`;
  }

  /** The bar's width that fits `columns` beside its text (10 to 50 characters). */
  barLength(columns: number, labelWidth = 0): number {
    const prefix = this.label || labelWidth ? Math.max(this.label.length, labelWidth) + 1 : 0;
    return Math.max(10, Math.min(50, columns - this.text().length - prefix - 4));
  }

  /** The plain line written off a terminal. */
  plainLine(): string {
    return `${this.label ? `${this.label} ` : ''}${this.text()}`;
  }

  /** Draws the final state and leaves the line (standalone) or hands back to the master. */
  done(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.parent) return;
    if (this.silent) return;
    if (this.tty) {
      if (this.drawnValue !== this.value) this.draw();
      this.stream.write('\n');
    } else if (this.now() - this.startT >= this.logEvery) {
      // Long enough that progress lines were printed: say it finished.
      this.stream.write(this.plainLine() + '\n');
    }
  }

  /**
   * Stops the bar where it stands (an error left the loop): on a terminal its lines stay as drawn and the cursor goes
   * to a fresh line below them, so an error message does not print on the bar's line.
   */
  abort(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.parent) {
      this.parent.abort();
      return;
    }
    if (this.silent || !this.tty || !this.live?.active) return;
    this.stream.write('\n');
    this.live.forget();
  }

  /** Clears the bar's lines from the terminal (to print something above them). */
  clear(): void {
    this.live?.clear();
  }

  /** Redraws after a change (now when `force`, else at most every refresh interval). */
  protected changed(force: boolean): void {
    if (this.parent) {
      this.parent.childChanged(force);
      return;
    }
    this.maybeDraw(force);
  }

  /** Draws when due (or `force`): in place on a terminal, as a plain line every `logEvery` s elsewhere. */
  protected maybeDraw(force: boolean): void {
    if (this.silent) return;
    const t = this.now();
    if (this.tty) {
      if (!force && t - this.lastDraw < this.redrawEvery) return;
      this.lastDraw = t;
      this.draw();
    } else if (t - this.lastLog >= this.logEvery) {
      this.lastLog = t;
      this.stream.write(this.plainLine() + '\n');
    }
  }

  /** Redraws the terminal lines now. */
  draw(): void {
    if (this.silent || !this.tty) return;
    this.live ??= new LiveLines(this.stream);
    this.drawnValue = this.value;
    this.live.draw(this.lines(Math.min(this.stream.columns || 100, MAX_COLS)));
  }

  /** The lines to draw, fitted to `columns` characters. */
  protected lines(columns: number): string[] {
    return [this.line(columns)];
  }
}

/**
 * fastprogress's master bar (over epochs) with one child bar at a time (over batches), drawn as two lines.
 * `write` prints a line above the bars (the epoch table).
 *
 * @example
 * ```ts
 * const mb = new MasterBar(nEpoch, { label: 'epoch' });
 * for (let e = 0; e < nEpoch; e++) {
 *   const pb = mb.child(batches.length, 'train');
 *   for (const b of batches) { step(b); pb.tick(); }
 *   mb.update(e + 1);
 *   mb.write(`epoch ${e} done`);
 * }
 * mb.done();
 * ```
 */
export class MasterBar extends ProgressBar {
  /** The child bar drawn below (the latest {@link child}, over the current epoch's batches); absent before the first. */
  current: ProgressBar | undefined;
  private readonly childOpts: ProgressBarOptions;
  /** Off a terminal, the periodic line (default: master and child text). */
  plain: (() => string) | undefined;

  constructor(total: number, opts: ProgressBarOptions = {}) {
    super(total, opts);
    this.childOpts = { stream: this.stream, now: this.now, unit: opts.unit };
  }

  /** Starts a new child bar (the previous one is replaced). */
  child(total: number, label: string, opts: { unit?: string } = {}): ProgressBar {
    this.current = new ProgressBar(total, { ...this.childOpts, label, unit: opts.unit ?? this.childOpts.unit }, this);
    this.maybeDraw(true);
    return this.current;
  }

  /** @internal The child moved: redraw (throttled). */
  childChanged(force: boolean): void {
    this.maybeDraw(force);
  }

  /** Prints `line` above the bars through `print` (default: the bars' stream), then redraws them. */
  write(line: string, print?: (line: string) => void): void {
    this.clear();
    if (print) print(line);
    else this.stream.write(line + '\n');
    if (!this.silent) this.draw();
  }

  override plainLine(): string {
    if (this.plain) return this.plain();
    return [super.plainLine(), this.current?.plainLine()].filter(Boolean).join(' | ');
  }

  override done(): void {
    if (this.silent) return;
    if (this.tty) this.clear();
  }

  protected override lines(columns: number): string[] {
    if (!this.current) return [this.line(columns)];
    // One width for both bars, as fastprogress; labels padded to line the bars up.
    const child = this.current;
    const w = Math.max(this.label.length, child.label.length);
    const len = Math.min(this.barLength(columns, w), child.barLength(columns, w));
    return [this.line(columns, len, w), child.line(columns, len, w)];
  }
}

/**
 * A standalone progress bar for any loop (data loading, tokenization, downloads): on a terminal fastprogress's
 * bar redrawn in place; elsewhere a plain line every `logEvery` seconds (30 by default).
 * @example
 * ```ts
 * const bar = progressBar(bytesTotal, { label: 'downloading resnet34', unit: 'B' });
 * for await (const chunk of body) { write(chunk); bar.tick(chunk.length); }
 * bar.done();
 * ```
 */
export function progressBar(total: number, opts: ProgressBarOptions = {}): ProgressBar {
  return new ProgressBar(total, opts);
}
