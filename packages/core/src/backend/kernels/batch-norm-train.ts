/**
 * BatchNorm in training mode as two kernels (wasm and cpu), in place of the ~10 of `tf.moments` + `tf.batchNorm`
 * + the running-statistics update forward and the ~20 of their gradients backward.
 *
 * Forward, `TfaiBatchNormTrain`, x: [..., C] seen as [n, C] (NHWC: n = N·H·W):
 *
 *   mean_c = Σ x / n,  var_c = Σ (x − mean)² / n (biased, for normalising),  invstd_c = 1 / √(var_c + eps)
 *   y = (x − mean) · invstd · w + b
 *   running_mean ← (1 − m) · running_mean + m · mean,  running_var ← (1 − m) · running_var + m · var · n / (n − 1)
 *   num_batches_tracked ← num_batches_tracked + 1
 *
 * (PyTorch's update; n / max(n − 1, 1) as tfai's BatchNorm always had). The sums run in float64 in one pass over x,
 * shifted by the first row (so Σd² − (Σd)²/n does not cancel); a second pass writes y. Outputs: y, stats [3, C]
 * (mean, invstd, w — 1 without affine — which is all the backward needs besides x), and the three new running
 * values, which BatchNorm assigns to its buffers (no read back to JS).
 *
 * Backward, `TfaiBatchNormTrainGrad` (dy, x, stats), with x̂ = (x − mean) · invstd:
 *
 *   db = Σ dy,  dw = Σ dy · x̂,  dx = w · invstd · (dy − db / n − x̂ · dw / n)
 *
 * in two passes (the sums, then dx). backend/fused-ops.ts ties the two together with `tf.customGrad`.
 *
 * On wasm the passes run in the SIMD module (./simd/simd-kernels.ts): the sums in float64 two channels per
 * instruction (the same operations in the same order as the JS loops, so the same sums), the y and dx passes in
 * float32 four channels per instruction (their per-channel coefficients rounded to float32 once; the JS loops, used
 * on cpu and with `TFAI_FUSED=-simd`, keep them in float64: the two agree to a few float32 ulps).
 *
 * With a ReLU fused in (attribute `act`, the same on both kernels; `'none'` is the above unchanged):
 *
 *   reluAfter:  y = max(0, bn(x));  backward: the above with g = y > 0 ? dy : 0 in place of dy (`y`, the forward's
 *               output, a fourth input of the backward)
 *   reluBefore: y = bn(max(0, x)) (statistics of the rectified input);  backward: the above over x⁺ = max(0, x),
 *               then dx = x > 0 ? dx⁺ : 0
 *
 * (the mask and the rectification are applied as each element is read, so neither costs a pass over memory).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { attrsOf, input, kernelBackend, type KernelArgs } from '../kernel-utils.js';
import { type MemoryBackend, allocate, f32, i32, sizeOf, memoryName } from '../memory.js';

import { simdKernels } from '../wasm/simd/simd-kernels.js';
import type { KernelDef } from '../registry.js';

export const BATCH_NORM_TRAIN = 'TfaiBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD = 'TfaiBatchNormTrainGrad';

/** A ReLU fused into the BatchNorm kernels: none, `relu(bn(x))` or `bn(relu(x))`. */
export type BatchNormAct = 'none' | 'reluAfter' | 'reluBefore';

/** Attributes of {@link BATCH_NORM_TRAIN}. */
export interface BatchNormTrainAttrs {
  eps: number;
  momentum: number;
  /** The fused ReLU (default `'none'`). */
  act?: BatchNormAct;
}

/** Attributes of {@link BATCH_NORM_TRAIN_GRAD}: the forward's `act` (default `'none'`). */
export interface BatchNormTrainGradAttrs {
  act?: BatchNormAct;
}

/**
 * On wasm with the SIMD module: `floats` float32 of scratch heap memory, also viewed as float64 from its start,
 * and the module. Allocate it with the outputs, before any other view is taken; `free` it at the end.
 */
function simdScratch(backend: tf.KernelBackend, name: MemoryBackend, n: number, floats: number) {
  const simd = name === 'wasm' && n > 0 ? simdKernels() : undefined;
  if (!simd) return undefined;
  const [t] = allocate(backend, name, [{ shape: [floats], dtype: 'float32' }]);
  const free = () => backend.disposeData(t.dataId);
  const single = f32(backend, name, t);
  // The heap's allocator aligns to 8 bytes or more; anything else takes the JS loops.
  if (single.byteOffset % 8 !== 0) return void free();
  return { simd, f32: single, f64: new Float64Array(single.buffer, single.byteOffset, floats >> 1), free };
}

/**
 * Per channel of `X` `[n, c]`: `shift` (the channel's first value) and the float64 sums of `x − shift` and its
 * square (in `fast`'s scratch, by the SIMD loop, when there is one).
 */
function channelSums(
  fast: ReturnType<typeof simdScratch>,
  X: Float32Array,
  n: number,
  c: number,
  relu: boolean,
): { shift: Float64Array; s1: Float64Array; s2: Float64Array } {
  const shift = fast ? fast.f64.subarray(0, c) : new Float64Array(c);
  const s1 = fast ? fast.f64.subarray(c, 2 * c).fill(0) : new Float64Array(c);
  const s2 = fast ? fast.f64.subarray(2 * c, 3 * c).fill(0) : new Float64Array(c);
  if (n > 0) for (let j = 0; j < c; j++) shift[j] = relu ? Math.max(X[j], 0) : X[j];
  if (fast) {
    const ptrs = [X.byteOffset, shift.byteOffset, s1.byteOffset, s2.byteOffset] as const;
    if (relu) fast.simd.bnStatsRelu(n, c, ...ptrs);
    else fast.simd.bnStats(n, c, ...ptrs);
  } else if (relu)
    for (let r = 0, base = 0; r < n; r++, base += c) {
      for (let j = 0; j < c; j++) {
        const d = Math.max(X[base + j], 0) - shift[j];
        s1[j] += d;
        s2[j] += d * d;
      }
    }
  else
    for (let r = 0, base = 0; r < n; r++, base += c) {
      for (let j = 0; j < c; j++) {
        const d = X[base + j] - shift[j];
        s1[j] += d;
        s2[j] += d * d;
      }
    }
  return { shift, s1, s2 };
}

function batchNormTrain(name: MemoryBackend): tf.KernelFunc {
  return (args: KernelArgs) => {
    const backend = kernelBackend(args);
    const x = input(args, 'x');
    const rm = input(args, 'runningMean');
    const rv = input(args, 'runningVar');
    const count = input(args, 'numBatchesTracked');
    const scale = args.inputs.scale;
    const offset = args.inputs.offset;
    const { eps, momentum, act = 'none' } = attrsOf<BatchNormTrainAttrs>(args);
    const c = x.shape[x.shape.length - 1];
    const n = sizeOf(x.shape) / c;
    const outs = allocate(backend, name, [
      { shape: x.shape, dtype: 'float32' },
      { shape: [3, c], dtype: 'float32' },
      { shape: [c], dtype: 'float32' },
      { shape: [c], dtype: 'float32' },
      { shape: count.shape, dtype: 'int32' },
    ]);
    // SIMD: float64 shift, s1, s2 (floats 0…6c), then float32 shift, a and c for the output pass.
    const fast = simdScratch(backend, name, n, 9 * c);
    const X = f32(backend, name, x);
    const Y = f32(backend, name, outs[0]);
    const stats = f32(backend, name, outs[1]);
    const RM = f32(backend, name, rm);
    const RV = f32(backend, name, rv);
    const W = scale ? f32(backend, name, scale) : undefined;
    const B = offset ? f32(backend, name, offset) : undefined;

    const { shift, s1, s2 } = channelSums(fast, X, n, c, act === 'reluBefore');
    const a = new Float64Array(c);
    const b = new Float64Array(c);
    const newMean = f32(backend, name, outs[2]);
    const newVar = f32(backend, name, outs[3]);
    const unbias = n / Math.max(n - 1, 1);
    for (let j = 0; j < c; j++) {
      const m1 = s1[j] / n;
      const mean = shift[j] + m1;
      const variance = Math.max(s2[j] / n - m1 * m1, 0);
      const invstd = 1 / Math.sqrt(variance + eps);
      const w = W ? W[j] : 1;
      stats[j] = mean;
      stats[c + j] = invstd;
      stats[2 * c + j] = w;
      a[j] = w * invstd;
      b[j] = (B ? B[j] : 0) - mean * a[j];
      newMean[j] = (1 - momentum) * RM[j] + momentum * mean;
      newVar[j] = (1 - momentum) * RV[j] + momentum * variance * unbias;
    }
    if (fast) {
      // y = (x − shift)·a + (b + (shift − mean)·a) in float32, four channels per instruction: shift is the channel's
      // first value, so x − shift is exact for x near it and a batch of one gives b exactly.
      const [s32, a32, c32] = [6, 7, 8].map((q) => fast.f32.subarray(q * c, (q + 1) * c));
      for (let j = 0; j < c; j++) {
        s32[j] = shift[j];
        a32[j] = a[j];
        c32[j] = b[j] + shift[j] * a[j];
      }
      const ptrs = [X.byteOffset, Y.byteOffset, s32.byteOffset, a32.byteOffset, c32.byteOffset] as const;
      if (act === 'reluAfter') fast.simd.bnAffineRelu(n, c, ...ptrs);
      else if (act === 'reluBefore') fast.simd.bnReluAffine(n, c, ...ptrs);
      else fast.simd.bnAffine(n, c, ...ptrs);
    } else if (act === 'reluAfter')
      for (let r = 0, base = 0; r < n; r++, base += c) {
        for (let j = 0; j < c; j++) Y[base + j] = Math.max(X[base + j] * a[j] + b[j], 0);
      }
    else if (act === 'reluBefore')
      for (let r = 0, base = 0; r < n; r++, base += c) {
        for (let j = 0; j < c; j++) Y[base + j] = Math.max(X[base + j], 0) * a[j] + b[j];
      }
    else
      for (let r = 0, base = 0; r < n; r++, base += c) {
        for (let j = 0; j < c; j++) Y[base + j] = X[base + j] * a[j] + b[j];
      }
    fast?.free();
    const C = i32(backend, name, count);
    const newCount = i32(backend, name, outs[4]);
    for (let k = 0; k < C.length; k++) newCount[k] = C[k] + 1;
    return outs;
  };
}

function batchNormTrainGrad(name: MemoryBackend): tf.KernelFunc {
  return (args: KernelArgs) => {
    const backend = kernelBackend(args);
    const dy = input(args, 'dy');
    const x = input(args, 'x');
    const st = input(args, 'stats');
    const { act = 'none' } = attrsOf<BatchNormTrainGradAttrs>(args);
    const y = act === 'reluAfter' ? input(args, 'y') : undefined;
    const c = x.shape[x.shape.length - 1];
    const n = sizeOf(x.shape) / c;
    const outs = allocate(backend, name, [
      { shape: x.shape, dtype: 'float32' },
      { shape: [c], dtype: 'float32' },
      { shape: [c], dtype: 'float32' },
    ]);
    // SIMD: float64 sdy, sdyx, mean (floats 0…6c), then float32 k1, k2, mean and k3 for the dx pass.
    const fast = simdScratch(backend, name, n, 10 * c);
    const DY = f32(backend, name, dy);
    const X = f32(backend, name, x);
    const S = f32(backend, name, st);
    const Yv = y ? f32(backend, name, y) : undefined;
    const DX = f32(backend, name, outs[0]);
    const dw = f32(backend, name, outs[1]);
    const db = f32(backend, name, outs[2]);
    const sdy = fast ? fast.f64.subarray(0, c).fill(0) : new Float64Array(c);
    const sdyx = fast ? fast.f64.subarray(c, 2 * c).fill(0) : new Float64Array(c); // Σ dy · (x − mean)
    const mean = fast ? fast.f64.subarray(2 * c, 3 * c) : new Float64Array(c);
    for (let j = 0; j < c; j++) mean[j] = S[j];
    if (fast) {
      const ptrs = [DY.byteOffset, X.byteOffset, mean.byteOffset, sdy.byteOffset, sdyx.byteOffset] as const;
      if (Yv) fast.simd.bnGradStatsMask(n, c, ...ptrs, Yv.byteOffset);
      else if (act === 'reluBefore') fast.simd.bnGradStatsRelu(n, c, ...ptrs);
      else fast.simd.bnGradStats(n, c, ...ptrs);
    } else if (Yv)
      for (let r = 0, base = 0; r < n; r++, base += c) {
        for (let j = 0; j < c; j++) {
          const g = Yv[base + j] > 0 ? DY[base + j] : 0;
          sdy[j] += g;
          sdyx[j] += g * (X[base + j] - mean[j]);
        }
      }
    else if (act === 'reluBefore')
      for (let r = 0, base = 0; r < n; r++, base += c) {
        for (let j = 0; j < c; j++) {
          const g = DY[base + j];
          sdy[j] += g;
          sdyx[j] += g * (Math.max(X[base + j], 0) - mean[j]);
        }
      }
    else
      for (let r = 0, base = 0; r < n; r++, base += c) {
        for (let j = 0; j < c; j++) {
          const g = DY[base + j];
          sdy[j] += g;
          sdyx[j] += g * (X[base + j] - mean[j]);
        }
      }
    // dx = k1 · dy + k2 · (x − mean) + k3
    const k1 = new Float64Array(c);
    const k2 = new Float64Array(c);
    const k3 = new Float64Array(c);
    for (let j = 0; j < c; j++) {
      const invstd = S[c + j];
      const w = S[2 * c + j];
      db[j] = sdy[j];
      dw[j] = sdyx[j] * invstd;
      k1[j] = w * invstd;
      k2[j] = n > 0 ? (-w * invstd * invstd * invstd * sdyx[j]) / n : 0;
      k3[j] = n > 0 ? (-w * invstd * sdy[j]) / n : 0;
    }
    if (fast) {
      // In float32, four channels per instruction (the coefficients rounded once).
      const [k1f, k2f, mf, k3f] = [6, 7, 8, 9].map((q) => fast.f32.subarray(q * c, (q + 1) * c));
      k1f.set(k1);
      k2f.set(k2);
      mf.set(S.subarray(0, c));
      k3f.set(k3);
      const ks = [k1f.byteOffset, k2f.byteOffset, mf.byteOffset, k3f.byteOffset] as const;
      if (Yv) fast.simd.bnAffineGradMask(n, c, DY.byteOffset, X.byteOffset, DX.byteOffset, Yv.byteOffset, ...ks);
      else if (act === 'reluBefore')
        fast.simd.bnReluAffineGrad(n, c, DY.byteOffset, X.byteOffset, DX.byteOffset, ...ks);
      else fast.simd.bnAffineGrad(n, c, DY.byteOffset, X.byteOffset, DX.byteOffset, ...ks);
    } else if (Yv)
      for (let r = 0, base = 0; r < n; r++, base += c) {
        for (let j = 0; j < c; j++) {
          const g = Yv[base + j] > 0 ? DY[base + j] : 0;
          DX[base + j] = k1[j] * g + k2[j] * (X[base + j] - mean[j]) + k3[j];
        }
      }
    else if (act === 'reluBefore')
      for (let r = 0, base = 0; r < n; r++, base += c) {
        for (let j = 0; j < c; j++) {
          const v = X[base + j];
          DX[base + j] = v > 0 ? k1[j] * DY[base + j] + k2[j] * (v - mean[j]) + k3[j] : 0;
        }
      }
    else
      for (let r = 0, base = 0; r < n; r++, base += c) {
        for (let j = 0; j < c; j++) DX[base + j] = k1[j] * DY[base + j] + k2[j] * (X[base + j] - mean[j]) + k3[j];
      }
    fast?.free();
    return outs;
  };
}

/** The forward and backward kernels (wasm, cpu). */
export const batchNormKernels: readonly KernelDef[] = [
  { name: BATCH_NORM_TRAIN, backends: ['wasm', 'cpu'], fallback: 'none', kernel: (b) => batchNormTrain(memoryName(b)) },
  {
    name: BATCH_NORM_TRAIN_GRAD,
    backends: ['wasm', 'cpu'],
    fallback: 'none',
    kernel: (b) => batchNormTrainGrad(memoryName(b)),
  },
];
