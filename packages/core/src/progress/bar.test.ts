import { describe, expect, it } from 'vitest';
import { formatBytes, formatRate, formatTime, progressBar } from './bar.js';

/** Collects what a bar writes; `isTTY` as asked. */
function sink(tty: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY: tty, columns: 100, write: (s: string) => chunks.push(s) } };
}

describe('progress bar', () => {
  it('formats as fastprogress and tqdm: mm:ss, rates, bytes', () => {
    expect([formatTime(0), formatTime(59.6), formatTime(61), formatTime(3725), formatTime(NaN)]).toEqual([
      '00:00',
      '01:00',
      '01:01',
      '1:02:05',
      '--:--',
    ]);
    expect([formatRate(1234.4), formatRate(12.34), formatRate(2.5), formatRate(0.25, 'epoch'), formatRate(0)]).toEqual([
      '1234 it/s',
      '12.3 it/s',
      '2.50 it/s',
      '4.00s/epoch',
      '? it/s',
    ]);
    expect([formatBytes(999), formatBytes(46_830_571), formatBytes(1.5e9)]).toEqual(['999 B', '46.8 MB', '1.5 GB']);
    expect(formatRate(2_500_000, 'B')).toBe('2.5 MB/s');
  });

  it('on a terminal: redrawn in place at most every redrawEvery ms, the last state always drawn, then a newline', () => {
    const { chunks, stream } = sink(true);
    let t = 0;
    const bar = progressBar(46_830_571, { label: 'downloading resnet18.safetensors', unit: 'B', stream, now: () => t });
    for (let i = 0; i < 10; i++) {
      t += 30; // 30 ms per chunk: a redraw every 4th chunk
      bar.tick(4_683_057.1);
    }
    bar.done();
    const draws = chunks.filter((c) => c.includes('downloading'));
    expect(draws.length).toBe(4); // the first chunk, then 150 and 270 ms (≥ 100 ms apart), and 100% (forced)
    expect(draws.every((d) => d.startsWith('\r'))).toBe(true);
    expect(draws[draws.length - 1]).toContain('100.00% [46.8 MB/46.8 MB 00:00<00:00 156 MB/s]');
    expect(chunks[chunks.length - 1]).toBe('\n');
  });

  it('off a terminal: a plain line every logEvery seconds, and a closing line when it ran that long', () => {
    const { chunks, stream } = sink(false);
    let t = 0;
    const bar = progressBar(100, { label: 'tokenizing', unit: 'texts', stream, now: () => t, logEvery: 10 });
    for (let i = 0; i < 100; i++) {
      t += 250;
      bar.tick();
    }
    bar.done();
    expect(chunks).toEqual([
      'tokenizing 40.00% [40/100 00:10<00:15 4.00 texts/s]\n',
      'tokenizing 80.00% [80/100 00:20<00:05 4.00 texts/s]\n',
      'tokenizing 100.00% [100/100 00:25<00:00 4.00 texts/s]\n',
    ]);
    // A short loop prints nothing off a terminal.
    const quiet = sink(false);
    const b2 = progressBar(5, { stream: quiet.stream, now: () => 0 });
    for (let i = 0; i < 5; i++) b2.tick();
    b2.done();
    expect(quiet.chunks).toEqual([]);
  });
});
