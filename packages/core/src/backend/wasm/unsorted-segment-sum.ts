/**
 * `UnsortedSegmentSum` (the gradient of `gather`, hence of every embedding lookup), which tfjs-backend-wasm 4.22
 * lacks, as one `ScatterNd`.
 *
 * With x: [n, ...rest] and segment ids s: [n] (or any shape whose size is n, with x reshaped to match),
 *
 *   out[k, ...] = Σ_{i : s[i] = k} x[i, ...]      for k in [0, numSegments)
 *
 * which is exactly `scatterND(indices = s as [n, 1], updates = x, shape = [numSegments, ...rest])`: wasm's
 * ScatterNd starts from zeros and sums the updates of repeated indices, in one pass over x. Ids outside
 * [0, numSegments) contribute nothing (TensorFlow drops negative ids); they are sent to a scratch row that is then
 * sliced off, so ScatterNd never writes out of bounds.
 */
import * as tf from '@tensorflow/tfjs-core';
import { attrsOf, withOps, input, kernelBackend, type KernelArgs } from '../kernel-utils.js';
import { sizeOf } from '../memory.js';
import type { KernelDef } from '../registry.js';

export function unsortedSegmentSum(args: KernelArgs): tf.TensorInfo {
  const backend = kernelBackend(args);
  const x = input(args, 'x');
  const segmentIds = input(args, 'segmentIds');
  const { numSegments } = attrsOf<{ numSegments: number }>(args);
  const n = sizeOf(segmentIds.shape);
  const rest = x.shape.slice(segmentIds.shape.length);

  const ids = backend.readSync(segmentIds.dataId);
  if (!(ids instanceof Int32Array)) throw new Error('UnsortedSegmentSum: segmentIds must be int32');
  let outOfRange = false;
  for (let i = 0; i < n; i++) {
    if (!(ids[i] >= 0 && ids[i] < numSegments)) {
      outOfRange = true;
      break;
    }
  }
  return withOps(backend, 'wasm', (ops) => {
    let indices: tf.TensorInfo;
    if (outOfRange) {
      const inRange = (id: number): boolean => id >= 0 && id < numSegments;
      const safe = Int32Array.from(ids.subarray(0, n), (id) => (inRange(id) ? id : numSegments));
      indices = ops.fromValues(safe, [n, 1], 'int32');
    } else {
      indices = ops.reshape(segmentIds, [n, 1]);
    }
    const rows = outOfRange ? numSegments + 1 : numSegments;
    const updates = ops.reshape(x, [n, ...rest]);
    let out = ops.run('ScatterNd', { indices, updates }, { shape: [rows, ...rest] });
    if (outOfRange) out = ops.slice(out, [0, ...rest.map(() => 0)], [numSegments, ...rest]);
    return out;
  });
}

/** The kernel (wasm). */
export const unsortedSegmentSumKernels: readonly KernelDef[] = [
  { name: tf.UnsortedSegmentSum, backends: ['wasm'], fallback: 'none', kernel: () => unsortedSegmentSum },
];
