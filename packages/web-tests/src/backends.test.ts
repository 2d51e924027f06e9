// The page's backends, before any tfai code: tfjs in Debian's chromium on wasm (its .wasm files served with the
// bundle; threads when the page is cross-origin isolated), webgl (SwiftShader under --disable-gpu) and webgpu where
// the browser has an adapter, each checked against Node's result of the same computation.
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needsBrowser } from './browser.js';
import { openSession, PACKAGE_DIR, type Session } from './harness.js';
import type { BackendInfo } from './page/api.js';

const x = Array.from({ length: 8 * 8 * 3 }, (_, i) => Math.sin(i * 0.37));
const w = Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => Math.cos(i * 0.11) * 0.3);
const expected = async () => {
  const y = tf.tidy(() =>
    tf.softmax(tf.mean(tf.conv2d(tf.tensor4d(x, [1, 8, 8, 3]), tf.tensor4d(w, [3, 3, 3, 4]), 1, 'same'), [1, 2])),
  );
  const out = Array.from(await y.data());
  y.dispose();
  return out;
};
const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
const entry = join(PACKAGE_DIR, 'src/page/probe.ts');

/** The page's call, failed after `ms` instead of hanging. */
async function within<T>(p: Promise<T>, what: string, ms = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what}: no answer from the page in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sets `backend` up in the page and runs the computation there. */
async function runIn(s: Session, backend: 'wasm' | 'webgl' | 'webgpu' | 'cpu') {
  const info: BackendInfo = await within(
    s.page.evaluate((b) => window.tfaiProbe.setup(b, '/wasm/'), backend),
    `setBackend('${backend}')`,
  );
  const out = await s.page.evaluate(([a, b]) => window.tfaiProbe.compute(a, b), [x, w] as const);
  return { info, out };
}

describe('backends in the page', needsBrowser(), () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession({ entry, global: 'tfaiProbe' });
  });
  afterAll(() => s?.close());

  it('wasm: the .wasm file comes from the server (SIMD build); same result as Node to 1e-6', async () => {
    const { info, out } = await runIn(s, 'wasm');
    console.log('page wasm:', info);
    expect(info.backend).toBe('wasm');
    expect(info.isolated).toBe(false);
    expect(info.wasmThreads).toBe(false);
    expect(info.wasmFile).toBe(info.wasmSimd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm');
    expect(s.server.hits.get(`/wasm/${info.wasmFile}`)).toBe(1);
    expect(maxDiff(out, await expected())).toBeLessThan(1e-6);
  });

  it('webgl: runs (SwiftShader under --disable-gpu) and agrees with Node to 1e-4', async () => {
    const { info, out } = await runIn(s, 'webgl');
    console.log('page webgl:', info);
    expect(info.backend).toBe('webgl');
    expect(maxDiff(out, await expected())).toBeLessThan(1e-4);
  });

  it('webgpu: used where the browser has an adapter, else reported absent', async () => {
    const adapter = await s.page.evaluate(async () => {
      const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      return gpu ? (await gpu.requestAdapter()) !== null : false;
    });
    console.log(`page webgpu: ${adapter ? 'adapter present' : 'no adapter in this chromium (--disable-gpu)'}`);
    if (!adapter) {
      await expect(s.page.evaluate(() => window.tfaiProbe.setup('webgpu', '/wasm/'))).rejects.toThrow(/webgpu/);
      return;
    }
    const { info, out } = await runIn(s, 'webgpu');
    expect(info.backend).toBe('webgpu');
    expect(maxDiff(out, await expected())).toBeLessThan(1e-4);
  });
});

describe('backends in a cross-origin isolated page', needsBrowser(), () => {
  let s: Session;
  beforeAll(async () => {
    // keepNames off: esbuild's `__name` helper breaks tfjs-backend-wasm's pthread workers (see bundle.ts).
    s = await openSession({ entry, global: 'tfaiProbe', isolated: true, keepNames: false });
  });
  afterAll(() => s?.close());

  it('wasm with threads (a bundle without keepNames): COOP/COEP make the page isolated and tfjs loads the threaded SIMD build', async () => {
    const { info, out } = await runIn(s, 'wasm');
    console.log('page wasm (isolated):', info);
    expect(info.isolated).toBe(true);
    expect(info.wasmThreads).toBe(true);
    expect(info.wasmFile).toBe('tfjs-backend-wasm-threaded-simd.wasm');
    expect(maxDiff(out, await expected())).toBeLessThan(1e-6);
  });
});
