/**
 * fastai's flat cross-entropy (mean reduction, optional label smoothing ε and ignored index) as one kernel
 * (wasm and cpu), in place of log-softmax + one-hot + the products and sums (≈ 12 kernels) and their gradients.
 *
 * `TfaiCrossEntropy`, logits: [..., C] seen as [N, C], targets: N class indices (int32, or floats truncated as
 * `toInt()` does). Per row i, with lse_i = log Σ_j exp(x_ij) (shifted by the row's max) and t = target_i:
 *
 *   nll_i = lse_i − x_it  (0 when t is outside [0, C), as a one-hot row of zeros gives)
 *   per_i = (1 − ε) · nll_i + ε · (lse_i − mean_j x_ij)
 *   loss  = Σ keep_i · per_i / K,   keep_i = [t ≠ ignoreIndex],  K = N without ignoreIndex, else max(Σ keep, 1)
 *
 * The same pass writes the gradient for an upstream 1, the second output:
 *
 *   g_ij = keep_i / K · ((1 − ε) · (p_ij − [j = t]) + ε · (p_ij − 1 / C)),   p = softmax(x)
 *
 * (the (1 − ε) term absent when t is out of range); the backward is then `dy · g` (one multiply, through
 * `tf.customGrad` in backend/fused-ops.ts). Row sums run in float64.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { attrsOf, input, kernelBackend, type KernelArgs } from '../kernel-utils.js';
import { type MemoryBackend, allocate, f32, sizeOf, valuesOf, memoryName } from '../memory.js';
import type { KernelDef } from '../registry.js';

export const CROSS_ENTROPY = 'TfaiCrossEntropy';

/** Attributes of {@link CROSS_ENTROPY}; `ignoreIndex` counts only with `hasIgnore`. */
export interface CrossEntropyAttrs {
  labelSmoothing: number;
  hasIgnore: boolean;
  ignoreIndex: number;
}

function crossEntropy(name: MemoryBackend): tf.KernelFunc {
  return (args: KernelArgs) => {
    const backend = kernelBackend(args);
    const logits = input(args, 'logits');
    const target = input(args, 'target');
    const { labelSmoothing: eps, hasIgnore, ignoreIndex } = attrsOf<CrossEntropyAttrs>(args);
    const c = logits.shape[logits.shape.length - 1];
    const n = sizeOf(logits.shape) / c;
    const [lossInfo, gradInfo] = allocate(backend, name, [
      { shape: [], dtype: 'float32' },
      { shape: logits.shape, dtype: 'float32' },
    ]);
    const X = f32(backend, name, logits);
    const T = valuesOf(backend, name, target);
    const G = f32(backend, name, gradInfo);
    const L = f32(backend, name, lossInfo);
    const isInt = T instanceof Int32Array;
    let kept = 0;
    if (hasIgnore) for (let i = 0; i < n; i++) kept += (isInt ? T[i] : Math.trunc(T[i])) !== ignoreIndex ? 1 : 0;
    const k = hasIgnore ? Math.max(kept, 1) : n;
    const lnw = 1 - eps;
    const smooth = eps / c;
    let total = 0;
    for (let i = 0, base = 0; i < n; i++, base += c) {
      const raw = T[i];
      const t = isInt ? raw : Number.isFinite(raw) ? Math.trunc(raw) : 0;
      if (hasIgnore && t === ignoreIndex) {
        for (let j = 0; j < c; j++) G[base + j] = 0;
        continue;
      }
      let max = -Infinity;
      for (let j = 0; j < c; j++) if (X[base + j] > max) max = X[base + j];
      // exp(x − max) goes into G, then G is scaled to the gradient: one exp per element.
      let s = 0;
      let sx = 0;
      for (let j = 0; j < c; j++) {
        const v = X[base + j];
        const e = Math.exp(v - max);
        G[base + j] = e;
        s += e;
        sx += v;
      }
      const lse = max + Math.log(s);
      const inRange = t >= 0 && t < c;
      const nll = inRange ? lse - X[base + t] : 0;
      total += eps > 0 ? lnw * nll + eps * (lse - sx / c) : nll;
      const scale = 1 / k;
      const hot = inRange ? lnw : 0;
      const pw = ((hot + eps) * scale) / s;
      const sub = smooth * scale;
      for (let j = 0; j < c; j++) G[base + j] = G[base + j] * pw - sub;
      if (inRange) G[base + t] -= hot * scale;
    }
    L[0] = total / k;
    return [lossInfo, gradInfo];
  };
}

/** The kernel (wasm, cpu). */
export const crossEntropyKernels: readonly KernelDef[] = [
  { name: CROSS_ENTROPY, backends: ['wasm', 'cpu'], fallback: 'none', kernel: (b) => crossEntropy(memoryName(b)) },
];
