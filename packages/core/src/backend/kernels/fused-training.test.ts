// The fused BatchNorm (training), cross-entropy and dropout kernels against the compositions they replace, on wasm
// and cpu: forward values and gradients (tf.grads) to 1e-5 on random inputs of several shapes, running statistics,
// dropout masks bit for bit (same seed, same mask), kernel counts, and no tensors left behind.
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { crossEntropyLossFlat } from '../../learner/loss.js';
import { BatchNorm1d, BatchNorm2d } from '../../nn/layers/batchnorm.js';
import { Dropout } from '../../nn/layers/dropout.js';
import { manualSeed } from '../../nn/random.js';
import { setBackend } from '../backend.js';
import { setFused, type FusedName } from '../fused.js';
import { dropout } from '../fused-ops.js';
import { alea } from './dropout.js';
import { relErr } from '@tfai/test-utils';
import { randomValues } from '../../test-utils/backends.js';

const BACKENDS = ['wasm', 'cpu'] as const;

/** max |a − b| / max(max |b|, 1): relative for values above 1, absolute below (a loss near 0). */
function closeErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let num = 0;
  let m = 1;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return num / m;
}

afterAll(async () => {
  await setBackend('wasm');
});

/** Runs `f` with the fused path `name` on, then off; returns both results (arrays of values). */
async function fusedVsUnfused(
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
const kernelNames = (prof: Awaited<ReturnType<typeof tf.profile>>): string[] =>
  prof.kernels.map((k) => k.name).filter((n) => tf.getKernel(n, tf.getBackend()) !== undefined);

const rand = (shape: number[], seed: number, scale = 1, shift = 0): tf.Tensor =>
  tf.tensor(
    randomValues(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ).map((v) => v * scale + shift),
    shape,
  );

describe.each(BACKENDS)('fused kernels on %s', (backend) => {
  it('switches to the backend', async () => {
    await setBackend(backend);
    expect(tf.getBackend()).toBe(backend);
  });

  describe('BatchNorm (training)', () => {
    const cases: { shape: number[]; affine: boolean }[] = [
      { shape: [16, 200], affine: true },
      { shape: [5, 7], affine: true },
      { shape: [1, 3], affine: true }, // batch 1 (n = 1: variance 0, the unbiased factor n / max(n − 1, 1))
      { shape: [3, 4, 6], affine: true }, // BatchNorm1d over [N, L, C]
      { shape: [2, 5, 3, 7], affine: true }, // NHWC, odd channel count
      { shape: [4, 3, 3, 1], affine: true },
    ];
    it.each(cases)(
      '$shape affine=$affine: output, dx, dweight, dbias and running stats equal the composition to 1e-5',
      async ({ shape, affine }) => {
        const c = shape[shape.length - 1];
        const bn = shape.length === 4 ? new BatchNorm2d(c, { affine }) : new BatchNorm1d(c, { affine });
        const init = bn.stateDict();
        const x = rand(shape, 11, 3, 0.5);
        const up = rand(shape, 12);
        if (bn.weight && bn.bias) {
          bn.weight.variable.assign(rand([c], 13, 1, 1));
          bn.bias.variable.assign(rand([c], 14));
          tf.tidy(() => bn.runningMean.assign(rand([c], 15)));
          tf.tidy(() => bn.runningVar.assign(rand([c], 16, 0.5, 1)));
        }
        const start = bn.stateDict();
        const params = [bn.weight?.variable, bn.bias?.variable].filter((v): v is tf.Variable => v !== undefined);
        const { fused, plain } = await fusedVsUnfused('batchnorm', () => {
          bn.loadStateDict(start);
          bn.train();
          const f = (xx: tf.Tensor, ...ps: tf.Tensor[]) => {
            void ps;
            return tf.sum(tf.mul(bn.call(xx), up));
          };
          const y = bn.call(x);
          bn.loadStateDict(start);
          const grads = tf.grads(f)([x, ...params]);
          // After the two calls (y, then the gradient's forward) the buffers hold two updates.
          bn.loadStateDict(start);
          bn.call(x);
          return [
            y,
            ...grads,
            tf.clone(bn.runningMean),
            tf.clone(bn.runningVar),
            tf.cast(bn.numBatchesTracked, 'float32'),
          ];
        });
        expect(fused.length).toBe(plain.length);
        const single = shape.slice(0, -1).every((d) => d === 1);
        fused.forEach((v, i) => {
          // One row: x − mean = 0, so dx = 0 exactly; the composition's rounding is scaled by invstd = 1/√eps there.
          if (single && i === 1) {
            expect(v.every((g) => g === 0)).toBe(true);
            expect(closeErr(v, plain[i])).toBeLessThan(1e-4);
          } else expect(closeErr(v, plain[i]), `output ${i}`).toBeLessThan(1e-5);
        });
        // The running statistics moved (not a test of two unchanged buffers).
        const rmStart = await start.running_mean.data();
        expect(relErr(fused[fused.length - 3], rmStart)).toBeGreaterThan(1e-3);
        expect(fused[fused.length - 1][0]).toBe(1);
        tf.dispose([x, up, ...Object.values(init), ...Object.values(start)]);
        bn.dispose();
      },
    );

    it('affine=false (whose composition tfjs cannot differentiate: its FusedBatchNorm saves an undefined scale) equals affine with w = 1, b = 0', async () => {
      const x = rand([2, 4, 4, 5], 17, 2, 1);
      const up = rand([2, 4, 4, 5], 18);
      const plainBn = new BatchNorm2d(5);
      const fusedBn = new BatchNorm2d(5, { affine: false });
      const f = (bn: BatchNorm2d) => (xx: tf.Tensor) => tf.sum(tf.mul(bn.call(xx), up));
      const restore = setFused('batchnorm', false);
      const [py, pg] = tf.tidy(() => [plainBn.call(x), tf.grads(f(plainBn))([x])[0]]);
      restore();
      const [fy, fg] = tf.tidy(() => [fusedBn.call(x), tf.grads(f(fusedBn))([x])[0]]);
      expect(relErr(await fy.data(), await py.data())).toBeLessThan(1e-5);
      expect(relErr(await fg.data(), await pg.data())).toBeLessThan(1e-5);
      expect(relErr(await fusedBn.runningVar.data(), await plainBn.runningVar.data())).toBeLessThan(1e-5);
      tf.dispose([x, up, py, pg, fy, fg]);
      plainBn.dispose();
      fusedBn.dispose();
    });

    it('gradients through tf.grads reach weight and bias as parameters (variableGrads), numTensors flat', async () => {
      const bn = new BatchNorm2d(6);
      const x = rand([2, 3, 3, 6], 21);
      const step = () => {
        const { value, grads } = tf.variableGrads(
          () => tf.sum(tf.square(bn.call(x))) as tf.Scalar,
          [bn.weight!.variable, bn.bias!.variable],
        );
        tf.dispose([value, ...Object.values(grads)]);
      };
      step();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) step();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(x);
      bn.dispose();
    });

    it('one kernel forward: the profile of a training call shows TfaiBatchNormTrain and no Mean/Sub/Rsqrt', async () => {
      const bn = new BatchNorm1d(8);
      const x = rand([4, 8], 31);
      const prof = await tf.profile(() => tf.tidy(() => void bn.call(x)));
      expect(kernelNames(prof)).toEqual(['TfaiBatchNormTrain']);
      const restore = setFused('batchnorm', false);
      const plain = await tf.profile(() => tf.tidy(() => void bn.call(x)));
      restore();
      expect(kernelNames(plain).length).toBeGreaterThan(6);
      tf.dispose(x);
      bn.dispose();
    });
  });

  describe('cross-entropy', () => {
    const cases: { shape: number[]; eps: number; ignore?: number; floatTargets?: boolean }[] = [
      { shape: [32, 10], eps: 0 },
      { shape: [7, 3], eps: 0.1 },
      { shape: [1, 2], eps: 0 }, // batch 1
      { shape: [5, 4, 3], eps: 0 }, // segmentation-like [B, L, C]
      { shape: [9, 5], eps: 0, ignore: 2 },
      { shape: [9, 5], eps: 0.2, ignore: 1 },
      { shape: [6, 4], eps: 0, floatTargets: true },
    ];
    it.each(cases)(
      '$shape eps=$eps ignore=$ignore float=$floatTargets: loss and dlogits equal the composition to 1e-5',
      async ({ shape, eps, ignore, floatTargets }) => {
        const c = shape[shape.length - 1];
        const n = shape.reduce((a, b) => a * b, 1) / c;
        const logits = rand(shape, 41, 4);
        const codes = Int32Array.from({ length: n }, (_, i) => (i * 7 + 3) % c);
        const target = tf.tensor(
          floatTargets ? Float32Array.from(codes) : codes,
          shape.slice(0, -1),
          floatTargets ? 'float32' : 'int32',
        );
        const loss = crossEntropyLossFlat({ labelSmoothing: eps, ignoreIndex: ignore });
        const { fused, plain } = await fusedVsUnfused('cross-entropy', () => {
          const value = loss(logits, target);
          const [g] = tf.grads((l: tf.Tensor) => tf.mul(loss(l, target), 3))([logits]);
          return [value, g];
        });
        fused.forEach((v, i) => expect(closeErr(v, plain[i]), `output ${i}`).toBeLessThan(1e-5));
        expect(fused[0][0]).toBeGreaterThan(0);
        tf.dispose([logits, target]);
      },
    );

    it('classes on axis 1 ([B, C, L], axis: 1) and a target outside [0, C) (a zero one-hot row): as the composition', async () => {
      const logits = rand([3, 4, 5], 45, 3);
      const target = tf.tensor2d([0, 1, 2, 3, 4, 3, 2, 1, 0, 1, 2, 3, 0, 1, 2], [3, 5], 'int32');
      const bad = tf.tensor1d([0, 3, 7, 1], 'int32'); // 7 is not a class of 4
      const badLogits = rand([4, 4], 46, 3);
      const byAxis = crossEntropyLossFlat({ axis: 1, labelSmoothing: 0.1 });
      const plainLoss = crossEntropyLossFlat({ labelSmoothing: 0.1 });
      const { fused, plain } = await fusedVsUnfused('cross-entropy', () => [
        byAxis(logits, target),
        tf.grads((l: tf.Tensor) => byAxis(l, target))([logits])[0],
        plainLoss(badLogits, bad),
        tf.grads((l: tf.Tensor) => plainLoss(l, bad))([badLogits])[0],
      ]);
      fused.forEach((v, i) => expect(closeErr(v, plain[i]), `output ${i}`).toBeLessThan(1e-5));
      tf.dispose([logits, target, bad, badLogits]);
    });

    it('every target ignored: loss 0 and zero gradient, as the composition', async () => {
      const logits = rand([3, 4], 51);
      const target = tf.tensor1d([-100, -100, -100], 'int32');
      const loss = crossEntropyLossFlat({ ignoreIndex: -100 });
      const { fused, plain } = await fusedVsUnfused('cross-entropy', () => [
        loss(logits, target),
        tf.grads((l: tf.Tensor) => loss(l, target))([logits])[0],
      ]);
      expect(Array.from(fused[0])).toEqual([0]);
      expect(Array.from(plain[0])).toEqual([0]);
      expect(fused[1].every((v) => v === 0)).toBe(true);
      expect(plain[1].every((v) => v === 0)).toBe(true);
      tf.dispose([logits, target]);
    });

    it('one kernel forward, one multiply backward (plus the tape copy); numTensors flat', async () => {
      const logits = tf.variable(rand([16, 10], 61));
      const target = tf.tensor1d(
        Int32Array.from({ length: 16 }, (_, i) => i % 10),
        'int32',
      );
      const loss = crossEntropyLossFlat();
      const step = () => {
        const { value, grads } = tf.variableGrads(() => loss(logits, target), [logits]);
        tf.dispose([value, ...Object.values(grads)]);
      };
      const prof = await tf.profile(step);
      expect(kernelNames(prof).sort()).toEqual(['Identity', 'Multiply', 'TfaiCrossEntropy']);
      step();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) step();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([logits, target]);
    });
  });

  describe('dropout', () => {
    it("alea() is seedrandom's: tf.randomUniform's values bit for bit", () => {
      for (const seed of [0, 42, 1234567890]) {
        const next = alea(String(seed));
        const ours = Float32Array.from({ length: 257 }, () => next());
        const ref = tf.tidy(() => tf.randomUniform([257], 0, 1, 'float32', seed).dataSync());
        expect(Array.from(ours)).toEqual(Array.from(ref));
      }
    });

    const cases: { shape: number[]; rate: number; noise?: number[] }[] = [
      { shape: [64, 33], rate: 0.5 },
      { shape: [41], rate: 0.1 },
      { shape: [1, 5], rate: 0.25 },
      { shape: [3, 5, 4], rate: 0.3, noise: [3, 1, 4] }, // RNNDropout: one mask per sequence
      { shape: [11, 6], rate: 0.4, noise: [11, 1] }, // EmbeddingDropout: whole rows
      { shape: [2, 3, 4, 5], rate: 0.6, noise: [1, 3, 1, 5] },
    ];
    it.each(cases)(
      '$shape rate=$rate noise=$noise: output and gradient equal tf.dropout bit for bit',
      async ({ shape, rate, noise }) => {
        const x = rand(shape, 71, 2);
        const up = rand(shape, 72);
        const seed = 987654;
        const fused = tf.tidy(() => {
          const y = dropout(x, rate, noise, seed);
          const [g] = tf.grads((xx: tf.Tensor) => tf.sum(tf.mul(dropout(xx, rate, noise, seed), up)))([x]);
          return [y, g];
        });
        const plain = tf.tidy(() => {
          const y = tf.dropout(x, rate, noise, seed);
          const [g] = tf.grads((xx: tf.Tensor) => tf.sum(tf.mul(tf.dropout(xx, rate, noise, seed), up)))([x]);
          return [y, g];
        });
        const [fy, fg, py, pg] = await Promise.all([...fused, ...plain].map(async (t) => Array.from(await t.data())));
        expect(fy).toEqual(py);
        expect(fg).toEqual(pg);
        // Some elements dropped, some kept and scaled.
        expect(fy.some((v) => v === 0)).toBe(true);
        expect(fy.some((v) => v !== 0)).toBe(true);
        tf.dispose([x, up, ...fused, ...plain]);
      },
    );

    it('Dropout after manualSeed: the same masks fused and unfused, one kernel, numTensors flat', async () => {
      const d = new Dropout(0.5).train();
      const x = rand([8, 16], 81);
      const draw = () => {
        manualSeed(5);
        return tf.tidy(() => [d.call(x), d.call(x)]);
      };
      const f = draw();
      const restore = setFused('dropout', false);
      const p = draw();
      restore();
      for (let i = 0; i < 2; i++) expect(Array.from(await f[i].data())).toEqual(Array.from(await p[i].data()));
      expect(Array.from(await f[0].data())).not.toEqual(Array.from(await f[1].data()));
      const prof = await tf.profile(() => tf.tidy(() => void d.call(x)));
      expect(kernelNames(prof)).toEqual(['TfaiDropout']);
      const v = tf.variable(x);
      const step = () => {
        const { value, grads } = tf.variableGrads(() => tf.sum(d.call(v)) as tf.Scalar, [v]);
        tf.dispose([value, ...Object.values(grads)]);
      };
      step();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) step();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, v, ...f, ...p]);
    });
  });
});
