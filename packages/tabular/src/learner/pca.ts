// fastai's `Tensor.pca` (torch_core): centre the rows, project them on the top-k right singular vectors. The
// eigenvectors of the (small, d×d) scatter matrix come from a cyclic Jacobi eigensolver in float64.
import * as tf from '@tensorflow/tfjs-core';

/** Eigenvalues (descending) and unit eigenvectors (`vectors[k]` pairs with `values[k]`) of a symmetric matrix. */
export interface SymmetricEigen {
  /** The eigenvalues, largest first. */
  values: number[];
  /** Unit eigenvectors, `vectors[k]` of length `d` pairing with `values[k]`. */
  vectors: number[][];
}

/**
 * Eigen-decomposition of a symmetric `d×d` matrix (row-major) by cyclic Jacobi rotations, to machine precision.
 * Each eigenvector's sign is fixed so that its largest-magnitude component is positive.
 * @example
 * ```ts
 * eigSymmetric(Float64Array.from([2, 1, 1, 2]), 2).values; // [3, 1]
 * ```
 */
export function eigSymmetric(m: ArrayLike<number>, d: number): SymmetricEigen {
  const a = Float64Array.from(m);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  let scale = 0;
  for (let i = 0; i < d * d; i++) scale += a[i] * a[i];
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += a[p * d + q] ** 2;
    if (off <= 1e-30 * scale || off === 0) break;
    for (let p = 0; p < d; p++)
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (apq === 0) continue;
        const theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          // A ← Jᵀ A J, applied to rows/columns p and q.
          const akp = a[k * d + p];
          const akq = a[k * d + q];
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k];
          const aqk = a[q * d + k];
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p];
          const vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => a[j * d + j] - a[i * d + i]);
  const vectors = order.map((j) => {
    const col = Array.from({ length: d }, (_, k) => v[k * d + j]);
    const big = col.reduce((b, x) => (Math.abs(x) > Math.abs(b) ? x : b), 0);
    return big < 0 ? col.map((x) => -x) : col;
  });
  return { values: order.map((j) => a[j * d + j]), vectors };
}

/**
 * fastai's `x.pca(k)`: the rows of `x` `[n, d]` centred, projected on the `k` directions of largest variance
 * (`[n, k]`, sorted by variance). As the fastai book does with a collab model's item factors:
 * @example
 * ```ts
 * const w = learn.model.weight(topItems);   // [1000, 50]
 * const [fac0, fac1, fac2] = tf.unstack(await pca(w, 3), 1);
 * ```
 */
export async function pca(x: tf.Tensor2D, k = 2): Promise<tf.Tensor2D> {
  const [n, d] = x.shape;
  if (k > d) throw new RangeError(`pca: k = ${k} is more than the ${d} columns`);
  const data = Float64Array.from(await x.data());
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] -= mean[j];
  const scatter = new Float64Array(d * d);
  for (let i = 0; i < n; i++)
    for (let p = 0; p < d; p++) {
      const xp = data[i * d + p];
      if (xp === 0) continue;
      for (let q = p; q < d; q++) scatter[p * d + q] += xp * data[i * d + q];
    }
  for (let p = 0; p < d; p++) for (let q = 0; q < p; q++) scatter[p * d + q] = scatter[q * d + p];
  const { vectors } = eigSymmetric(scatter, d);
  const out = new Float32Array(n * k);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < k; c++) {
      let s = 0;
      const u = vectors[c];
      for (let j = 0; j < d; j++) s += data[i * d + j] * u[j];
      out[i * k + c] = s;
    }
  return tf.tensor2d(out, [n, k]);
}
