import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { setBackend } from '@tfai/core/backend';
import { setFused } from '@tfai/core/internal';
import { relErr } from '@tfai/test-utils';
import { runOnBackend, type BackendInput } from '@tfai/test-utils/webgpu';
import { dotBias, dotBiasFused } from './dot-bias-kernel.js';

/** Deterministic pseudo-random values in [-1, 1) of `shape` (a small LCG). */
function randomInput(shape: number[], seed: number): BackendInput {
  let s = seed >>> 0 || 1;
  const size = shape.reduce((a, b) => a * b, 1);
  const values = Float32Array.from({ length: size }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
  return { values, shape };
}

let wasmReady: Promise<unknown> | undefined;

/** Runs `f` on the named backend (tfai's wasm setup for 'wasm'), leaves it current, and returns its outputs' values. */
async function runOn(
  backend: 'cpu' | 'wasm',
  inputs: BackendInput[],
  f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  if (backend === 'wasm') await (wasmReady ??= setBackend('wasm'));
  await tf.setBackend(backend);
  return runOnBackend(backend, inputs, f);
}

/** The composition fastai writes: four lookups, a product, a sum and an addN. */
function composed(x: tf.Tensor, uw: tf.Tensor, iw: tf.Tensor, ub: tf.Tensor, ib: tf.Tensor): tf.Tensor {
  const [u, i] = tf.unstack(x, 1);
  const dot = tf.sum(tf.mul(tf.gather(uw, u), tf.gather(iw, i)), 1);
  return tf.addN([dot, tf.gather(ub, u).reshape([-1]), tf.gather(ib, i).reshape([-1])]);
}

const cases = [
  { bs: 7, nU: 5, nI: 4, f: 3 },
  { bs: 64, nU: 33, nI: 17, f: 50 },
  { bs: 255, nU: 11, nI: 129, f: 1 },
];

function inputs({ bs, nU, nI, f }: (typeof cases)[number], seed: number): BackendInput[] {
  // Repeated users and items, so that gradients accumulate.
  const codes = Int32Array.from({ length: 2 * bs }, (_, k) => (k % 2 ? (k * 7 + seed) % nI : (k * 13 + seed) % nU));
  return [
    { values: codes, shape: [bs, 2], dtype: 'int32' },
    randomInput([nU, f], seed + 1),
    randomInput([nI, f], seed + 2),
    randomInput([nU, 1], seed + 3),
    randomInput([nI, 1], seed + 4),
    randomInput([bs], seed + 5),
  ];
}

/** Output and the gradients of Σ out·r with respect to the four tables. */
const run =
  (f: typeof composed) => (x: tf.Tensor, uw: tf.Tensor, iw: tf.Tensor, ub: tf.Tensor, ib: tf.Tensor, r: tf.Tensor) => {
    const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(f(x, a, b, c, d), r));
    return [f(x, uw, iw, ub, ib), ...tf.grads(loss)([uw, iw, ub, ib])];
  };

describe('EmbeddingDotBias as one kernel (embedding)', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it.each(cases.map((c) => [JSON.stringify(c), c] as const))(
      `${backend}: matches the composition, forward and gradients: %s`,
      async (_n, c) => {
        await runOn('wasm', [], () => tf.scalar(0)); // tfai's kernels registered (wasm setup registers the cpu ones too)
        const ins = inputs(c, c.bs);
        const ref = await runOn(backend, ins, run(composed));
        expect(dotBiasFused()).toBe(true);
        const got = await runOn(backend, ins, run(dotBias));
        expect(got.map((g) => g.length)).toEqual(ref.map((g) => g.length));
        for (let k = 0; k < 5; k++) expect(relErr(got[k], ref[k]), `output ${k}`).toBeLessThan(1e-6);
      },
    );
  }

  it('is off with the switch, and leaves no tensors behind', async () => {
    const ins = inputs(cases[1], 3);
    await runOn('wasm', [], () => tf.scalar(0));
    const restore = setFused('embedding', false);
    expect(dotBiasFused()).toBe(false);
    restore();
    const step = () =>
      tf.tidy(() =>
        run(dotBias)(
          ...(ins.map((i) => tf.tensor(i.values, i.shape, i.dtype ?? 'float32')) as [
            tf.Tensor,
            tf.Tensor,
            tf.Tensor,
            tf.Tensor,
            tf.Tensor,
            tf.Tensor,
          ]),
        ),
      );
    tf.dispose(step());
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) tf.dispose(step());
    expect(tf.memory().numTensors).toBe(before);
  });
});
