import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { relError } from '../test-utils/fixtures.js';
import { TabularEmbeddings } from './embeddings.js';

const embSzs: [number, number][] = [
  [4, 2],
  [3, 3],
  [6, 1],
];
const codes = [
  [1, 2, 5],
  [1, 0, 0],
  [3, 2, 5],
  [0, 1, 3],
];

/** fastai's forward: `cat([e(x_cat[:, i]) for i, e in enumerate(embeds)], 1)`, one lookup per table. */
const separate = (m: TabularEmbeddings, x: tf.Tensor) =>
  tf.concat(
    m.items().map((e, i) => tf.gather(e.weight.variable, tf.squeeze(tf.slice(x, [0, i], [-1, 1]), [1]))),
    1,
  );

describe.each([
  ['float positions', undefined],
  ['int32 positions (tables above floatIndexLimit)', 1],
])('TabularEmbeddings, %s', (_, floatIndexLimit) => {
  it('has PyTorch names (embeds.N.weight via the parent) and no saved buffers', () => {
    const m = new TabularEmbeddings(embSzs, { floatIndexLimit });
    expect(Object.keys(m.stateDict())).toEqual(['0.weight', '1.weight', '2.weight']);
    expect(m.typeName).toBe('ModuleList');
    expect(m.nEmb).toBe(6);
    expect(m.items().map((e) => e.weight.shape)).toEqual(embSzs);
    m.dispose();
  });

  it('forward equals the separate per-table lookups, exactly', () => {
    const m = new TabularEmbeddings(embSzs, { floatIndexLimit });
    tf.tidy(() => {
      const x = tf.tensor2d(codes, [4, 3], 'int32');
      const y = m.call(x);
      expect(y.shape).toEqual([4, 6]);
      expect(relError(y, separate(m, x))).toBe(0);
    });
    m.dispose();
  });

  it('gradients equal those of the separate lookups (duplicate codes summed), and nothing leaks', () => {
    const m = new TabularEmbeddings(embSzs, { floatIndexLimit });
    const ws = m.items().map((e) => e.weight.variable);
    const x = tf.tensor2d(codes, [4, 3], 'int32');
    const target = tf.randomNormal([4, 6]);
    const n0 = tf.memory().numTensors;
    const a = tf.variableGrads(() => tf.sum(tf.mul(m.call(x), target)) as tf.Scalar, ws);
    const b = tf.variableGrads(() => tf.sum(tf.mul(separate(m, x), target)) as tf.Scalar, ws);
    for (const w of ws) expect(relError(a.grads[w.name], b.grads[w.name])).toBeLessThan(1e-6);
    // Row 1 of table 0 is read twice: its gradient is the sum of both rows of the target.
    const g0 = a.grads[ws[0].name].arraySync() as number[][];
    const t = target.arraySync() as number[][];
    expect(g0[1][0]).toBeCloseTo(t[0][0] + t[1][0], 5);
    tf.dispose([a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads)]);
    expect(tf.memory().numTensors).toBe(n0);
    tf.dispose([x, target]);
    m.dispose();
  });
});
