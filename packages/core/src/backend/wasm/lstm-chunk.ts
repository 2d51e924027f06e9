/**
 * One LSTM layer (one direction) over a whole chunk of time steps as one forward kernel and one backward kernel,
 * for {@link lstmRecurrence}'s fused path (`fusedEnabled('lstm')`), on wasm and cpu.
 *
 * Forward, per step: `mm = h·W_hh` is one call of the registered `BatchMatMul` kernel (XNNPACK on wasm; W_hh keeps
 * one id for the whole chunk, so XNNPACK packs it once), then ONE JS loop over heap views does
 * `pre = xw[t] + mm`, the gates `i, f, g, o = σ, σ, tanh, σ` (PyTorch's order), `c = f·c + i·g`, `h = o·tanh(c)`,
 * writing straight into preallocated `[T, B, …]` outputs (no unstack / split / stack / concat):
 *
 * - `out` `[T+1, B, H]`: every step's `h`, then the final `c` (what the custom gradient returns);
 * - `gates` `[T, B, 4H]`: the activated gates; `cs` `[T, B, H]`: the cell states; `tcs` `[T, B, H]`: `tanh(c)`.
 *
 * Backward, steps in reverse: one fused loop computes the pre-activation gradients `dPre[t]` into `dX[t]`, one
 * product `dh = dPre[t]·W_hhᵀ` (W_hhᵀ materialised once), and at the end `dW = hPrevᵀ·dX` as one product over all
 * steps (`hPrev` = h0 followed by h_0 … h_{T-2}). σ and tanh are `1/(1+Math.exp(-x))` and `Math.tanh` as tfjs's
 * cpu kernels, evaluated in double precision.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Ops, heapF32, input, kernelBackend, type KernelArgs } from './kernel-utils.js';
import type { Replacement } from './registry.js';

/** Kernel names of the fused chunk (tfai's own, not tfjs's). */
export const LSTM_FORWARD = 'TfaiLSTMChunkForward';
export const LSTM_BACKWARD = 'TfaiLSTMChunkBackward';

/** Float32 views of tensors and fresh outputs, on either backend. */
interface Memory {
  view(t: tf.TensorInfo): Float32Array;
  alloc(shape: number[]): tf.TensorInfo;
}

interface CpuData {
  data: { get(dataId: tf.DataId): { values?: unknown } | undefined };
}

function memoryOf(backend: tf.KernelBackend, name: 'wasm' | 'cpu'): Memory {
  if (name === 'wasm') {
    const wasm = backend as BackendWasm;
    // A view per call: a malloc (the per-step matMul's output) may grow the heap and replace its buffer.
    return { view: (t) => heapF32(wasm, t), alloc: (shape) => wasm.makeOutput(shape, 'float32') };
  }
  const cpu = backend as unknown as CpuData;
  return {
    view: (t) => {
      const v = cpu.data.get(t.dataId)?.values;
      if (!(v instanceof Float32Array)) throw new Error(`expected a float32 tensor on cpu, got ${t.dtype}`);
      return v;
    },
    alloc: (shape) => ({ dataId: backend.write(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape, 'float32'), shape, dtype: 'float32' }),
  };
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

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
    const hBuf = mem.alloc([B, H]);
    const ops = new Ops(backend, name);
    ops.adopt(hBuf);
    try {
      const BH = B * H;
      for (let t = 0; t < T; t++) {
        const mm = ops.run('BatchMatMul', { a: t === 0 ? h0 : hBuf, b: whh }, { transposeA: false, transposeB: false });
        // Views after the product (its output may have grown the heap).
        const vMm = mem.view(mm);
        const vXw = mem.view(xw);
        const vG = mem.view(gates);
        const vCs = mem.view(cs);
        const vTc = mem.view(tcs);
        const vOut = mem.view(out);
        const vH = mem.view(hBuf);
        const vCPrev = t === 0 ? mem.view(c0) : vCs;
        const cPrevAt = t === 0 ? 0 : (t - 1) * BH;
        for (let b = 0; b < B; b++) {
          const rowG = b * G;
          const xRow = t * B * G + rowG;
          const gRow = xRow;
          const sRow = t * BH + b * H;
          const pRow = cPrevAt + b * H;
          for (let j = 0; j < H; j++) {
            const i = sigmoid(vXw[xRow + j] + vMm[rowG + j]);
            const f = sigmoid(vXw[xRow + H + j] + vMm[rowG + H + j]);
            const g = Math.tanh(vXw[xRow + 2 * H + j] + vMm[rowG + 2 * H + j]);
            const o = sigmoid(vXw[xRow + 3 * H + j] + vMm[rowG + 3 * H + j]);
            const c = Math.fround(f * vCPrev[pRow + j] + i * g);
            const tc = Math.tanh(c);
            const h = o * tc;
            vG[gRow + j] = i;
            vG[gRow + H + j] = f;
            vG[gRow + 2 * H + j] = g;
            vG[gRow + 3 * H + j] = o;
            vCs[sRow + j] = c;
            vTc[sRow + j] = tc;
            vOut[sRow + j] = h;
            vH[b * H + j] = h;
          }
        }
        backend.disposeData(mm.dataId);
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
        for (let b = 0; b < B; b++) {
          const gRow = (t * B + b) * G;
          const sRow = t * BH + b * H;
          const pRow = cPrevAt + b * H;
          for (let j = 0; j < H; j++) {
            const k = b * H + j;
            const i = vG[gRow + j];
            const f = vG[gRow + H + j];
            const g = vG[gRow + 2 * H + j];
            const o = vG[gRow + 3 * H + j];
            const tc = vTc[sRow + j];
            const dhT = vDy[sRow + j] + (vDh ? vDh[k] : 0);
            const dO = dhT * tc;
            const dcT = dc[k] + dhT * o * (1 - tc * tc);
            const di = dcT * g * (i * (1 - i));
            const df = dcT * vCPrev[pRow + j] * (f * (1 - f));
            const dg = dcT * i * (1 - g * g);
            const dpo = dO * (o * (1 - o));
            const r = b * G;
            vDp[r + j] = di;
            vDp[r + H + j] = df;
            vDp[r + 2 * H + j] = dg;
            vDp[r + 3 * H + j] = dpo;
            dc[k] = dcT * f;
          }
        }
        mem.view(dX).set(mem.view(dpBuf), t * B * G);
        const next = ops.run('BatchMatMul', { a: dpBuf, b: whhT }, { transposeA: false, transposeB: false });
        if (dh) backend.disposeData(dh.dataId);
        dh = next;
      }
      mem.view(dh0).set(mem.view(dh as tf.TensorInfo));
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

/** The fused chunk's kernels for wasm and cpu, for `TFAI_KERNELS` / `CPU_KERNELS`. */
export const lstmChunkKernels = (backendName: 'wasm' | 'cpu'): Replacement[] => [
  { kernelName: LSTM_FORWARD, backendName, kernelFunc: forward(backendName) },
  { kernelName: LSTM_BACKWARD, backendName, kernelFunc: backward(backendName) },
];
