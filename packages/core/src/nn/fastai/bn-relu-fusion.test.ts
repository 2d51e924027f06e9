// ConvLayer and LinBnDrop in training mode with their BatchNorm/ReLU pair fused (batchNormRelu) against the same
// modules run one by one (TFAI_FUSED_BN_ACT=0): loss, every parameter's gradient and the running statistics to
// 1e-5, the ReLU's kernels gone from the fused step, hooks honoured, numTensors flat.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { relErr, trainStepFused } from '@tfai/test-utils';
import { ReLU, type Linear, type Module, type TensorModule } from '../../nn.js';
import { ConvLayer } from './conv-layer.js';
import { LinBnDrop } from './lin-bn-drop.js';
import { rand } from '../../test-utils/backends.js';

/** One training step of `m` on `x` with the fusion on or off (test-utils' trainStepFused). */
const step = (m: TensorModule, x: tf.Tensor, fused: boolean) =>
  trainStepFused(m as unknown as Module, () => m.call(x), fused);

/** Fused and unfused steps agree to 1e-5; returns how many Relu kernels each ran. */
async function compare(m: TensorModule, x: tf.Tensor): Promise<{ fused: number; plain: number }> {
  const before = tf.memory().numTensors;
  const f = await step(m, x, true);
  const p = await step(m, x, false);
  expect(tf.memory().numTensors).toBe(before);
  expect(f.values.length).toBe(p.values.length);
  f.values.forEach((v, i) => expect(relErr(v, p.values[i]), `value ${i}`).toBeLessThan(1e-5));
  const relus = (ks: string[]) => ks.filter((k) => k === 'Relu').length;
  return { fused: relus(f.kernels), plain: relus(p.kernels) };
}

describe('BatchNorm + ReLU fused in ConvLayer and LinBnDrop (training)', () => {
  it.each([true, false])('ConvLayer (bnFirst %s) equals its children one by one', async (bnFirst) => {
    const m = new ConvLayer(3, 5, { bnFirst });
    const x = rand([2, 6, 7, 3], 1, 2);
    expect(await compare(m, x)).toEqual({ fused: 0, plain: 1 });
    tf.dispose(x);
    m.dispose();
  });

  it.each([true, false])('LinBnDrop (linFirst, ReLU, fuse %s) equals its children one by one', async (fuse) => {
    const m = new LinBnDrop(9, 13, { act: new ReLU(true), linFirst: true, fuse });
    const x = rand([11, 9], 2, 2);
    // Under a gradient tape tfjs's fused.matMul runs its activation as a separate kernel: one Relu unfused.
    expect(await compare(m, x)).toEqual({ fused: 0, plain: 1 });
    const f = await step(m, x, true);
    expect(f.kernels).not.toContain('Step');
    tf.dispose(x);
    m.dispose();
  });

  it('a forward hook on the ReLU (or the BatchNorm) runs the pair one by one, so it fires', async () => {
    const m = new ConvLayer(3, 4);
    const x = rand([1, 5, 5, 3], 3);
    const relu = m.get(2);
    const seen: number[][] = [];
    const h = relu.registerForwardHook((_m, _i, out) => void seen.push((out as tf.Tensor).shape));
    expect((await compare(m, x)).fused).toBe(1);
    expect(seen).toEqual([
      [1, 5, 5, 4],
      [1, 5, 5, 4],
    ]);
    h.remove();
    const hb = m.get(1).registerForwardHook(() => undefined);
    expect((await compare(m, x)).fused).toBe(1);
    hb.remove();
    tf.dispose(x);
    m.dispose();
  });

  it('eval mode runs the modules as before', () => {
    const m = new LinBnDrop(4, 6, { act: new ReLU(true), linFirst: true, fuse: true }).eval();
    const x = rand([3, 4], 4);
    const y = tf.tidy(() => m.call(x));
    const w = (m.get(0) as Linear).weight.variable;
    const ref = tf.tidy(() => m.get(2).call(tf.relu(tf.matMul(x, w))));
    expect(relErr(y.dataSync(), ref.dataSync())).toBeLessThan(1e-6);
    tf.dispose([x, y, ref]);
    m.dispose();
  });
});
