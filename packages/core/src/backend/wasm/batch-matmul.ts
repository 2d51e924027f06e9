/**
 * `BatchMatMul` and `_FusedMatMul` routed to XNNPACK whenever possible.
 *
 * tfjs-backend-wasm 4.22 hands a matrix product to XNNPACK's fully-connected operator only when neither operand
 * is transposed and both have batch size 1; anything else (every dense layer's backward pass: dW = xᵀ·dy,
 * dx = dy·Wᵀ) runs in a blocked scalar loop, an order of magnitude slower. So before calling the stock kernel:
 *
 * - a transposed operand is transposed for real (Aᵀ is materialised, O(size) against the product's O(m·k·n));
 * - a batch of left operands against one right operand, A: [B, m, k] · W: [1, k, n], is one product
 *   [1, B·m, k] · [1, k, n] (the batch folded into the rows), reshaped back to [B, m, n].
 *
 * Genuinely batched products (both operands with batch > 1) stay with the stock loop.
 */
import * as tf from '@tensorflow/tfjs-core';
import { attrsOf, withOps, input, kernelBackend, type KernelArgs, type Ops } from '../kernel-utils.js';
import { sizeOf } from '../memory.js';
import type { KernelDef } from '../registry.js';

interface Attrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** Swaps the last two axes of a rank ≥ 2 tensor. */
function transposeLast2(ops: Ops, x: tf.TensorInfo): tf.TensorInfo {
  const r = x.shape.length;
  const perm = [...Array(r).keys()];
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return ops.transpose(x, perm);
}

/** Wraps the stock `BatchMatMul` / `_FusedMatMul` kernel function. */
export function fastMatMul(stock: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const backend = kernelBackend(args);
    let a = input(args, 'a');
    let b = input(args, 'b');
    const attrs = attrsOf<Attrs>(args);
    const batchA = sizeOf(a.shape.slice(0, -2));
    const batchB = sizeOf(b.shape.slice(0, -2));
    // Bias / PReLU weights of _FusedMatMul broadcast against [.., m, n]; fold only when they are per-column.
    const extrasPerColumn = Object.entries(args.inputs).every(
      ([name, t]) => name === 'a' || name === 'b' || !t || t.shape.length <= 1,
    );
    const foldBatch = batchA > 1 && batchB === 1 && extrasPerColumn;
    if (!attrs.transposeA && !attrs.transposeB && !foldBatch) return stock(args);
    return withOps(backend, 'wasm', (ops) => {
      if (attrs.transposeA) a = transposeLast2(ops, a);
      if (attrs.transposeB) b = transposeLast2(ops, b);
      const [m, k] = a.shape.slice(-2);
      const n = b.shape[b.shape.length - 1];
      const batch = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
      const outShape = [...batch, m, n];
      if (foldBatch) {
        a = ops.reshape(a, [1, batchA * m, k]);
        b = ops.reshape(b, [1, k, n]);
      }
      const plain = { ...attrs, transposeA: false, transposeB: false };
      const res = stock({ ...args, inputs: { ...args.inputs, a, b }, attrs: plain });
      if (Array.isArray(res)) throw new Error('matMul returned several outputs');
      let out = res;
      if (res.shape.join() !== outShape.join()) {
        out = ops.reshape(res, outShape);
        backend.disposeData(res.dataId);
      }
      return out;
    });
  };
}

/** The kernels (wasm, around the stock one). */
export const matMulKernels: readonly KernelDef[] = [
  { name: tf.BatchMatMul, backends: ['wasm'], fallback: 'stock', kernel: fastMatMul },
  { name: tf._FusedMatMul, backends: ['wasm'], fallback: 'stock', kernel: fastMatMul },
];
