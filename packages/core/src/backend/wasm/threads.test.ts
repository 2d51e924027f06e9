import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { setBackend } from '../backend.js';
import { shutdownWasm, wasmThreadCount, wasmThreadsWanted } from './setup.js';
import { relErr } from '@tfai/test-utils';
import { runNodeScript } from '../../test-utils/child-process.js';
import { randomInput, runOn } from '../../test-utils/backends.js';
import { wasmWorkers } from './threads.js';

/** The gradients of a 3×3 stride-2 convolution, on cpu and then on the current wasm backend. */
async function convGradErrors(): Promise<number[]> {
  const inputs = [randomInput([4, 16, 16, 8], 1), randomInput([3, 3, 8, 16], 2), randomInput([4, 8, 8, 16], 3)];
  const f = (...[x, w, r]: tf.Tensor[]): tf.Tensor[] =>
    tf.grads((x: tf.Tensor, w: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'), r)),
    )([x, w]);
  const ref = await runOn('cpu', inputs, f);
  await tf.setBackend('wasm');
  const got = tf.tidy(() => f(...inputs.map((i) => tf.tensor(i.values, i.shape))).map((t) => t.dataSync()));
  return got.map((g, i) => relErr(g, ref[i]));
}

describe('wasm threads under Node', () => {
  afterAll(async () => {
    await setBackend('wasm', { threads: wasmThreadsWanted() });
  });

  it('runs XNNPACK on 2 threads, with results equal to cpu', async () => {
    await setBackend('wasm', { threads: 2 });
    expect(tf.getBackend()).toBe('wasm');
    expect(getThreadsCount()).toBe(2);
    expect(wasmThreadCount()).toBe(2);
    expect(wasmWorkers().length).toBeGreaterThan(0);
    for (const e of await convGradErrors()) expect(e).toBeLessThan(1e-5);
  });

  it('re-creates the backend for another count: 3 threads, then 1 (the single-threaded build)', async () => {
    await setBackend('wasm', { threads: 3 });
    expect(getThreadsCount()).toBe(3);
    await setBackend('wasm', { threads: 1 });
    expect(getThreadsCount()).toBe(1);
    expect(wasmWorkers()).toEqual([]);
    for (const e of await convGradErrors()) expect(e).toBeLessThan(1e-5);
  });

  it('keeps the running count when none is asked for', async () => {
    await setBackend('wasm', { threads: 2 });
    await tf.setBackend('cpu');
    await setBackend('wasm');
    expect(wasmThreadCount()).toBe(2);
  });

  it('shuts down and starts again', async () => {
    await setBackend('wasm', { threads: 2 });
    shutdownWasm();
    expect(wasmThreadCount()).toBeUndefined();
    await setBackend('cpu');
    await setBackend('wasm', { threads: 2 });
    expect(wasmThreadCount()).toBe(2);
  });

  it('takes the count from the option, TFAI_WASM_THREADS, or the cores', () => {
    const saved = process.env.TFAI_WASM_THREADS;
    try {
      process.env.TFAI_WASM_THREADS = '3';
      expect(wasmThreadsWanted({ threads: 2 })).toBe(2);
      expect(wasmThreadsWanted()).toBe(3);
      process.env.TFAI_WASM_THREADS = '64';
      expect(wasmThreadsWanted()).toBe(8);
      process.env.TFAI_WASM_THREADS = 'two';
      expect(() => wasmThreadsWanted()).toThrow(/TFAI_WASM_THREADS/);
      delete process.env.TFAI_WASM_THREADS;
      expect(wasmThreadsWanted()).toBeGreaterThanOrEqual(1);
      expect(() => wasmThreadsWanted({ threads: 0 })).toThrow(/positive integer/);
    } finally {
      if (saved === undefined) delete process.env.TFAI_WASM_THREADS;
      else process.env.TFAI_WASM_THREADS = saved;
    }
  });

  it('lets a Node process with a threaded backend exit by itself', () => {
    const setup = fileURLToPath(new URL('./setup.ts', import.meta.url));
    const child = runNodeScript(
      `const { setupWasm, wasmThreadCount } = await import(${JSON.stringify(setup)});
      await setupWasm({ threads: 2 });
      const x = tf.randomNormal([2, 8, 8, 4]);
      tf.grad((w) => tf.conv2d(x, w, 1, 'same').sum())(tf.randomNormal([3, 3, 4, 4])).dataSync();
      console.log('threads', wasmThreadCount());`,
    );
    expect(child.error).toBeUndefined();
    expect(child.stdout).toContain('threads 2');
    expect(child.status).toBe(0);
  });
});
