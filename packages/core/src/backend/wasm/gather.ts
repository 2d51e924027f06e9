/**
 * wasm's `GatherV2` along the first axis (an embedding lookup) as one row copy per index, in place of
 * tfjs-backend-wasm 4.22's per-element index arithmetic (the AWD-LSTM classifier's lookup per chunk: 2,304 rows of a
 * [10000, 100] table). Float32 and int32 tables, int32 indices, `axis` 0 and no
 * batch dimensions; anything else, and any index outside the table (whatever the stock kernel does with it), goes
 * to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { attrsOf, input, kernelBackend, type KernelArgs } from '../kernel-utils.js';
import { allocate, i32, sizeOf, valuesOf } from '../memory.js';
import type { KernelDef } from '../registry.js';

export function fastGather(stock: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = input(args, 'x');
    const indices = input(args, 'indices');
    const { axis, batchDims } = attrsOf<{ axis: number; batchDims?: number }>(args);
    const ax = axis < 0 ? axis + x.shape.length : axis;
    if (ax !== 0 || (batchDims ?? 0) !== 0 || indices.dtype !== 'int32' || x.shape.length < 1) return stock(args);
    if (x.dtype !== 'float32' && x.dtype !== 'int32') return stock(args);
    const backend = kernelBackend(args);
    const rows = x.shape[0];
    const row = sizeOf(x.shape.slice(1));
    const idx = i32(backend, 'wasm', indices);
    for (let k = 0; k < idx.length; k++) if (!(idx[k] >= 0 && idx[k] < rows)) return stock(args);
    const [out] = allocate(backend, 'wasm', [{ shape: [...indices.shape, ...x.shape.slice(1)], dtype: x.dtype }]);
    // Views after the allocation (it may grow the heap and replace its buffer).
    const src = valuesOf(backend, 'wasm', x);
    const dst = valuesOf(backend, 'wasm', out);
    const at = i32(backend, 'wasm', indices);
    if (row === 1) for (let k = 0; k < at.length; k++) dst[k] = src[at[k]];
    else for (let k = 0; k < at.length; k++) dst.set(src.subarray(at[k] * row, at[k] * row + row), k * row);
    return out;
  };
}

/** The kernel (wasm, around the stock one). */
export const gatherKernels: readonly KernelDef[] = [
  { name: tf.GatherV2, backends: ['wasm'], fallback: 'stock', kernel: fastGather },
];
