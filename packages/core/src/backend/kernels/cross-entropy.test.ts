// The fused flat cross-entropy kernel against the composition it replaces, on wasm and cpu: loss and gradient to
// 1e-5 on random inputs of several shapes, kernel counts, no tensors left behind.
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { crossEntropyLossFlat } from '../../learner/loss.js';
import { describeOnBackends, closeErr, fusedVsUnfused, kernelNames, rand } from '../../test-utils/backends.js';

describeOnBackends('cross-entropy', () => {
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
