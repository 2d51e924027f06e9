import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { killTestLearner } from '../test-utils/export-writer.js';
import { exportLearner, loadLearner } from './export.js';

const WRITER = fileURLToPath(new URL('../test-utils/export-writer.ts', import.meta.url));
const KILLS = 50;

interface Writer {
  proc: ChildProcess;
  ready: Promise<void>;
  /** The ks this writer reported as completed, and how long each export took (ms). */
  done: number[];
  ms: number[];
  /** Resolves once `n` exports have completed. */
  after: (n: number) => Promise<void>;
}
function startWriter(): Writer {
  const proc = spawn(process.execPath, ['--conditions=@tfai/source', '--import', 'tsx', WRITER, '--write'], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const done: number[] = [];
  const ms: number[] = [];
  const waiters: [number, () => void][] = [];
  const ready = new Promise<void>((res, rej) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        if (l === 'ready') res();
        else {
          const [k, t] = l.split(' ').map(Number);
          done.push(k);
          ms.push(t);
          for (const [n, r] of waiters) if (done.length >= n) r();
        }
      }
    });
    proc.once('exit', () => rej(new Error('writer exited before it was ready')));
  });
  ready.catch(() => undefined);
  const after = (n: number) =>
    new Promise<void>((r) => {
      if (done.length >= n) r();
      else waiters.push([n, r]);
    });
  return { proc, ready, done, ms, after };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('exportLearner under kill -9', () => {
  it(`${KILLS} writers killed at random points: the export in place always loads, whole (every weight from one export)`, async () => {
    dir = await mkdtemp(join(tmpdir(), 'tfai-kill-'));
    const stem = join(dir, 'export');
    const first = killTestLearner();
    const sd0 = first.model.stateDict();
    const zeros = Object.fromEntries(Object.entries(sd0).map(([n, t]) => [n, tf.zerosLike(t)]));
    first.model.loadStateDict(zeros);
    tf.dispose([...Object.values(sd0), ...Object.values(zeros)]);
    await exportLearner(first, stem); // export 0: every weight 0
    first.dispose();
    let next = 1;
    let lastDone = 0;
    // Writers start (tsx + tfjs: seconds) while earlier ones run; each waits for its `go`.
    const pool = Array.from({ length: 6 }, startWriter);
    let seed = 17;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const killedAfter: number[] = [];
    const allMs: number[] = [];
    let midWrite = 0;
    for (let i = 0; i < KILLS; i++) {
      const w = pool.shift()!;
      if (i + pool.length + 1 <= KILLS) pool.push(startWriter());
      await w.ready;
      const exited = new Promise<void>((r) => w.proc.once('exit', () => r()));
      w.proc.stdin!.write(`go ${stem} ${next}\n`);
      // Let it complete 0-2 exports, then kill it at a random point of the next one.
      await Promise.race([w.after(Math.floor(rand() * 3)), exited, sleep(20_000)]);
      await sleep(rand() * (w.ms.length ? Math.max(...w.ms) : 50));
      w.proc.kill('SIGKILL');
      await exited;
      killedAfter.push(w.done.length);
      allMs.push(...w.ms);
      if ((await readdir(dir)).some((f) => f.endsWith('.tmp'))) midWrite++;
      if (w.done.length) lastDone = w.done[w.done.length - 1];
      // The export in place loads, and all its weights come from one export: the last completed or the one
      // being written when the kill came.
      // A kill between the two writes leaves new weights beside the previous JSON: loaded from their own description.
      const learn = await loadLearner(`${stem}.json`, undefined, { useStoredDescription: true });
      const sd = learn.model.stateDict();
      const values = new Set<number>();
      for (const t of Object.values(sd)) for (const v of await t.data()) values.add(v);
      tf.dispose(Object.values(sd));
      learn.dispose();
      expect(values.size).toBe(1);
      const [v] = values;
      expect([lastDone, lastDone + 1]).toContain(v);
      lastDone = v;
      next = v + 1;
    }
    for (const w of pool) w.proc.kill('SIGKILL');
    // Kills in the middle of a write leave temporaries; the next write removes those of dead writers.
    const learn = killTestLearner();
    await exportLearner(learn, stem);
    learn.dispose();
    expect((await readdir(dir)).sort()).toEqual(['export.json', 'export.safetensors']);
    console.log(
      `kill test: ${KILLS} kills, ${midWrite} of them left a temporary (killed mid-write); exports completed per writer: ${killedAfter.join(',')}; exports took ${Math.min(...allMs).toFixed(0)}-${Math.max(...allMs).toFixed(0)} ms`,
    );
    expect(killedAfter.some((n) => n > 0)).toBe(true);
    expect(midWrite).toBeGreaterThan(0);
  }, 300_000);
});
