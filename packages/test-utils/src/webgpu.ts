// `@tfai/test-utils/webgpu`: helpers for the webgpu parity suite (`*.webgpu.test.ts` in every package): run a describe block on the webgpu
// backend, skipped by name with the reason where Dawn finds no adapter, but failing under CI=true, where Mesa's
// Vulkan driver (llvmpipe) is installed on purpose.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { probeWebGPU, setBackend } from '@tfai/core/backend';
import { relErr } from './fixtures.js';

export { relErr };

const probe = await probeWebGPU();

/** Why the webgpu suite cannot run here, or undefined where it can. */
export const webgpuUnavailable: string | undefined = probe.adapter ? undefined : (probe.error ?? 'no WebGPU adapter');

/**
 * `describe` on the webgpu backend: switches to it before the block and back to the previous backend after.
 * Without an adapter the block is skipped, its name saying why; under `CI=true` it fails instead.
 */
export function describeWebGPU(name: string, body: () => void): void {
  const title = `webgpu: ${name}`;
  if (webgpuUnavailable) {
    if (process.env.CI === 'true' || process.env.CI === '1') {
      describe(title, () => {
        it('has a WebGPU adapter (CI installs mesa-vulkan-drivers from bookworm-backports)', () => {
          throw new Error(`no WebGPU adapter under CI: ${webgpuUnavailable}`);
        });
      });
    } else describe.skip(`${title} — skipped: ${webgpuUnavailable}`, body);
    return;
  }
  describe(title, () => {
    let previous = 'cpu';
    beforeAll(async () => {
      previous = tf.getBackend();
      await setBackend('webgpu');
    });
    afterAll(async () => {
      await tf.setBackend(previous);
    });
    body();
  });
}

/** The values of `t` (awaited: webgpu in Node has no synchronous read). */
export async function values(t: tf.Tensor): Promise<Float32Array> {
  return Float32Array.from(await t.data());
}

/** max |a − b| / max |b| of two tensors, awaited. */
export async function relError(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  return relErr(await values(a), await values(b));
}

/** An input as values and shape, so that each backend makes its own tensor of it. */
export interface BackendInput {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype?: 'float32' | 'int32';
}

/** Runs `f` on `backend` (a plain switch: the backend was set up before) and returns its outputs' values. */
export async function runOnBackend(
  backend: string,
  inputs: BackendInput[],
  f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  try {
    const outs = tf.tidy(() => {
      const xs = inputs.map((i) => tf.tensor(i.values, i.shape, i.dtype ?? 'float32'));
      const out = f(...xs);
      return Array.isArray(out) ? out : [out];
    });
    const vals = await Promise.all(outs.map(values));
    tf.dispose(outs);
    return vals;
  } finally {
    await tf.setBackend(previous);
  }
}

/** The relative errors of webgpu's outputs against cpu's, output by output. */
export async function webgpuVsCpu(
  inputs: BackendInput[],
  f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<number[]> {
  const ref = await runOnBackend('cpu', inputs, f);
  const got = await runOnBackend('webgpu', inputs, f);
  return got.map((g, i) => relErr(g, ref[i]));
}
