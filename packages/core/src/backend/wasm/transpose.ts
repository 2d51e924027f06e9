/**
 * wasm's `Transpose` for the two permutations training runs most, 32-bit data only:
 * - the last two axes swapped (`[..., m, n]` → `[..., n, m]`: every matrix product with a transposed operand,
 *   batch-matmul.ts): 4 × 4 SIMD tiles (./simd/simd-kernels.ts `transpose`), edges in JS;
 * - the first two axes swapped over contiguous inner blocks (`[A, B, ...]` → `[B, A, ...]`: sequence-first ↔
 *   batch-first LSTM activations): one block copy each.
 * tfjs-backend-wasm 4.22's kernel walks every element through index arithmetic. Other permutations, other dtypes, and runs without the SIMD module go to it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { attrsOf, input, kernelBackend, type KernelArgs } from '../kernel-utils.js';
import { allocate, sizeOf, valuesOf } from '../memory.js';

import { simdKernels } from './simd/simd-kernels.js';
import type { KernelDef } from '../registry.js';

export function fastTranspose(stock: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = input(args, 'x');
    const { perm } = attrsOf<{ perm: number[] }>(args);
    const r = x.shape.length;
    if ((x.dtype !== 'float32' && x.dtype !== 'int32') || r < 2 || sizeOf(x.shape) === 0) return stock(args);
    const keeps = (from: number, to: number) => perm.slice(from, to).every((p, k) => p === from + k);
    const lastTwo = perm[r - 2] === r - 1 && perm[r - 1] === r - 2 && keeps(0, r - 2);
    const firstTwo = r > 2 && perm[0] === 1 && perm[1] === 0 && keeps(2, r);
    const simd = lastTwo ? simdKernels() : undefined;
    if (!(lastTwo && simd) && !firstTwo) return stock(args);
    const backend = kernelBackend(args);
    const [out] = allocate(backend, 'wasm', [{ shape: perm.map((p) => x.shape[p]), dtype: x.dtype }]);
    const src = valuesOf(backend, 'wasm', x);
    const dst = valuesOf(backend, 'wasm', out);
    if (firstTwo) {
      const [A, B] = x.shape;
      const inner = sizeOf(x.shape.slice(2));
      for (let b = 0; b < B; b++)
        for (let a = 0; a < A; a++)
          dst.set(src.subarray((a * B + b) * inner, (a * B + b + 1) * inner), (b * A + a) * inner);
      return out;
    }
    const [m, n] = x.shape.slice(-2);
    const batch = sizeOf(x.shape.slice(0, -2));
    const [m4, n4] = [m & ~3, n & ~3];
    for (let k = 0; k < batch; k++) {
      const s0 = k * m * n;
      simd?.transpose(m4, n4, m, n, src.byteOffset + s0 * 4, dst.byteOffset + s0 * 4);
      // Edges: rows m4… (all columns), then columns n4… of rows < m4.
      for (let i = m4; i < m; i++) for (let j = 0; j < n; j++) dst[s0 + j * m + i] = src[s0 + i * n + j];
      for (let i = 0; i < m4; i++) for (let j = n4; j < n; j++) dst[s0 + j * m + i] = src[s0 + i * n + j];
    }
    return out;
  };
}

/** The kernel (wasm, around the stock one). */
export const transposeKernels: readonly KernelDef[] = [
  { name: tf.Transpose, backends: ['wasm'], fallback: 'stock', kernel: fastTranspose },
];
