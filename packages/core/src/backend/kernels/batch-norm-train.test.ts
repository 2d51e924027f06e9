// The fused BatchNorm (training) kernels against the composition they replace, on wasm and cpu: forward values
// and gradients to 1e-5 on random inputs of several shapes, running statistics, kernel counts, no tensors left behind.
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { BatchNorm1d, BatchNorm2d } from '../../nn/layers/batchnorm.js';
import { setFused } from '../fused.js';
import { relErr } from '@tfai/test-utils';
import { describeOnBackends, closeErr, fusedVsUnfused, kernelNames, rand } from '../../test-utils/backends.js';

describeOnBackends('BatchNorm (training)', () => {
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
