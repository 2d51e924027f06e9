/**
 * `Slice`, `Unpack` and `SplitV` for wasm, reading their input as a view of the heap.
 *
 * tfjs-backend-wasm 4.22's `Slice` starts with `backend.readSync(x.dataId)`, which copies the WHOLE input out of
 * the heap on every call; `Unpack` (`tf.unstack`) and `SplitV` (`tf.split`) call it once per output. Unstacking a
 * `[T, …]` sequence therefore copies the sequence T times: 72 slices of a `[72, 32, 1024]` tensor took ~1 s, and
 * the unfused LSTM's two unstacks per layer were most of a training step. Here each output copies only its own
 * elements (one `set` for a contiguous slice, one per innermost row otherwise). String tensors keep the stock kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelDef } from '../registry.js';
import { attrsOf, input, kernelBackend, type KernelArgs } from '../kernel-utils.js';
import { sizeOf } from '../memory.js';

/** `x[begin : begin + size]` as a new wasm tensor, copied heap to heap. */
function sliceHeap(backend: BackendWasm, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  const n = sizeOf(size);
  if (n === 0) return out;
  // Views after the allocation (it may grow the heap).
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const strides = tf.util.computeStrides(x.shape);
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    const at = tf.slice_util.computeFlatOffset(begin, strides);
    dst.set(src.subarray(at, at + n));
    return out;
  }
  // One copy per row of the last axis; idx walks the outer axes like an odometer.
  const r = x.shape.length;
  const inner = size[r - 1];
  const idx = new Array<number>(r - 1).fill(0);
  for (let o = 0; o < n; o += inner) {
    let at = begin[r - 1];
    for (let d = 0; d < r - 1; d++) at += (begin[d] + idx[d]) * strides[d];
    dst.set(src.subarray(at, at + inner), o);
    for (let d = r - 2; d >= 0; d--) {
      if (++idx[d] < size[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

const wasmOf = (args: KernelArgs): BackendWasm => kernelBackend(args) as BackendWasm;

function fastSlice(stock: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = input(args, 'x');
    if (x.dtype === 'string') return stock(args);
    const { begin, size } = attrsOf<{ begin: number | number[]; size: number | number[] }>(args);
    const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    return sliceHeap(wasmOf(args), x, b, s);
  };
}

function fastUnpack(stock: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const value = input(args, 'value');
    if (value.dtype === 'string') return stock(args);
    const rank = value.shape.length;
    let { axis } = attrsOf<{ axis: number }>(args);
    if (axis < 0) axis += rank;
    const outShape = value.shape.filter((_, i) => i !== axis);
    const begin = new Array<number>(rank).fill(0);
    const size = value.shape.slice();
    size[axis] = 1;
    const backend = wasmOf(args);
    return Array.from({ length: value.shape[axis] }, (_, i) => {
      begin[axis] = i;
      const { dataId, dtype } = sliceHeap(backend, value, begin, size);
      return { dataId, dtype, shape: outShape };
    });
  };
}

function fastSplitV(stock: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = input(args, 'x');
    if (x.dtype === 'string') return stock(args);
    const { numOrSizeSplits, axis } = attrsOf<{ numOrSizeSplits: number | number[]; axis: number }>(args);
    const ax = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, ax);
    const begin = new Array<number>(x.shape.length).fill(0);
    const backend = wasmOf(args);
    return sizes.map((s) => {
      const size = x.shape.slice();
      size[ax] = s;
      const out = sliceHeap(backend, x, begin, size);
      begin[ax] += s;
      return out;
    });
  };
}

/** The three kernels (wasm, around the stock ones). */
export const sliceKernels: readonly KernelDef[] = [
  { name: tf.Slice, backends: ['wasm'], fallback: 'stock', kernel: fastSlice },
  { name: tf.Unpack, backends: ['wasm'], fallback: 'stock', kernel: fastUnpack },
  { name: tf.SplitV, backends: ['wasm'], fallback: 'stock', kernel: fastSplitV },
];
