/**
 * Collaborative filtering's dot-product model (fastai's `EmbeddingDotBias`) as one kernel forward and one
 * backward, instead of four lookups, a product, a sum and an addN (and their gradients): the `embedding` fused
 * path ({@link fusedEnabled}); this package's kernels, registered through core's kernel registry. With codes
 * x: int32 [bs, 2] (user u, item i), tables uW: [nU, F], iW: [nI, F], uB: [nU, 1], iB: [nI, 1]:
 *
 *   out[b] = Σ_f uW[u, f]·iW[i, f] + uB[u] + iB[i]
 *   duW[u] += dy[b]·iW[i],  diW[i] += dy[b]·uW[u],  duB[u] += dy[b],  diB[i] += dy[b]   (dense, zeros elsewhere)
 *
 * Both are JS loops over the tensors' data (the wasm heap, or the cpu backend's arrays): the work is bs·F
 * multiply-adds, far less than the dispatch of the ops they replace. The dot accumulates in float64, so it
 * differs from the float32 composition by rounding only.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  allocate,
  f32,
  fusedEnabled,
  input,
  kernelBackend,
  loopKernelAvailable,
  memoryName,
  registerKernels,
  valuesOf,
  type KernelArgs,
  type KernelDef,
  type MemoryBackend,
} from '@tfai/core/internal';

export const DOT_BIAS = 'TfaiDotBias';
export const DOT_BIAS_GRAD = 'TfaiDotBiasGrad';

type Data = Float32Array | Int32Array;

/** The kernel's inputs' data and freshly allocated float32 outputs, on the wasm or cpu backend. */
function io(
  backend: tf.KernelBackend,
  name: MemoryBackend,
  inputs: tf.TensorInfo[],
  outShapes: number[][],
): { ins: Data[]; outs: Float32Array[]; infos: tf.TensorInfo[] } {
  const infos = allocate(
    backend,
    name,
    outShapes.map((shape) => ({ shape, dtype: 'float32' as const })),
  );
  // Views after the last allocation: the heap may grow and replace its buffer.
  return {
    ins: inputs.map((t) => valuesOf(backend, name, t)),
    outs: infos.map((t) => f32(backend, name, t)),
    infos,
  };
}

const dotBiasKernel =
  (name: MemoryBackend) =>
  (args: KernelArgs): tf.TensorInfo => {
    const backend = kernelBackend(args);
    const names = ['x', 'uWeight', 'iWeight', 'uBias', 'iBias'];
    const ts = names.map((n) => input(args, n));
    const [bs, f] = [ts[0].shape[0], ts[1].shape[1]];
    const { ins, outs, infos } = io(backend, name, ts, [[bs]]);
    const [x, uw, iw, ub, ib] = ins;
    const out = outs[0];
    for (let b = 0; b < bs; b++) {
      const [u, i] = [x[2 * b], x[2 * b + 1]];
      let s = 0;
      for (let k = 0, pu = u * f, pi = i * f; k < f; k++) s += uw[pu + k] * iw[pi + k];
      out[b] = s + ub[u] + ib[i];
    }
    return infos[0];
  };

const dotBiasGradKernel =
  (name: MemoryBackend) =>
  (args: KernelArgs): tf.TensorInfo[] => {
    const backend = kernelBackend(args);
    const ts = ['x', 'uWeight', 'iWeight', 'dy'].map((n) => input(args, n));
    const [nU, f] = ts[1].shape;
    const nI = ts[2].shape[0];
    const bs = ts[0].shape[0];
    const { ins, outs, infos } = io(backend, name, ts, [
      [nU, f],
      [nI, f],
      [nU, 1],
      [nI, 1],
    ]);
    const [x, uw, iw, dy] = ins;
    const [duw, diw, dub, dib] = outs;
    for (const o of outs) o.fill(0);
    for (let b = 0; b < bs; b++) {
      const [u, i, g] = [x[2 * b], x[2 * b + 1], dy[b]];
      for (let k = 0, pu = u * f, pi = i * f; k < f; k++) {
        duw[pu + k] += g * iw[pi + k];
        diw[pi + k] += g * uw[pu + k];
      }
      dub[u] += g;
      dib[i] += g;
    }
    return infos;
  };

/** The forward and backward kernels (wasm, cpu). */
export const dotBiasKernels: readonly KernelDef[] = [
  { name: DOT_BIAS, backends: ['wasm', 'cpu'], fallback: 'none', kernel: (b) => dotBiasKernel(memoryName(b)) },
  { name: DOT_BIAS_GRAD, backends: ['wasm', 'cpu'], fallback: 'none', kernel: (b) => dotBiasGradKernel(memoryName(b)) },
];

const fusedDotBias = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, uWeight, iWeight, uBias, iBias, save] = args as [
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
    tf.GradSaveFunc,
  ];
  save([x, uWeight, iWeight]);
  const value = tf.engine().runKernel(DOT_BIAS, { x, uWeight, iWeight, uBias, iBias }) as tf.Tensor;
  return {
    value,
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [sx, su, si] = saved;
      const g = tf
        .engine()
        .runKernel(DOT_BIAS_GRAD, { x: sx, uWeight: su, iWeight: si, dy: dy as tf.Tensor }) as tf.Tensor[];
      return [tf.zerosLike(sx), ...g];
    },
  };
});

/** Whether {@link dotBias} runs as one kernel here (the `embedding` fused path is on and the backend has it). */
export function dotBiasFused(): boolean {
  registerKernels(dotBiasKernels); // idempotent
  return fusedEnabled('embedding') && loopKernelAvailable(DOT_BIAS, DOT_BIAS_GRAD);
}

/**
 * `Σ_f uWeight[x[:, 0]]·iWeight[x[:, 1]] + uBias[x[:, 0]] + iBias[x[:, 1]]` → [bs], as one kernel (with its
 * gradient as another). Codes must be int32 and in range (not checked). Call only where {@link dotBiasFused}.
 * @example
 * ```ts
 * const out = dotBias(codes, uWeight, iWeight, uBias, iBias); // [bs]
 * ```
 */
export function dotBias(
  x: tf.Tensor,
  uWeight: tf.Tensor,
  iWeight: tf.Tensor,
  uBias: tf.Tensor,
  iBias: tf.Tensor,
): tf.Tensor {
  return fusedDotBias(x, uWeight, iWeight, uBias, iBias) as tf.Tensor;
}
