import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeBackend } from '../../backend/describe.js';
import { manualSeed } from '../../nn/random.js';
import { creditDls, creditModel, loadCredit, type CreditData } from '../../test-utils/credit.js';
import { Callback } from '../callback.js';
import { Learner } from '../learner.js';
import { accuracy } from '../metrics/index.js';
import { EpochTable } from './progress.js';

const ESC = String.fromCharCode(27);

/** A terminal: a Writable with `isTTY` that keeps the screen (\r, \n, clear line, cursor up). */
class FakeTerminal extends Writable {
  readonly isTTY: boolean;
  readonly columns = 120;
  rows: string[] = [''];
  row = 0;
  raw = '';
  constructor(tty: boolean) {
    super();
    this.isTTY = tty;
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.feed(chunk.toString());
    cb();
  }
  // Writable.write is asynchronous; the bars write synchronously like a TTY stream, so apply at once.
  override write(chunk: unknown): boolean {
    this.feed(String(chunk));
    return true;
  }
  private col = 0;
  private feed(s: string): void {
    this.raw += s;
    const re = new RegExp(`${ESC}\\[(\\d*)([AK])|\r|\n|[^${ESC}\r\n]+`, 'g');
    for (const m of s.matchAll(re)) {
      const t = m[0];
      if (t === '\r') this.col = 0;
      else if (t === '\n') {
        this.row++;
        this.col = 0;
        if (this.rows.length <= this.row) this.rows.push('');
      } else if (m[2] === 'K') this.rows[this.row] = '';
      else if (m[2] === 'A') this.row -= Number(m[1] || 1);
      else {
        const line = this.rows[this.row].padEnd(this.col);
        this.rows[this.row] = line.slice(0, this.col) + t + line.slice(this.col + t.length);
        this.col += t.length;
      }
    }
  }
}

let data: CreditData;
beforeAll(() => {
  data = loadCredit();
});

/** Moves the fake clock by half a second before every batch. */
class Tick extends Callback {
  override order = -10;
  constructor(private readonly clock: { t: number }) {
    super();
  }
  override beforeBatch(): void {
    this.clock.t += 500;
  }
}

/** 20 training batches of 64 loans, the 891 held-out loans in 7 batches of 128: 13.5 s per epoch on the fake clock. */
function makeLearner(
  stream: FakeTerminal,
  clock: { t: number },
  logger: (l: string) => void,
  logEvery?: number,
): Learner {
  manualSeed(0);
  const dls = creditDls({ ...data, train: data.train.slice(0, 1280) }, 64);
  const model = creditModel(data);
  const learn = new Learner(dls, model, {
    metrics: [accuracy()],
    logger,
    progress: { stream, now: () => clock.t, logEvery },
    cbs: [new Tick(clock)],
  });
  expect(dls.train.length).toBe(20);
  expect(dls.valid.length).toBe(7); // fastai's valid loader: twice the batch size
  return learn;
}

describe('ProgressCallback: fastprogress bars on credit_data', () => {
  it('on a terminal: the epoch table above a master bar over epochs and a child bar over batches; the loss is at most lossLag batches old', async () => {
    const term = new FakeTerminal(true);
    const clock = { t: 0 };
    const learn = makeLearner(term, clock, (l) => term.write(l + '\n'));
    learn.recorder.lossLag = 3;
    const seen: { index: number; epoch: number; master: string; child: string }[] = [];
    class Spy extends Callback {
      override order = 70;
      override afterBatch(): void {
        if (!this.learn.training) return;
        seen.push({
          index: this.learn.recorder.lrs.length - 1,
          epoch: this.learn.epoch,
          master: term.rows[term.row - 1],
          child: term.rows[term.row],
        });
      }
    }
    await learn.fitOneCycle(2, 1e-2, { cbs: [new Spy()] });

    // Batch 10 of epoch 1, at 5 s of the fit: 640 loans in 5 s; 5 s left in the training bar, 27 − 5 = 22 s in the fit.
    const mid = seen[9];
    expect(mid.master).toBe(`epoch |${'█'.repeat(9)}${'-'.repeat(41)}| 18.52% [0/2 00:05<00:22 13.50s/epoch]`);
    expect(mid.child).toMatch(/^train \|█+-+\| 50\.00% \[10\/20 00:05<00:05 128 items\/s \d\.\d{4}\]$/);
    // Second epoch, batch 11: one epoch counted done; 19 s in, 8 s left.
    const mid2 = seen[30];
    expect(mid2.master).toMatch(/^epoch \|█+-+\| 70\.37% \[1\/2 00:19<00:08 13\.50s\/epoch\]$/);
    expect(mid2.child).toMatch(/^train \|█+-+\| 55\.00% \[11\/20 00:06<00:05 128 items\/s \d\.\d{4}\]$/);

    const smooth = learn.recorder.smoothLosses;
    expect(smooth).toHaveLength(40);
    let shown = 0;
    for (const s of seen) {
      const m = /(\d\.\d{4})\]$/.exec(s.child);
      const epochStart = s.epoch * 20;
      if (!m) {
        // No loss of this epoch read yet: only in its first lossLag batches, and never the previous epoch's.
        expect(s.index - epochStart).toBeLessThan(3);
        continue;
      }
      shown++;
      const ok = smooth.some((v, j) => j >= Math.max(epochStart, s.index - 3) && j <= s.index && v.toFixed(4) === m[1]);
      expect(ok, `batch ${s.index} shows ${m[1]}`).toBe(true);
    }
    expect(shown).toBeGreaterThan(34);

    // The screen after the fit: the backend line, the table, the bars cleared.
    const screen = term.rows.filter((r) => r.trim());
    expect(screen[0]).toBe(`backend: ${describeBackend()}`);
    expect(screen[0]).toMatch(/^backend: (wasm|cpu|webgpu|tensorflow)/);
    expect(screen[1]).toBe('epoch     train_loss  valid_loss  accuracy  time    ');
    expect(screen[2]).toMatch(/^0 {9}\d\.\d{6} {4}\d\.\d{6} {4}\d\.\d{6} {2}\d\d:\d\d {5}$/);
    expect(screen[3]).toMatch(/^1 {9}\d\.\d{6} {4}\d\.\d{6} {4}\d\.\d{6} {2}\d\d:\d\d {5}$/);
    expect(screen).toHaveLength(4);
    learn.dispose();
  });

  it('off a terminal: one plain line every logEvery seconds with epoch, batch, loss and time left', async () => {
    const out = new FakeTerminal(false);
    const clock = { t: 0 };
    const table: string[] = [];
    const learn = makeLearner(out, clock, (l) => table.push(l), 5);
    await learn.fitOneCycle(2, 1e-2);
    const lines = out.raw.split('\n').filter(Boolean);
    // 27 batches per epoch at 0.5 s: a line every 5 s ⇒ 5 lines in 27 s, no escape codes; time left exact on this clock.
    expect(out.raw.includes(ESC) || out.raw.includes('\r')).toBe(false);
    const loss = (e: number, b: number, left: string) =>
      new RegExp(`^epoch ${e}/2  train batch ${b}/20  loss \\d\\.\\d{4}  time left ${left}$`);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(`backend: ${describeBackend()}`); // once, before the first fit
    expect(lines[1]).toMatch(loss(1, 10, '00:22'));
    expect(lines[2]).toMatch(loss(1, 20, '00:17'));
    expect(lines[3]).toMatch(loss(2, 3, '00:12'));
    expect(lines[4]).toMatch(loss(2, 13, '00:07'));
    expect(lines[5]).toBe('epoch 2/2  valid batch 3/7  time left 00:02');
    expect(table).toHaveLength(3);
    learn.dispose();
  });

  it('validate, getPreds and lrFind draw the same bar (label, counts, items/s), left on the terminal when done', async () => {
    const term = new FakeTerminal(true);
    const clock = { t: 0 };
    const learn = makeLearner(term, clock, () => undefined);
    await learn.validate();
    // validate runs the learner's callbacks, the clock-moving one too: 7 batches at 0.5 s, 891 loans in 3.5 s (shown rounded).
    expect(term.rows.filter((r) => r.startsWith('valid'))).toEqual([
      `valid |${'█'.repeat(50)}| 100.00% [7/7 00:04<00:00 254 items/s]`,
    ]);
    const { preds, targets } = await learn.getPreds();
    preds.dispose();
    targets.dispose();
    expect(term.rows.some((r) => /^predict \|█{50}\| 100\.00% \[7\/7 00:04<00:00 /.test(r))).toBe(true);
    await learn.lrFind({ numIt: 15 });
    const lr = term.rows.filter((r) => r.startsWith('lr_find'));
    expect(lr).toHaveLength(1);
    expect(lr[0]).toMatch(/^lr_find \|█+-*\| \d+\.\d{2}% \[\d+\/15 00:\d\d<00:\d\d [\d.]+ it\/s \d\.\d{4}\]$/);
    learn.dispose();
  });

  it('an error thrown during training leaves the bars where they stand and the cursor on a fresh line', async () => {
    const term = new FakeTerminal(true);
    const clock = { t: 0 };
    const learn = makeLearner(term, clock, (l) => term.write(l + '\n'));
    class Boom extends Callback {
      override afterBatch(): void {
        if (this.learn.epoch === 1 && this.learn.iter === 4) throw new Error('boom');
      }
    }
    await expect(learn.fitOneCycle(2, 1e-2, { cbs: [new Boom()] })).rejects.toThrow('boom');
    // What prints the error (node's handler, a console.error) writes after the bars.
    term.write('Error: boom\n');
    const screen = term.rows.filter((r) => r.trim());
    expect(screen.at(-1)).toBe('Error: boom');
    expect(screen.at(-2)).toMatch(/^train \|█+-+\| 20\.00% \[4\/20 /);
    expect(screen.at(-3)).toMatch(/^epoch \|█+-+\| /);
    expect(screen[0]).toBe(`backend: ${describeBackend()}`);
    expect(screen[1]).toBe('epoch     train_loss  valid_loss  accuracy  time    ');
    learn.dispose();
  });

  it('progress: false drops the bars only: the epoch table is still printed through the logger, as fastai', async () => {
    const term = new FakeTerminal(true);
    const table: string[] = [];
    manualSeed(0);
    const dls = creditDls({ ...data, train: data.train.slice(0, 256), valid: data.valid.slice(0, 128) }, 64);
    const learn = new Learner(dls, creditModel(data), {
      metrics: [accuracy()],
      logger: (l) => table.push(l),
      progress: false,
    });
    const err = process.stderr.write;
    let stderr = '';
    process.stderr.write = ((c: string) => ((stderr += String(c)), true)) as typeof process.stderr.write;
    try {
      await learn.fit(2, 1e-3);
      await learn.validate();
    } finally {
      process.stderr.write = err;
    }
    expect(table[0]).toBe('epoch     train_loss  valid_loss  accuracy  time    ');
    expect(table).toHaveLength(3);
    expect(table[2]).toMatch(/^1 {9}\d\.\d{6} {4}\d\.\d{6} {4}\d\.\d{6} {2}\d\d:\d\d {5}$/);
    expect(stderr).not.toMatch(/█|%/);
    expect(term.raw).toBe('');
    learn.dispose();
  });
});

describe('EpochTable', () => {
  it('fastai’s layout for usual values; a value wider than its column widens it, two spaces before the next', () => {
    const t = new EpochTable();
    expect(t.header(['epoch', 'train_loss', 'valid_loss', 'mse', 'time'])).toBe(
      'epoch     train_loss  valid_loss  mse       time    ',
    );
    expect(t.row(['0', '0.693147', '0.693147', '0.250000', '00:01'])).toBe(
      '0         0.693147    0.693147    0.250000  00:01     ',
    );
    // 123456789.000000 is 16 characters: wider than 'train_loss' (10) and 'mse' (8).
    const big = t.row(['1', '123456789.000000', '0.500000', '98765432.000000', '00:01']);
    expect(big).toBe('1         123456789.000000  0.500000    98765432.000000  00:01     ');
    expect(big.split(/ {2,}/).filter(Boolean)).toEqual([
      '1',
      '123456789.000000',
      '0.500000',
      '98765432.000000',
      '00:01',
    ]);
    // Later rows line up with the widened columns.
    expect(t.row(['2', '1.000000', '0.400000', '2.000000', '00:01'])).toBe(
      '2         1.000000          0.400000    2.000000         00:01     ',
    );
  });
});
