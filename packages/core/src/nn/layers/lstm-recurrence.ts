import * as tf from '@tensorflow/tfjs-core';
import { fusedLstmChunk } from '../../backend/fused-ops.js';

/** What {@link lstmRecurrence} returns: every step's hidden state and the final cell state. */
export interface LSTMRecurrenceResult {
  /** Hidden states of every step, time-major `[T, B, H]` (the last one is the final `h`). */
  ys: tf.Tensor3D;
  /** The final cell state `[B, H]`. */
  c: tf.Tensor2D;
}

/**
 * The recurrent part of one LSTM layer in one direction, with a hand-written backward through time.
 *
 * `xw` holds the input projections of every step, time-major `[T, B, 4H]` (`x·W_ihᵀ + b_ih + b_hh`, computed for
 * all steps in one matMul by the caller), `whh` is `[H, 4H]` (gate order i, f, g, o as PyTorch's). Each step is
 * `gates = xw[t] + h·whh`, `c = σ(f)·c + σ(i)·tanh(g)`, `h = σ(o)·tanh(c)`.
 *
 * Why by hand: under plain autograd every step's `slice`/`split` gradient is a zero tensor the size of its whole
 * input (quadratic in T), and tfjs keeps every intermediate of the unrolled graph; a 3-layer 1152-unit AWD-LSTM then
 * exhausts wasm's 4 GB heap. Here the forward saves only the gate activations and states, and the backward runs the
 * steps in reverse with one `[B, 4H]·[4H, H]` product per step; the weight gradient is one
 * `[H, T·B]·[T·B, 4H]` product over all steps. Gradients flow to `xw`, `whh`, `h0` and `c0`.
 *
 * On wasm and cpu, unless `fusedEnabled('lstm')` says no, the whole chunk is one forward kernel and one backward
 * kernel (backend/kernels/lstm-chunk.ts: per step one matrix product and one fused JS loop over the gate math), which
 * saves four big buffers instead of 7·T small tensors; elsewhere it is the composition of tfjs ops below.
 *
 * @example
 * ```ts
 * const { ys, c } = lstmRecurrence(tf.zeros([5, 2, 16]), tf.zeros([4, 16]), tf.zeros([2, 4]), tf.zeros([2, 4]));
 * ys.shape; // [5, 2, 4]
 * ```
 */
export function lstmRecurrence(
  xw: tf.Tensor3D,
  whh: tf.Tensor2D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
): LSTMRecurrenceResult {
  const [T, B, G] = xw.shape;
  const H = G / 4;
  if (T < 1) throw new RangeError('lstmRecurrence needs at least one time step');
  if (!Number.isInteger(H) || whh.shape[0] !== H || whh.shape[1] !== G)
    throw new RangeError(`lstmRecurrence: xw [${xw.shape}] does not fit whh [${whh.shape}] (expected [H, 4H])`);
  const packed = fusedLstmChunk(xw, whh, h0, c0) ?? composedChunk(xw, whh, h0, c0);
  const ys = tf.slice(packed, [0, 0, 0], [T, B, H]);
  const c = tf.reshape(tf.slice(packed, [T, 0, 0], [1, B, H]), [B, H]) as tf.Tensor2D;
  return { ys, c };
}

/** The chunk as a composition of tfjs ops with a hand-written backward (see {@link lstmRecurrence}). */
function composedChunk(xw: tf.Tensor3D, whh: tf.Tensor2D, h0: tf.Tensor2D, c0: tf.Tensor2D): tf.Tensor3D {
  const T = xw.shape[0];
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w, hInit, cInit] = args as tf.Tensor2D[];
    const save = args[4] as tf.GradSaveFunc;
    const { hs, cs, gates, tcs } = forwardSteps(x, w, hInit, cInit);
    save([w, hInit, cInit, ...hs, ...cs, ...gates, ...tcs]);
    // customGrad allows one output: the hidden states with the final cell state appended along time.
    const value = tf.concat([tf.stack(hs), tf.expandDims(cs[T - 1], 0)], 0);
    const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]): tf.Tensor[] =>
      backwardSteps(T, dy as tf.Tensor3D, saved);
    return { value, gradFunc };
  });
  return run(xw, whh, h0, c0) as tf.Tensor3D;
}

/** The forward steps, keeping per step h, c, the four activated gates and tanh(c). */
function forwardSteps(
  x: tf.Tensor,
  w: tf.Tensor2D,
  hInit: tf.Tensor2D,
  cInit: tf.Tensor2D,
): { hs: tf.Tensor2D[]; cs: tf.Tensor2D[]; gates: tf.Tensor2D[]; tcs: tf.Tensor2D[] } {
  const T = x.shape[0];
  const steps = tf.unstack(x) as tf.Tensor2D[];
  const hs: tf.Tensor2D[] = [];
  const cs: tf.Tensor2D[] = [];
  const gates: tf.Tensor2D[] = [];
  const tcs: tf.Tensor2D[] = [];
  let h = hInit;
  let c = cInit;
  for (let t = 0; t < T; t++) {
    const out = tf.tidy(() => {
      const pre = tf.add(steps[t], tf.matMul(h, w));
      const [pi, pf, pg, po] = tf.split(pre, 4, 1);
      const i = tf.sigmoid(pi);
      const f = tf.sigmoid(pf);
      const g = tf.tanh(pg);
      const o = tf.sigmoid(po);
      const cNew = tf.add(tf.mul(f, c), tf.mul(i, g));
      const tc = tf.tanh(cNew);
      return [tf.mul(o, tc), cNew, i, f, g, o, tc] as tf.Tensor2D[];
    });
    [h, c] = out;
    hs.push(h);
    cs.push(c);
    gates.push(out[2], out[3], out[4], out[5]);
    tcs.push(out[6]);
  }
  tf.dispose(steps);
  return { hs, cs, gates, tcs };
}

/** The backward through time: gradients for xw, whh, h0 and c0 from the saved states. */
function backwardSteps(T: number, dy: tf.Tensor3D, saved: tf.Tensor[]): tf.Tensor[] {
  return tf.tidy(() => {
    const [wS, h0S, c0S] = saved as tf.Tensor2D[];
    const [B, H] = h0S.shape;
    const G = 4 * H;
    const hS = saved.slice(3, 3 + T) as tf.Tensor2D[];
    const cS = saved.slice(3 + T, 3 + 2 * T) as tf.Tensor2D[];
    const gS = saved.slice(3 + 2 * T, 3 + 6 * T) as tf.Tensor2D[];
    const tcS = saved.slice(3 + 6 * T) as tf.Tensor2D[];
    const dys = tf.unstack(dy) as tf.Tensor2D[];
    const wT = tf.transpose(wS);
    const sigGrad = (s: tf.Tensor) => tf.mul(s, tf.sub(1, s));
    let dh = tf.zerosLike(h0S) as tf.Tensor2D;
    let dc = dys[T];
    const dPre: tf.Tensor2D[] = new Array(T);
    for (let t = T - 1; t >= 0; t--) {
      const [i, f, g, o] = gS.slice(4 * t, 4 * t + 4);
      const cPrev = t > 0 ? cS[t - 1] : c0S;
      const tc = tcS[t];
      [dPre[t], dh, dc] = tf.tidy(() => {
        const dhT = tf.add(dys[t], dh);
        const dO = tf.mul(dhT, tc);
        const dcT = tf.add(dc, tf.mul(tf.mul(dhT, o), tf.sub(1, tf.square(tc))));
        const dp = tf.concat(
          [
            tf.mul(tf.mul(dcT, g), sigGrad(i)),
            tf.mul(tf.mul(dcT, cPrev), sigGrad(f)),
            tf.mul(tf.mul(dcT, i), tf.sub(1, tf.square(g))),
            tf.mul(dO, sigGrad(o)),
          ],
          1,
        ) as tf.Tensor2D;
        return [dp, tf.matMul(dp, wT), tf.mul(dcT, f)] as tf.Tensor2D[];
      });
    }
    const dX = tf.stack(dPre) as tf.Tensor3D;
    // dW = Σ_t h_{t-1}ᵀ·dPre_t as one product (the transpose is explicit: wasm's transposed matMul is slow).
    const hPrev = T > 1 ? tf.concat([tf.expandDims(h0S, 0), tf.stack(hS.slice(0, T - 1))], 0) : tf.expandDims(h0S, 0);
    const dW = tf.matMul(tf.transpose(tf.reshape(hPrev, [T * B, H])), tf.reshape(dX, [T * B, G]));
    return [dX, dW, dh, dc];
  });
}
