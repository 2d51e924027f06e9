import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@tfai/core';
import { describe, expect, it } from 'vitest';
import { eigSymmetric, pca } from './pca.js';

/** Top eigenvector of a symmetric matrix by power iteration (an independent check of the Jacobi solver). */
function powerIteration(a: number[][], iters = 2000): { value: number; vector: number[] } {
  let v = a.map((_, i) => 1 + i / 10);
  let value = 0;
  for (let it = 0; it < iters; it++) {
    const w = a.map((row) => row.reduce((s, x, j) => s + x * v[j], 0));
    value = Math.hypot(...w);
    v = w.map((x) => x / value);
  }
  return { value, vector: v };
}

describe('pca (fastai’s Tensor.pca) and the symmetric eigensolver under it', () => {
  it('eigSymmetric: [[2,1],[1,2]] has eigenvalues 3 and 1; a random 8×8 matrix satisfies A·v = λ·v with orthonormal v', () => {
    const e = eigSymmetric([2, 1, 1, 2], 2);
    expect(e.values[0]).toBeCloseTo(3, 12);
    expect(e.values[1]).toBeCloseTo(1, 12);
    expect(e.vectors[0][0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(e.vectors[0][1]).toBeCloseTo(Math.SQRT1_2, 12);
    const rng = new Rng(3);
    const d = 8;
    const b = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.next() - 0.5));
    const a = b.map((row, i) => row.map((_, j) => b[i][j] + b[j][i]));
    const { values, vectors } = eigSymmetric(a.flat(), d);
    expect(values.reduce((s, x) => s + x, 0)).toBeCloseTo(
      a.reduce((s, row, i) => s + row[i], 0),
      10,
    );
    for (let k = 0; k < d; k++) {
      const av = a.map((row) => row.reduce((s, x, j) => s + x * vectors[k][j], 0));
      av.forEach((x, i) => expect(x).toBeCloseTo(values[k] * vectors[k][i], 10));
      for (let l = 0; l < d; l++)
        expect(vectors[k].reduce((s, x, j) => s + x * vectors[l][j], 0)).toBeCloseTo(k === l ? 1 : 0, 10);
      if (k) expect(values[k]).toBeLessThanOrEqual(values[k - 1]);
    }
  });

  it('pca(x, k) centres x and projects it on the directions of largest variance (checked by power iteration)', async () => {
    const rng = new Rng(11);
    const n = 300;
    // Points spread 3× along u1 and 1× along u2 (orthonormal), with a little noise and an offset.
    const u1 = [1, 2, 0, -1, 0, 1].map((x) => x / Math.sqrt(7));
    const u2 = [0, 1, 1, 2, 0, 0].map((x) => x / Math.sqrt(6));
    const rows = Array.from({ length: n }, () => {
      const a = 3 * (rng.next() * 2 - 1);
      const b = rng.next() * 2 - 1;
      return u1.map((x, j) => 5 + a * x + b * u2[j] + 0.01 * (rng.next() - 0.5));
    });
    const x = tf.tensor2d(rows);
    const proj = await pca(x, 2);
    expect(proj.shape).toEqual([n, 2]);
    const p = proj.arraySync() as number[][];
    const mean = rows[0].map((_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
    const centred = rows.map((r) => r.map((v, j) => v - mean[j]));
    const scatter = mean.map((_, a) => mean.map((_, b) => centred.reduce((s, r) => s + r[a] * r[b], 0)));
    const top = powerIteration(scatter);
    const col0 = p.map((r) => r[0]);
    // Column 0 is the projection on the top eigenvector (up to its sign), its sum of squares the top eigenvalue.
    const ref = centred.map((r) => r.reduce((s, v, j) => s + v * top.vector[j], 0));
    const sign = Math.sign(col0.reduce((s, v, i) => s + v * ref[i], 0));
    col0.forEach((v, i) => expect(v * sign).toBeCloseTo(ref[i], 3));
    expect(col0.reduce((s, v) => s + v * v, 0)).toBeCloseTo(top.value, 2);
    expect(Math.abs(top.vector.reduce((s, v, j) => s + v * u1[j], 0))).toBeGreaterThan(0.999);
    // Uncorrelated components, variance decreasing, means zero.
    const col1 = p.map((r) => r[1]);
    expect(Math.abs(col0.reduce((s, v, i) => s + v * col1[i], 0))).toBeLessThan(1e-2);
    expect(col0.reduce((s, v) => s + v * v, 0)).toBeGreaterThan(5 * col1.reduce((s, v) => s + v * v, 0));
    expect(Math.abs(col1.reduce((s, v) => s + v, 0) / n)).toBeLessThan(1e-4);
    tf.dispose([x, proj]);
  });
});
