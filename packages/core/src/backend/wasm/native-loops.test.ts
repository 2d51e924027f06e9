// The addon's plain C++ loops (packages/native/src/loops.cc) on the wasm heap: MaxPool's gradient, BatchNorm in
// training mode (forward, running statistics, backward) and Adam's update, each against the cpu backend to 1e-5
// relative on odd shapes, with proof that the addon ran it (nativeCalls), on one and two threads; turned off,
// the same registered kernels run wasm's own.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { relErr } from '@tfai/test-utils';
import { setBackend } from '../backend.js';
import { fusedBatchNormTrain } from '../fused-ops.js';
import type { BatchNormAct } from '../kernels/batch-norm-train.js';
import { compareWasmCpu, randomInput, randomValues, runOn, withGrads, type Input } from '../../test-utils/backends.js';
import { describeNative } from '../../test-utils/native.js';
import { Adam } from '../../optim/optimizer.js';
import { Parameter } from '../../nn/module.js';
import { nativeCalls, setNativeKernels } from './native.js';
import { wasmThreadsWanted } from './setup.js';

const wasmVsCpu = compareWasmCpu(relErr);

/** Runs `f` and returns how many times the addon ran each of `names` meanwhile. */
async function counting<T>(names: string[], f: () => Promise<T>): Promise<{ out: T; calls: number[] }> {
  const before = names.map((n) => nativeCalls.get(n) ?? 0);
  const out = await f();
  return { out, calls: names.map((n, i) => (nativeCalls.get(n) ?? 0) - before[i]) };
}

/** `shape` of small integers (0…3, many ties) with a few negative values. */
function tiedInput(shape: number[], seed: number): Input {
  const v = randomValues(
    shape.reduce((a, b) => a * b, 1),
    seed,
  );
  return { values: v.map((x) => Math.round(Math.abs(x) * 3) * Math.sign(x)), shape };
}

type Pool = [x: number[], k: [number, number], s: [number, number] | number, pad: 'same' | 'valid' | number];
const POOLS: Pool[] = [
  [[2, 9, 7, 5], [3, 3], 2, 1], // ResNet's stem pool, odd sizes
  [[1, 8, 8, 3], [2, 2], 2, 'valid'],
  [[3, 7, 10, 6], [3, 2], [2, 3], 'same'],
  [[2, 5, 5, 17], [3, 3], 1, 'same'], // overlapping windows, 17 channels (a vector and a tail)
  [[1, 6, 9, 2], [4, 4], 3, 'valid'],
];

const BN_SHAPES: [number[], boolean][] = [
  [[3, 5, 7, 6], true], // NHWC with scale and offset
  [[2, 9, 4, 19], false], // no affine parameters, 19 channels
  [[7, 3], true], // a [n, C] batch (the tabular model's)
  [[1, 1, 3, 4], true], // three rows: the running variance unbiased by n / (n − 1) = 1.5
  [[64, 8, 8, 33], true], // large enough for the threaded path on two threads
];

/**
 * BatchNorm training through fused-ops: y, the three new running values and the gradients of x, scale, offset.
 * With `act`, the ReLU inside the kernels on wasm (the addon's loops) and, on cpu (the reference), the composition:
 * the BatchNorm kernel without act and tf.relu after (`reluAfter`) or before it (`reluBefore`).
 */
function batchNorm(affine: boolean, act: BatchNormAct = 'none') {
  return (...xs: tf.Tensor[]): tf.Tensor[] => {
    const [x, w, b, r] = xs;
    const c = x.shape[x.rank - 1];
    const rm = tf.fill([c], 0.1);
    const rv = tf.fill([c], 0.9);
    const count = tf.scalar(3, 'int32');
    const buffers = { runningMean: rm, runningVar: rv, numBatchesTracked: count };
    const composed = act !== 'none' && tf.getBackend() === 'cpu';
    const attrs = act === 'none' || composed ? { eps: 1e-5, momentum: 0.1 } : { eps: 1e-5, momentum: 0.1, act };
    const bnOf = (xx: tf.Tensor, ww?: tf.Tensor, bb?: tf.Tensor) => {
      const res = fusedBatchNormTrain(composed && act === 'reluBefore' ? tf.relu(xx) : xx, buffers, ww, bb, attrs);
      if (!res) throw new Error('fused BatchNorm did not run');
      return composed && act === 'reluAfter' ? { ...res, y: tf.relu(res.y) } : res;
    };
    const run = (...a: tf.Tensor[]) => {
      const res = bnOf(a[0], affine ? a[1] : undefined, affine ? a[2] : undefined);
      tf.dispose([res.runningMean, res.runningVar, res.numBatchesTracked]);
      return res.y;
    };
    const res = bnOf(x, affine ? w : undefined, affine ? b : undefined);
    const grads = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(run(...a), r)))(affine ? [x, w, b] : [x]);
    const count1 = tf.cast(res.numBatchesTracked, 'float32');
    res.numBatchesTracked.dispose(); // kept by fusedBatchNormTrain: the caller disposes it
    return [res.y, res.runningMean, res.runningVar, count1, ...grads];
  };
}

/** Three Adam steps on parameters of odd sizes (one of 100,003 elements: threaded on two threads). */
async function adamSteps(backend: 'cpu' | 'wasm', decoupledWd: boolean): Promise<Float32Array[]> {
  const shapes = [[7, 13], [5], [100_003]];
  return runOn(backend, [], () => {
    const params = shapes.map(
      (s, i) => new Parameter(tf.variable(tf.tensor(randomValues(s[0] * (s[1] ?? 1), 40 + i), s)), 'none', 'weight'),
    );
    const opt = new Adam([params], { lr: 0.01, wd: 0.1, decoupledWd });
    for (let step = 0; step < 3; step++) {
      const grads: tf.NamedTensorMap = {};
      params.forEach((p, i) => {
        grads[p.variable.name] = tf.tensor(randomValues(p.size, 100 * step + i), p.shape);
      });
      opt.step(grads);
      tf.dispose(Object.values(grads));
    }
    const out = params.map((p) => tf.clone(p.variable));
    opt.dispose();
    params.forEach((p) => p.variable.dispose());
    return out;
  });
}

describeNative('native (C++) loops match the cpu backend', () => {
  let tensorsBefore = 0;
  beforeAll(async () => {
    await setBackend('wasm');
    expect(setNativeKernels(true)).toBe(true);
    tensorsBefore = tf.memory().numTensors;
  });
  afterAll(async () => {
    await setBackend('wasm', { threads: wasmThreadsWanted() });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    setNativeKernels(undefined);
  });

  for (const threads of [1, 2]) {
    it.each(POOLS)(`maxPool's gradient (${threads} thread(s)): x %j, window %j, stride %j, pad %j`, async (...p) => {
      await setBackend('wasm', { threads });
      const [xs, k, s, pad] = p;
      const f = withGrads((x) => tf.maxPool(x as tf.Tensor4D, k, s, pad));
      const ys = tf.backend_util.computePool2DInfo(xs as [number, number, number, number], k, s, 1, pad).outShape;
      for (const x of [randomInput(xs, 3), tiedInput(xs, 4)]) {
        const inputs = [x, randomInput(ys, 5)];
        const { out: errs, calls } = await counting([tf.MaxPoolGrad], () => wasmVsCpu(inputs, f));
        expect(calls).toEqual([1]);
        for (const e of errs) expect(e).toBeLessThan(1e-5);
        // And exactly wasm's own kernel (ties to the first maximum, NaN as the maximum).
        const native = await runOn('wasm', inputs, f);
        setNativeKernels(false);
        const own = await runOn('wasm', inputs, f);
        setNativeKernels(true);
        expect(native[1]).toEqual(own[1]);
      }
    });

    it.each(BN_SHAPES)(
      `BatchNorm training forward and backward (${threads} thread(s)): x %j, affine %s`,
      async (xs, affine) => {
        await setBackend('wasm', { threads });
        const c = xs[xs.length - 1];
        const inputs = [randomInput(xs, 6), randomInput([c], 7), randomInput([c], 8), randomInput(xs, 9)];
        // A channel offset far from 0 (the sums are shifted by the first row, so nothing cancels).
        inputs[0].values = inputs[0].values.map((v, i) => v + (i % c === 0 ? 1000 : 0));
        const names = ['TfaiBatchNormTrain', 'TfaiBatchNormTrainGrad'];
        const { out: errs, calls } = await counting(names, () => wasmVsCpu(inputs, batchNorm(affine)));
        expect(calls).toEqual([2, 1]); // the forward runs twice: outputs, and inside the loss
        expect(errs).toHaveLength(affine ? 7 : 5);
        for (const e of errs) expect(e).toBeLessThan(1e-5);
      },
    );

    const BN_ACT_CASES = (['reluAfter', 'reluBefore'] as const).flatMap((act) =>
      BN_SHAPES.map(([xs, affine]) => [act, xs, affine] as const),
    );
    it.each(BN_ACT_CASES)(
      `BatchNorm with a fused ReLU against BatchNorm and tf.relu (${threads} thread(s)): %s, x %j, affine %s`,
      async (act, xs, affine) => {
        await setBackend('wasm', { threads });
        const c = xs[xs.length - 1];
        const inputs = [randomInput(xs, 6), randomInput([c], 7), randomInput([c], 8), randomInput(xs, 9)];
        inputs[0].values = inputs[0].values.map((v, i) => v + (i % c === 0 ? 1000 : 0));
        const names = ['TfaiBatchNormTrain', 'TfaiBatchNormTrainGrad'];
        const { out: errs, calls } = await counting(names, () => wasmVsCpu(inputs, batchNorm(affine, act)));
        expect(calls).toEqual([2, 1]);
        expect(errs).toHaveLength(affine ? 7 : 5);
        for (const e of errs) expect(e).toBeLessThan(1e-5);
        // The ReLU did something: part of the output (reluAfter) or of x's gradient (reluBefore) is zero.
        const [y, , , , dx] = await runOn('wasm', inputs, batchNorm(affine, act));
        const zeros = (act === 'reluAfter' ? y : dx).filter((v) => v === 0).length;
        expect(zeros).toBeGreaterThan(0);
        expect(zeros).toBeLessThan(y.length);
      },
    );

    it.each([true, false])(`Adam (${threads} thread(s)), decoupled weight decay %s`, async (decoupled) => {
      await setBackend('wasm', { threads });
      const ref = await adamSteps('cpu', decoupled);
      const { out: got, calls } = await counting(['adam'], () => adamSteps('wasm', decoupled));
      expect(calls).toEqual([9]);
      got.forEach((g, i) => expect(relErr(g, ref[i])).toBeLessThan(1e-5));
    });
  }

  it('turned off, the same registered kernels and the optimizer run wasm (no addon call)', async () => {
    await setBackend('wasm', { threads: 1 });
    setNativeKernels(false);
    try {
      const inputs = [randomInput([2, 9, 7, 5], 3), randomInput([2, 5, 4, 5], 5)];
      const names = [tf.MaxPoolGrad, 'TfaiBatchNormTrain', 'TfaiBatchNormTrainGrad', 'adam'];
      const { out, calls } = await counting(names, async () => {
        const pool = await wasmVsCpu(
          inputs,
          withGrads((x) => tf.maxPool(x as tf.Tensor4D, 3, 2, 1)),
        );
        const bn = await wasmVsCpu([randomInput([3, 4, 5, 6], 6), randomInput([3, 4, 5, 6], 9)], (x, r) =>
          batchNorm(false)(x, x, x, r),
        );
        const adam = await adamSteps('wasm', true);
        return [...pool, ...bn, adam.length];
      });
      expect(calls).toEqual([0, 0, 0, 0]);
      for (const e of out.slice(0, -1)) expect(e).toBeLessThan(1e-5);
    } finally {
      setNativeKernels(true);
    }
  });
});
