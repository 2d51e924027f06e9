// Simple baselines the learner tests compare with: the majority class, the training mean, and an L2-regularised
// logistic regression fit by Newton's method (IRLS) on one-hot categories + normalised continuous columns.
import type { EncodedTable } from '../data/tabular.js';

/** Accuracy on `valid` of always predicting the most frequent training class. */
export function majorityAccuracy(
  y: Int32Array,
  train: Int32Array,
  valid: Int32Array,
): { cls: number; accuracy: number } {
  const counts = new Map<number, number>();
  for (const i of train) counts.set(y[i], (counts.get(y[i]) ?? 0) + 1);
  const cls = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  let ok = 0;
  for (const i of valid) if (y[i] === cls) ok++;
  return { cls, accuracy: ok / valid.length };
}

/** RMSE on `valid` of always predicting the training mean (a single float target). */
export function meanRmse(y: Float32Array, train: Int32Array, valid: Int32Array): number {
  let m = 0;
  for (const i of train) m += y[i] / train.length;
  let s = 0;
  for (const i of valid) s += (y[i] - m) ** 2;
  return Math.sqrt(s / valid.length);
}

/** One row per item: intercept, one-hot of every categorical code, the continuous values. */
function designRow(t: EncodedTable, cards: number[], i: number, out: Float64Array): void {
  out.fill(0);
  out[0] = 1;
  let off = 1;
  t.cats.forEach((c, j) => {
    out[off + c[i]] = 1;
    off += cards[j];
  });
  t.conts.forEach((c) => (out[off++] = c[i]));
}

/** Solves `A x = b` (A symmetric positive definite, d×d row-major) by Cholesky. */
function cholSolve(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      l[i * d + j] = i === j ? Math.sqrt(s) : s / l[j * d + j];
    }
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * d + k] * z[k];
    z[i] = s / l[i * d + i];
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < d; k++) s -= l[k * d + i] * x[k];
    x[i] = s / l[i * d + i];
  }
  return x;
}

/**
 * Binary logistic regression (class 1 vs 0) on the encoded table, fit on `train` by IRLS with an L2 penalty `l2`
 * (not on the intercept); returns the validation accuracy.
 */
export function logisticRegressionAccuracy(
  t: EncodedTable,
  cards: number[],
  train: Int32Array,
  valid: Int32Array,
  l2 = 1e-2,
  iters = 12,
): number {
  const y = t.y as Int32Array;
  const d = 1 + cards.reduce((s, c) => s + c, 0) + t.conts.length;
  const w = new Float64Array(d);
  const x = new Float64Array(d);
  const dot = () => x.reduce((s, v, k) => s + v * w[k], 0);
  for (let it = 0; it < iters; it++) {
    const h = new Float64Array(d * d);
    const g = new Float64Array(d);
    for (const i of train) {
      designRow(t, cards, i, x);
      const p = 1 / (1 + Math.exp(-dot()));
      const r = p - y[i];
      const wt = p * (1 - p);
      for (let a = 0; a < d; a++) {
        if (x[a] === 0) continue;
        g[a] += r * x[a];
        for (let b = 0; b < d; b++) h[a * d + b] += wt * x[a] * x[b];
      }
    }
    for (let a = 0; a < d; a++) {
      const pen = a === 0 ? 1e-8 : l2;
      h[a * d + a] += pen;
      g[a] += pen * w[a];
    }
    const step = cholSolve(h, g, d);
    for (let a = 0; a < d; a++) w[a] -= step[a];
  }
  let ok = 0;
  for (const i of valid) {
    designRow(t, cards, i, x);
    if ((dot() > 0 ? 1 : 0) === y[i]) ok++;
  }
  return ok / valid.length;
}
