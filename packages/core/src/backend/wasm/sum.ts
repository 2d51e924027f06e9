/**
 * wasm's `Sum` over leading axes (a bias gradient: `dy` [rows, cols] summed over its rows) without the transpose.
 *
 * tfjs-backend-wasm 4.22 sums only over the innermost axes: any other reduction first transposes the whole input.
 * A bias's gradient is the commonest such sum (the LSTM's input projection: [2304, 1024] → [1024] at
 * the AWD-LSTM classifier's shape). Here the output accumulates row after row with the SIMD `add` loop of
 * ./simd/simd-kernels.ts, straight from the input's heap memory. Each output element is the float32 sum of its
 * column in row order, the order of the stock kernel's loop over the transposed input, so the two are
 * bit-identical (tested in memory-kernels.test.ts). Other reductions, non-float32 inputs, and runs without the SIMD module
 * (`TFAI_FUSED=-simd`) go to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { attrsOf, input, kernelBackend, type KernelArgs } from '../kernel-utils.js';
import { allocate, f32, sizeOf } from '../memory.js';

import { simdKernels } from './simd/simd-kernels.js';
import type { KernelDef } from '../registry.js';

export function fastSum(stock: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = input(args, 'x');
    const { axis, keepDims } = attrsOf<{ axis: number | number[]; keepDims: boolean }>(args);
    const rank = x.shape.length;
    // As given, not sorted: the stock kernel sums in the order of `axis` ([1, 0] is another order than [0, 1]).
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    const simd = leading && x.dtype === 'float32' ? simdKernels() : undefined;
    const rows = sizeOf(x.shape.slice(0, axes.length));
    const cols = sizeOf(x.shape.slice(axes.length));
    if (!simd || rows < 2 || cols === 0) return stock(args);
    const backend = kernelBackend(args);
    const outShape = keepDims ? x.shape.map((d, i) => (i < axes.length ? 1 : d)) : x.shape.slice(axes.length);
    const [out] = allocate(backend, 'wasm', [{ shape: outShape, dtype: 'float32' }]);
    const xAt = f32(backend, 'wasm', x).byteOffset;
    const acc = f32(backend, 'wasm', out).fill(0);
    for (let r = 0; r < rows; r++) simd.add(cols, acc.byteOffset, xAt + r * cols * 4, acc.byteOffset);
    return out;
  };
}

/** The kernel (wasm, around the stock one). */
export const sumKernels: readonly KernelDef[] = [
  { name: tf.Sum, backends: ['wasm'], fallback: 'stock', kernel: fastSum },
];
