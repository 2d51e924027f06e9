/**
 * `Tile` for wasm as a broadcast, replacing tfjs-backend-wasm's per-element index loop. tfjs's batchNorm gradient
 * tiles per-channel vectors to the full activation shape, so this runs on every normalised layer.
 *
 * Tiling x: [d0, d1, …] by reps [r0, r1, …] gives out[i0·d0 + j0, i1·d1 + j1, …] = x[j0, j1, …], i.e. out
 * viewed as [r0, d0, r1, d1, …] is x viewed as [1, d0, 1, d1, …] broadcast. Dropping the axes of size 1 and
 * merging neighbours that are both broadcast or both copied leaves a short shape (for a per-channel vector:
 * [N·H·W, C] from [1, C]); the broadcast itself is an XNNPACK `Add` of x to zeros. Float32 only, and at most 4
 * merged axes; anything else goes to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { attrsOf, withOps, input, kernelBackend, type KernelArgs } from '../kernel-utils.js';
import { sizeOf } from '../memory.js';
import type { KernelDef } from '../registry.js';

/** The merged [outShape, xShape] of the broadcast that tiles `shape` by `reps`. */
export function tileAsBroadcast(shape: readonly number[], reps: readonly number[]): [number[], number[]] {
  const out: number[] = [];
  const src: number[] = [];
  const pairs = shape.flatMap((d, i): [number, number][] => [
    [reps[i], 1],
    [d, d],
  ]);
  for (const [o, x] of pairs) {
    if (o === 1) continue;
    const last = out.length - 1;
    if (last >= 0 && (src[last] === 1) === (x === 1)) {
      out[last] *= o;
      src[last] *= x;
    } else {
      out.push(o);
      src.push(x);
    }
  }
  return [out, src];
}

export function fastTile(stock: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = input(args, 'x');
    const { reps } = attrsOf<{ reps: number[] }>(args);
    const [outShape, xShape] = tileAsBroadcast(x.shape, reps);
    if (x.dtype !== 'float32' || sizeOf(x.shape) === 0 || outShape.length > 4) return stock(args);
    return withOps(kernelBackend(args), 'wasm', (ops) => {
      const zeros = ops.run('Fill', {}, { shape: outShape, value: 0, dtype: 'float32' });
      const sum = ops.run('Add', { a: zeros, b: ops.reshape(x, xShape) });
      return ops.reshape(
        sum,
        x.shape.map((d, i) => d * reps[i]),
      );
    });
  };
}

/** The kernel (wasm, around the stock one). */
export const tileKernels: readonly KernelDef[] = [
  { name: tf.Tile, backends: ['wasm'], fallback: 'stock', kernel: fastTile },
];
