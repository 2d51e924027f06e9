/**
 * Dropout as one kernel (wasm and cpu), `TfaiDropout`, bit for bit what `tf.dropout(x, rate, noiseShape, seed)`
 * computes — a uniform draw of the noise shape from seedrandom's Alea seeded with `String(seed)` (tfjs's
 * `randomUniform`), `multiplier = floor(u + keep) / keep` and `x · multiplier` broadcast, all in float32 — without
 * its tensor upload, add, floor, div and mul. Outputs: y and the multiplier (the mask, of the noise shape), which the
 * backward reuses: dx = dy · mask (one multiply).
 *
 * Same seed, same mask as the composition: tfai's layers draw the seed from its global generator as before, so
 * `manualSeed` reproduces the masks the unfused path gave.
 */
import * as tf from '@tensorflow/tfjs';
import { attrsOf, input, kernelBackend, sizeOf, type KernelArgs } from './kernel-utils.js';
import { allocate, f32, type LoopBackend } from './fused-memory.js';

export const DROPOUT = 'TfaiDropout';

/** Attributes of {@link DROPOUT}: `noiseShape` of x's rank, each dimension x's or 1. */
export interface DropoutAttrs {
  rate: number;
  seed: number;
  noiseShape: number[];
}

/**
 * seedrandom's `alea(seed)` (Johannes Baagøe's Alea, as seedrandom 3 ships it and tfjs's `randomUniform` uses):
 * uniform doubles in [0, 1).
 * @example
 * ```ts
 * const next = alea('42');
 * next(); // the first value tf.randomUniform([1], 0, 1, 'float32', 42) holds (before rounding to float32)
 * ```
 */
export function alea(seed: string): () => number {
  let n = 0xefc8249d;
  const mash = (data: string): number => {
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000;
    }
    return (n >>> 0) * 2.3283064365386963e-10;
  };
  let c = 1;
  let s0 = mash(' ');
  let s1 = mash(' ');
  let s2 = mash(' ');
  s0 -= mash(seed);
  if (s0 < 0) s0 += 1;
  s1 -= mash(seed);
  if (s1 < 0) s1 += 1;
  s2 -= mash(seed);
  if (s2 < 0) s2 += 1;
  return () => {
    const t = 2091639 * s0 + c * 2.3283064365386963e-10;
    s0 = s1;
    s1 = s2;
    return (s2 = t - (c = t | 0));
  };
}

function dropout(name: LoopBackend): tf.KernelFunc {
  return (args: KernelArgs) => {
    const backend = kernelBackend(args);
    const x = input(args, 'x');
    const { rate, seed, noiseShape } = attrsOf<DropoutAttrs>(args);
    const [yInfo, maskInfo] = allocate(backend, name, [
      { shape: x.shape, dtype: 'float32' },
      { shape: noiseShape, dtype: 'float32' },
    ]);
    const X = f32(backend, name, x);
    const Y = f32(backend, name, yInfo);
    const M = f32(backend, name, maskInfo);
    const keep = Math.fround(1 - rate);
    const next = alea(String(seed));
    for (let k = 0; k < M.length; k++) M[k] = Math.floor(Math.fround(Math.fround(next()) + keep)) / keep;
    const size = sizeOf(x.shape);
    if (size === 0) return [yInfo, maskInfo];
    if (M.length === size) {
      for (let i = 0; i < size; i++) Y[i] = X[i] * M[i];
      return [yInfo, maskInfo];
    }
    // Broadcast: the mask's strides, 0 along the dimensions where the noise shape has 1.
    const rank = x.shape.length;
    const mStride = new Array<number>(rank).fill(0);
    for (let d = rank - 1, s = 1; d >= 0; d--) {
      mStride[d] = noiseShape[d] === 1 ? 0 : s;
      s *= noiseShape[d];
    }
    const idx = new Array<number>(rank).fill(0);
    const last = rank - 1;
    const inner = x.shape[last];
    const innerStride = mStride[last];
    let mBase = 0;
    for (let i = 0; i < size; i += inner) {
      for (let j = 0; j < inner; j++) Y[i + j] = X[i + j] * M[mBase + j * innerStride];
      // Advance the outer index (all dimensions but the last) by one.
      for (let d = last - 1; d >= 0; d--) {
        idx[d]++;
        mBase += mStride[d];
        if (idx[d] < x.shape[d]) break;
        mBase -= mStride[d] * idx[d];
        idx[d] = 0;
      }
    }
    return [yInfo, maskInfo];
  };
}

/** The kernel of each backend. */
export const dropoutKernel = (name: LoopBackend): tf.KernelConfig => ({ kernelName: DROPOUT, backendName: name, kernelFunc: dropout(name) });

/** The gradient of {@link DROPOUT}: dy times the saved mask. */
export const dropoutGradConfig: tf.GradConfig = {
  kernelName: DROPOUT,
  outputsToSave: [false, true],
  gradFunc: (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
    const dy = Array.isArray(dys) ? dys[0] : dys;
    const [mask] = saved;
    return { x: () => tf.mul(dy, mask) };
  },
};
