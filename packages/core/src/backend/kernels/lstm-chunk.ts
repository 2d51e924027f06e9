/**
 * One LSTM layer (one direction) over a whole chunk of time steps as one forward kernel and one backward kernel,
 * for {@link lstmRecurrence}'s fused path (`fusedEnabled('lstm')`), on wasm and cpu.
 *
 * Forward, per step: `pre = xw[t] + h·W_hh` is one call of the registered `BatchMatMul` kernel (XNNPACK on wasm;
 * W_hh keeps one id for the whole chunk, so XNNPACK packs it once) and a JS loop adding `xw[t]`; then one call of
 * the registered `Sigmoid` kernel over all four gates (the g block doubled first: `tanh(x) = 2σ(2x) − 1`, so the
 * gate order i, f, g, o = σ, σ, tanh, σ is PyTorch's and σ is exactly tfjs's own on that backend), a JS loop for
 * `c = f·c + i·g`, a second σ call for `tanh(c)`, and a JS loop for `h = o·tanh(c)`. Everything is written straight
 * into preallocated `[T, B, …]` outputs (no unstack / split / stack / concat):
 *
 * - `out` `[T+1, B, H]`: every step's `h`, then the final `c` (what the custom gradient returns);
 * - `gates` `[T, B, 4H]`: the activated gates; `cs` `[T, B, H]`: the cell states; `tcs` `[T, B, H]`: `tanh(c)`.
 *
 * Backward, steps in reverse: one fused JS loop computes the pre-activation gradients `dPre[t]` into `dX[t]`
 * (no transcendental: the saved activations suffice), one product `dh = dPre[t]·W_hhᵀ` (W_hhᵀ materialised once,
 * so packed once), and at the end `dW = hPrevᵀ·dX` as one product over all steps (`hPrev` = h0 followed by
 * h_0 … h_{T-2}). σ and tanh run as tfjs kernels, not in JS (`Math.exp`, `Math.tanh`), which made the whole
 * forward kernel slower (the bench's lstm model measures it). Fused and unfused agree to ~1e-6.
 */
import * as tf from '@tensorflow/tfjs-core';

import { Ops, input, kernelBackend, type KernelArgs } from '../kernel-utils.js';
import { type MemoryBackend, allocate, f32, memoryName } from '../memory.js';
import type { KernelDef } from '../registry.js';

/** Kernel names of the fused chunk (tfai's own, not tfjs's). */
export const LSTM_FORWARD = 'TfaiLSTMChunkForward';
export const LSTM_BACKWARD = 'TfaiLSTMChunkBackward';

/** Float32 views of tensors and fresh outputs, on either backend. */
interface Memory {
  view(t: tf.TensorInfo): Float32Array;
  alloc(shape: number[]): tf.TensorInfo;
}

function memoryOf(backend: tf.KernelBackend, name: MemoryBackend): Memory {
  // A view per call: a malloc (the per-step matMul's output) may grow the heap and replace its buffer.
  return {
    view: (t) => f32(backend, name, t),
    alloc: (shape) => allocate(backend, name, [{ shape, dtype: 'float32' }])[0],
  };
}

/**
 * The registered kernel `kernel` of this backend as a plain function on TensorInfos (no tape, no tracking: the
 * caller disposes each output), for the per-step products and σs.
 */
function kernelOf(
  kernel: string,
  backend: tf.KernelBackend,
  name: string,
): (inputs: tf.NamedTensorInfoMap, attrs?: tf.NamedAttrMap) => tf.TensorInfo {
  const k = tf.getKernel(kernel, name);
  if (!k) throw new Error(`kernel ${kernel} is not registered for backend ${name}`);
  return (inputs, attrs = {}) => {
    const out = k.kernelFunc({ inputs, backend, attrs });
    if (Array.isArray(out)) throw new Error(`kernel ${kernel} returned ${out.length} outputs, expected one`);
    return out;
  };
}

const PLAIN = { transposeA: false, transposeB: false };

function forward(name: 'wasm' | 'cpu'): tf.KernelFunc {
  return (args: KernelArgs) => {
    const backend = kernelBackend(args);
    const mem = memoryOf(backend, name);
    const xw = input(args, 'xw');
    const whh = input(args, 'whh');
    const h0 = input(args, 'h0');
    const c0 = input(args, 'c0');
    const [T, B, G] = xw.shape;
    const H = G / 4;
    const out = mem.alloc([T + 1, B, H]);
    const gates = mem.alloc([T, B, G]);
    const cs = mem.alloc([T, B, H]);
    const tcs = mem.alloc([T, B, H]);
    const ops = new Ops(backend, name);
    const hBuf = ops.adopt(mem.alloc([B, H]));
    const c2 = ops.adopt(mem.alloc([B, H]));
    const matMul = kernelOf('BatchMatMul', backend, name);
    const sigmoid = kernelOf('Sigmoid', backend, name);
    try {
      const BH = B * H;
      for (let t = 0; t < T; t++) {
        // pre = xw[t] + h·W_hh, with the g block doubled: tanh(x) = 2σ(2x) − 1, so one σ kernel does all four.
        const pre = matMul({ a: t === 0 ? h0 : hBuf, b: whh }, PLAIN);
        addInputProjection(mem.view(pre), mem.view(xw), t * B * G, B, H);
        const sig = sigmoid({ x: pre });
        // Views after the kernels (their outputs may have grown the heap).
        const vS = mem.view(sig);
        const vG = mem.view(gates);
        const vCs = mem.view(cs);
        const vC2 = mem.view(c2);
        const vCPrev = t === 0 ? mem.view(c0) : vCs;
        const cPrevAt = t === 0 ? 0 : (t - 1) * BH;
        const gAt = t * B * G;
        const sAt = t * BH;
        vG.set(vS, gAt);
        for (let b = 0; b < B; b++) {
          const r = b * G;
          for (let j = 0; j < H; j++) {
            const k = b * H + j;
            const g = 2 * vS[r + 2 * H + j] - 1;
            vG[gAt + r + 2 * H + j] = g;
            const c = vG[gAt + r + H + j] * vCPrev[cPrevAt + k] + vS[r + j] * g;
            vCs[sAt + k] = c;
            vC2[k] = 2 * c;
          }
        }
        const sc = sigmoid({ x: c2 });
        const vSc = mem.view(sc);
        const vS2 = mem.view(sig);
        const vTc = mem.view(tcs);
        const vOut = mem.view(out);
        const vH = mem.view(hBuf);
        for (let b = 0; b < B; b++) {
          const r = b * G + 3 * H;
          for (let j = 0; j < H; j++) {
            const k = b * H + j;
            const tc = 2 * vSc[k] - 1;
            const h = vS2[r + j] * tc;
            vTc[sAt + k] = tc;
            vOut[sAt + k] = h;
            vH[k] = h;
          }
        }
        for (const x of [pre, sig, sc]) backend.disposeData(x.dataId);
      }
      // The final cell state after the hidden states.
      mem.view(out).set(mem.view(cs).subarray((T - 1) * BH, T * BH), T * BH);
      ops.disposeAll();
      return [out, gates, cs, tcs];
    } catch (e) {
      ops.disposeAll();
      for (const t of [out, gates, cs, tcs]) backend.disposeData(t.dataId);
      throw e;
    }
  };
}

/** `pre += xw[t]` (at `x0`) over `[B, 4H]`, the g block doubled: tanh(x) = 2σ(2x) − 1, so one σ does all four. */
function addInputProjection(vPre: Float32Array, vXw: Float32Array, x0: number, B: number, H: number): void {
  const G = 4 * H;
  for (let b = 0; b < B; b++) {
    const r = b * G;
    for (let k = r; k < r + 2 * H; k++) vPre[k] += vXw[x0 + k];
    for (let k = r + 2 * H; k < r + 3 * H; k++) vPre[k] = 2 * (vPre[k] + vXw[x0 + k]);
    for (let k = r + 3 * H; k < r + G; k++) vPre[k] += vXw[x0 + k];
  }
}

/** The views one backward step reads (`dh` absent at the last step) and the pre-activation gradients it writes. */
interface StepViews {
  dy: Float32Array;
  dh: Float32Array | undefined;
  gates: Float32Array;
  tcs: Float32Array;
  cPrev: Float32Array;
  dp: Float32Array;
}

/** Step t's pre-activation gradients into `v.dp` `[B, 4H]`, and the cell gradient `dc` carried to step t − 1. */
function gateGrads(v: StepViews, dc: Float64Array, t: number, cPrevAt: number, B: number, H: number): void {
  const G = 4 * H;
  const BH = B * H;
  for (let b = 0; b < B; b++) {
    const gRow = (t * B + b) * G;
    const sRow = t * BH + b * H;
    const pRow = cPrevAt + b * H;
    for (let j = 0; j < H; j++) {
      const k = b * H + j;
      const i = v.gates[gRow + j];
      const f = v.gates[gRow + H + j];
      const g = v.gates[gRow + 2 * H + j];
      const o = v.gates[gRow + 3 * H + j];
      const tc = v.tcs[sRow + j];
      const dhT = v.dy[sRow + j] + (v.dh ? v.dh[k] : 0);
      const dO = dhT * tc;
      const dcT = dc[k] + dhT * o * (1 - tc * tc);
      const di = dcT * g * (i * (1 - i));
      const df = dcT * v.cPrev[pRow + j] * (f * (1 - f));
      const dg = dcT * i * (1 - g * g);
      const dpo = dO * (o * (1 - o));
      const r = b * G;
      v.dp[r + j] = di;
      v.dp[r + H + j] = df;
      v.dp[r + 2 * H + j] = dg;
      v.dp[r + 3 * H + j] = dpo;
      dc[k] = dcT * f;
    }
  }
}

function backward(name: 'wasm' | 'cpu'): tf.KernelFunc {
  return (args: KernelArgs) => {
    const backend = kernelBackend(args);
    const mem = memoryOf(backend, name);
    const dy = input(args, 'dy');
    const whh = input(args, 'whh');
    const h0 = input(args, 'h0');
    const c0 = input(args, 'c0');
    const out = input(args, 'out');
    const gates = input(args, 'gates');
    const cs = input(args, 'cs');
    const tcs = input(args, 'tcs');
    const [T, B, G] = gates.shape;
    const H = G / 4;
    const BH = B * H;
    const dX = mem.alloc([T, B, G]);
    const dh0 = mem.alloc([B, H]);
    const dc0 = mem.alloc([B, H]);
    const ops = new Ops(backend, name);
    const matMul = kernelOf('BatchMatMul', backend, name);
    let dW: tf.TensorInfo | undefined;
    try {
      const dpBuf = ops.adopt(mem.alloc([B, G]));
      const hPrev = ops.adopt(mem.alloc([T * B, H]));
      // W_hhᵀ once, so that every step's product has the same right operand (packed once by XNNPACK).
      const whhT = ops.transpose(whh, [1, 0]);
      // dc carried in double precision between steps; dh is the previous product's output.
      const dc = Float64Array.from(mem.view(dy).subarray(T * BH, (T + 1) * BH));
      let dh: tf.TensorInfo | undefined;
      for (let t = T - 1; t >= 0; t--) {
        const vDy = mem.view(dy);
        const vDh = dh ? mem.view(dh) : undefined;
        const vG = mem.view(gates);
        const vTc = mem.view(tcs);
        const vCPrev = t === 0 ? mem.view(c0) : mem.view(cs);
        const cPrevAt = t === 0 ? 0 : (t - 1) * BH;
        const vDp = mem.view(dpBuf);
        gateGrads({ dy: vDy, dh: vDh, gates: vG, tcs: vTc, cPrev: vCPrev, dp: vDp }, dc, t, cPrevAt, B, H);
        mem.view(dX).set(mem.view(dpBuf), t * B * G);
        const next = matMul({ a: dpBuf, b: whhT }, PLAIN);
        if (dh) backend.disposeData(dh.dataId);
        dh = next;
      }
      mem.view(dh0).set(mem.view(dh as tf.TensorInfo));
      if (dh) backend.disposeData(dh.dataId);
      mem.view(dc0).set(dc);
      // hPrev = [h0; h_0 … h_{T-2}], then dW = hPrevᵀ·dX as one product over all steps.
      const vHp = mem.view(hPrev);
      vHp.set(mem.view(h0));
      if (T > 1) vHp.set(mem.view(out).subarray(0, (T - 1) * BH), BH);
      const dXFlat = ops.reshape(dX, [T * B, G]);
      dW = ops.run('BatchMatMul', { a: hPrev, b: dXFlat }, { transposeA: true, transposeB: false });
      ops.disposeAll(dW);
      return [dX, dW, dh0, dc0];
    } catch (e) {
      ops.disposeAll();
      for (const t of [dX, dh0, dc0]) backend.disposeData(t.dataId);
      throw e;
    }
  };
}

/** The fused chunk's forward and backward kernels (wasm, cpu). */
export const lstmChunkKernels: readonly KernelDef[] = [
  { name: LSTM_FORWARD, backends: ['wasm', 'cpu'], fallback: 'none', kernel: (b) => forward(memoryName(b)) },
  { name: LSTM_BACKWARD, backends: ['wasm', 'cpu'], fallback: 'none', kernel: (b) => backward(memoryName(b)) },
];
