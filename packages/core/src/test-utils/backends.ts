// Helpers for the kernel tests: run the same computation on the cpu and wasm backends and compare.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { setBackend } from '../backend/backend.js';
import { setFused, type FusedName } from '../backend/fused.js';

/** Deterministic pseudo-random values in [-1, 1) (a small LCG: tests must not depend on Math.random). */
export function randomValues(size: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: size }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** An input given as values and shape, so that each backend makes its own tensor of it. */
export interface Input {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype?: 'float32' | 'int32';
}

export function randomInput(shape: number[], seed: number): Input {
  return {
    values: randomValues(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  };
}

let wasmReady: Promise<unknown> | undefined;

/** Runs `f` on the named backend (tfai's wasm setup for 'wasm') and returns its outputs' values. */
export async function runOn(
  backend: 'cpu' | 'wasm',
  inputs: Input[],
  f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  // tfai's wasm setup once; afterwards plain switches, so that a test may swap kernels in and out.
  if (backend === 'wasm') await (wasmReady ??= setBackend('wasm'));
  await tf.setBackend(backend);
  if (tf.getBackend() !== backend) throw new Error(`running on ${tf.getBackend()}, not ${backend}`);
  const outs = tf.tidy(() => {
    const xs = inputs.map((i) => tf.tensor(i.values, i.shape, i.dtype ?? 'float32'));
    const out = f(...xs);
    return Array.isArray(out) ? out : [out];
  });
  const values = await Promise.all(outs.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(outs);
  return values;
}

/**
 * `f`'s output and the gradients of sum(f(…)·r) with respect to its first `nGrad` inputs, as a function of
 * (...f's inputs, r): what the gradient tests run on each backend.
 * @example
 * ```ts
 * const [y, dx] = await runOn('wasm', [randomInput([2, 4], 1), randomInput([2, 4], 2)], withGrads((x) => tf.relu(x)));
 * ```
 */
export const withGrads =
  (f: (...xs: tf.Tensor[]) => tf.Tensor, nGrad = 1) =>
  (...xs: tf.Tensor[]): tf.Tensor[] => {
    const r = xs[xs.length - 1];
    const args = xs.slice(0, -1);
    const loss = (...g: tf.Tensor[]): tf.Tensor => tf.sum(tf.mul(f(...g, ...args.slice(nGrad)), r));
    return [f(...args), ...tf.grads(loss)(args.slice(0, nGrad))];
  };

/** A comparison of two arrays (the second the reference), such as @tfai/test-utils' `relErr`. */
export type Compare = (got: ArrayLike<number>, ref: ArrayLike<number>) => number;

/**
 * A function giving `compare` of wasm's outputs against cpu's, output by output, for the same inputs and `f`.
 * @example
 * ```ts
 * const wasmVsCpu = compareWasmCpu(relErr);
 * const [err] = await wasmVsCpu([randomInput([4, 4], 1)], (x) => tf.transpose(x));
 * ```
 */
export function compareWasmCpu(
  compare: Compare,
): (inputs: Input[], f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]) => Promise<number[]> {
  return async (inputs, f) => {
    const ref = await runOn('cpu', inputs, f);
    const got = await runOn('wasm', inputs, f);
    return got.map((g, i) => compare(g, ref[i]));
  };
}

/** A resize of NHWC images, as tf.image.resizeBilinear and resizeNearestNeighbor take their arguments. */
export type Resize = (
  x: tf.Tensor4D,
  size: [number, number],
  alignCorners: boolean,
  halfPixelCenters: boolean,
) => tf.Tensor;

/**
 * A function giving `compare` of wasm's gradient against cpu's of sum(resize(x, size)·dy), for random x of
 * `shape` and dy.
 * @example
 * ```ts
 * const err = await resizeGradWasmVsCpu(relErr, tf.image.resizeBilinear)([2, 5, 4, 3], [9, 11], true, false);
 * ```
 */
export function resizeGradWasmVsCpu(
  compare: Compare,
  resize: Resize,
): (shape: readonly number[], size: readonly [number, number], align: boolean, half: boolean) => Promise<number> {
  const wasmVsCpu = compareWasmCpu(compare);
  return async (shape, size, align, half) => {
    const [n, , , c] = shape;
    const inputs = [randomInput([...shape], 7), randomInput([n, ...size, c], 8)];
    const [err] = await wasmVsCpu(inputs, (x, dy) =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(resize(x as tf.Tensor4D, [...size], align, half), dy)))(x),
    );
    return err;
  };
}

// The fused kernels against the compositions they replace (backend/kernels/*.test.ts).

/** max |a − b| / max(max |b|, 1): relative for values above 1, absolute below (a loss near 0). */
export function closeErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let num = 0;
  let m = 1;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return num / m;
}

/**
 * The tests `body` declares, once on wasm and once on cpu (each run after a test that switches to that backend);
 * wasm is the backend again after the file.
 * @example
 * ```ts
 * describeOnBackends('dropout', (backend) => {
 *   it('runs', () => expect(tf.getBackend()).toBe(backend));
 * });
 * ```
 */
export function describeOnBackends(title: string, body: (backend: 'wasm' | 'cpu') => void): void {
  afterAll(async () => {
    await setBackend('wasm');
  });
  describe.each(['wasm', 'cpu'] as const)(`%s: ${title}`, (backend) => {
    it('switches to the backend', async () => {
      await setBackend(backend);
      expect(tf.getBackend()).toBe(backend);
    });
    describe(title, () => body(backend));
  });
}

/** Runs `f` with the fused path `name` on, then off; returns both results (arrays of values). */
export async function fusedVsUnfused(
  name: FusedName,
  f: () => tf.Tensor[],
): Promise<{ fused: Float32Array[]; plain: Float32Array[] }> {
  const run = async (on: boolean): Promise<Float32Array[]> => {
    const restore = setFused(name, on);
    try {
      const outs = tf.tidy(f);
      const vals = await Promise.all(outs.map(async (t) => Float32Array.from(await t.data())));
      tf.dispose(outs);
      return vals;
    } finally {
      restore();
    }
  };
  return { fused: await run(true), plain: await run(false) };
}

/** The kernels a profile ran (tf.profile also lists the scopes of tf.customGrad, which run none themselves). */
export const kernelNames = (prof: Awaited<ReturnType<typeof tf.profile>>): string[] =>
  prof.kernels.map((k) => k.name).filter((n) => tf.getKernel(n, tf.getBackend()) !== undefined);

/** A float32 tensor of {@link randomValues}, scaled and shifted. */
export const rand = (shape: number[], seed: number, scale = 1, shift = 0): tf.Tensor =>
  tf.tensor(
    randomValues(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ).map((v) => v * scale + shift),
    shape,
  );
