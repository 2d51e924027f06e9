// The webgpu backend itself: Dawn's adapter as reported, the automatic choice passing over a software adapter,
// and a process that used webgpu exiting by itself.
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { getBackend, setBackend, webgpuAdapterInfo } from '../backend.js';
import { isSoftwareAdapter } from './setup.js';
import { runNodeScript } from '../../test-utils/child-process.js';
import { describeWebGPU } from '@tfai/test-utils/webgpu';

describeWebGPU('the backend and its adapter', () => {
  it("setBackend('webgpu') runs on Dawn's high-performance adapter and reports it", async () => {
    expect(getBackend()).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    const a = webgpuAdapterInfo();
    expect(a).toBeDefined();
    expect(a!.vendor.length).toBeGreaterThan(0);
    expect(a!.limits.maxBufferSize).toBeGreaterThanOrEqual(256 * 2 ** 20);
    expect(a!.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(256);
    // Mesa's llvmpipe (CI) says so in its description and is a fallback adapter.
    expect(a!.software).toBe(
      /llvmpipe|lavapipe|swiftshader/i.test(a!.description) || a!.architecture === 'software' || isSoftwareAdapter(a!),
    );
    const y = tf.matMul(
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      tf.tensor2d([[5], [6]]),
    );
    expect(Array.from(await y.data())).toEqual([17, 39]);
    y.dispose();
  });

  it('the automatic choice passes over a software adapter (it is slower than wasm)', async () => {
    const a = webgpuAdapterInfo()!;
    const saved = { b: process.env.TFAI_BACKEND, p: process.env.TFAI_WEBGPU_PROBE };
    delete process.env.TFAI_BACKEND;
    process.env.TFAI_WEBGPU_PROBE = '1';
    try {
      const chosen = await setBackend();
      expect(chosen === 'webgpu').toBe(!a.software);
    } finally {
      if (saved.b !== undefined) process.env.TFAI_BACKEND = saved.b;
      if (saved.p !== undefined) process.env.TFAI_WEBGPU_PROBE = saved.p;
      else delete process.env.TFAI_WEBGPU_PROBE;
      await setBackend('webgpu');
    }
  });

  it('a process that trained on webgpu exits by itself (Dawn does not hold the event loop)', () => {
    const backend = fileURLToPath(new URL('../backend.ts', import.meta.url));
    const child = runNodeScript(
      `const { setBackend } = await import(${JSON.stringify(backend)});
      console.log('backend', await setBackend('webgpu'));
      const x = tf.randomNormal([2, 8, 8, 3]);
      const g = tf.grad((w) => tf.conv2d(x, w, 1, 'same').sum())(tf.randomNormal([3, 3, 3, 4]));
      console.log('grad', (await g.data()).length);`,
    );
    expect(child.error).toBeUndefined();
    expect(child.stdout).toContain('backend webgpu');
    expect(child.stdout).toContain('grad 108');
    expect(child.status).toBe(0);
    expect(child.ms).toBeLessThan(50_000);
  });
});
