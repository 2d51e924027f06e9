/**
 * Dropout as one kernel (wasm and cpu), `TfaiDropout`, bit for bit what `tf.dropout(x, rate, noiseShape, seed)`
 * computes — a uniform draw of the noise shape from seedrandom's Alea seeded with `String(seed)` (tfjs's
 * `randomUniform`), `multiplier = floor(u + keep) / keep` written straight into the backend's memory, and
 * `x · multiplier` broadcast by the backend's own Multiply — without the composition's tensor upload, add, floor and
 * div (the draw itself, a JS loop in both, is most of the time on large tensors). Outputs: y and the multiplier (the
 * mask, of the noise shape), which the backward reuses: dx = dy · mask (one multiply).
 *
 * Same seed, same mask as the composition: tfai's layers draw the seed from its global generator as before, so
 * `manualSeed` reproduces the masks the unfused path gave.
 */
import * as tf from '@tensorflow/tfjs-core';
import { attrsOf, input, kernelBackend, type KernelArgs } from '../kernel-utils.js';
import { type MemoryBackend, allocate, f32, memoryName } from '../memory.js';
import type { KernelDef } from '../registry.js';

export const DROPOUT = 'TfaiDropout';

/** Attributes of {@link DROPOUT}: `noiseShape` of x's rank, each dimension x's or 1. */
export interface DropoutAttrs {
  rate: number;
  seed: number;
  noiseShape: number[];
}

/** Alea's state after seeding (seedrandom's `Alea` constructor): three fractions and a carry. */
interface AleaState {
  s0: number;
  s1: number;
  s2: number;
  c: number;
}

function aleaSeed(seed: string): AleaState {
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
  const st = { s0: mash(' '), s1: mash(' '), s2: mash(' '), c: 1 };
  st.s0 -= mash(seed);
  if (st.s0 < 0) st.s0 += 1;
  st.s1 -= mash(seed);
  if (st.s1 < 0) st.s1 += 1;
  st.s2 -= mash(seed);
  if (st.s2 < 0) st.s2 += 1;
  return st;
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
  const st = aleaSeed(seed);
  return () => {
    const t = 2091639 * st.s0 + st.c * 2.3283064365386963e-10;
    st.s0 = st.s1;
    st.s1 = st.s2;
    return (st.s2 = t - (st.c = t | 0));
  };
}

/** Fills `out` with `floor(u + keep) / keep` of successive Alea draws u rounded to float32 (as tf.dropout's multiplier). */
function fillMask(out: Float32Array, seed: string, keep: number): void {
  const st = aleaSeed(seed);
  let { s0, s1, s2, c } = st;
  const scale = 1 / keep;
  for (let k = 0; k < out.length; k++) {
    const t = 2091639 * s0 + c * 2.3283064365386963e-10;
    s0 = s1;
    s1 = s2;
    c = Math.trunc(t); // = t | 0 (0 ≤ t < 2^31), without the int conversion
    s2 = t - c;
    // floor(u + keep) is 0 or 1 (branch-free: a random branch mispredicts half the time); 1 / keep in float64
    // rounds to float32 as tfjs's float32 division does.
    out[k] = Math.floor(Math.fround(Math.fround(s2) + keep)) * scale;
  }
}

function dropout(name: MemoryBackend): tf.KernelFunc {
  return (args: KernelArgs) => {
    const backend = kernelBackend(args);
    const x = input(args, 'x');
    const { rate, seed, noiseShape } = attrsOf<DropoutAttrs>(args);
    const [maskInfo] = allocate(backend, name, [{ shape: noiseShape, dtype: 'float32' }]);
    fillMask(f32(backend, name, maskInfo), String(seed), Math.fround(1 - rate));
    // x · mask by the backend's own Multiply (broadcasting, SIMD on wasm): the product tf.dropout computes.
    const multiply = tf.getKernel(tf.Multiply, name);
    if (!multiply) throw new Error(`${DROPOUT}: no Multiply kernel on ${name}`);
    const y = multiply.kernelFunc({ inputs: { a: x, b: maskInfo }, backend, attrs: {} });
    if (Array.isArray(y)) throw new Error(`${DROPOUT}: Multiply returned several outputs`);
    return [y, maskInfo];
  };
}

/** The kernel (wasm, cpu). */
export const dropoutKernels: readonly KernelDef[] = [
  { name: DROPOUT, backends: ['wasm', 'cpu'], fallback: 'none', kernel: (b) => dropout(memoryName(b)) },
];
