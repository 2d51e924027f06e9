/**
 * wasm's `Identity` sharing the input's memory (one more reference, as wasm's own `Reshape` does and as the cpu
 * backend's `Identity` does) instead of tfjs-backend-wasm 4.22's copy of the whole tensor. The engine runs Identity
 * for `tf.clone`, for every custom gradient's inputs and outputs, and inside gradients: the AWD-LSTM classifier's
 * step ran it ~1,000 times, copying its activations each time. Nothing writes a tensor's memory after it is made
 * (tfjs's kernels write only their outputs; tfai's optimizer writes its state in place only when it is the memory's
 * sole holder, by this very reference count), so sharing is safe. String tensors keep the stock kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { attrsOf, input, kernelBackend, type KernelArgs } from '../kernel-utils.js';
import type { KernelDef } from '../registry.js';

export function sharedIdentity(stock: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = input(args, 'x');
    if (x.dtype === 'string') return stock(args);
    kernelBackend(args).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

/**
 * wasm's `Cast` to the tensor's own dtype sharing its memory, as the cpu backend's does (tfjs-backend-wasm 4.22
 * copies it): Relu's gradient casts `step(x)`, already float32, to float32 once per ReLU. Other casts: stock.
 */
export function sharedCast(stock: tf.KernelFunc): tf.KernelFunc {
  const share = sharedIdentity(stock);
  return (args: KernelArgs) => {
    const x = input(args, 'x');
    const { dtype } = attrsOf<{ dtype?: tf.DataType }>(args);
    return x.dtype === dtype && dtype !== 'string' && dtype !== 'complex64' ? share(args) : stock(args);
  };
}

/** The kernels (wasm, around the stock ones). */
export const identityKernels: readonly KernelDef[] = [
  { name: tf.Identity, backends: ['wasm'], fallback: 'stock', kernel: sharedIdentity },
  { name: tf.Cast, backends: ['wasm'], fallback: 'stock', kernel: sharedCast },
];
