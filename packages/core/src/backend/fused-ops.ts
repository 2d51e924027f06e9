// The one route from a layer, a loss or the optimizer to its fused op (BatchNorm in training mode, flat
// cross-entropy, dropout, the LSTM chunk, the optimizer's SIMD loops): each returns undefined where its fused
// kernel cannot run (switched off with setFused/TFAI_FUSED, another backend than wasm/cpu, kernels not registered,
// an input it does not handle), and the caller takes its composition of tfjs ops.
import * as tf from '@tensorflow/tfjs-core';
import { fusedEnabled, type FusedName } from './fused.js';
import { LSTM_BACKWARD, LSTM_FORWARD } from './kernels/lstm-chunk.js';
import { simdKernels, type SimdKernels } from './wasm/simd/simd-kernels.js';
import { nativeOptimizerLoops } from './wasm/native.js';

export type { AdamHyper } from './wasm/simd/simd-kernels.js';
import { envVar } from '#platform/process';
import {
  BATCH_NORM_TRAIN,
  BATCH_NORM_TRAIN_GRAD,
  type BatchNormTrainAttrs,
  type BatchNormTrainGradAttrs,
} from './kernels/batch-norm-train.js';
import { CROSS_ENTROPY, type CrossEntropyAttrs } from './kernels/cross-entropy.js';
import { DROPOUT, type DropoutAttrs } from './kernels/dropout.js';
import { loopKernelAvailable } from './registry.js';

function available(switchName: FusedName, ...kernelNames: string[]): boolean {
  return fusedEnabled(switchName) && loopKernelAvailable(...kernelNames);
}

/** What {@link fusedBatchNormTrain} returns: the output and the new values of the three buffers (kept: the caller disposes them). */
export interface BatchNormTrainResult {
  y: tf.Tensor;
  runningMean: tf.Tensor1D;
  runningVar: tf.Tensor1D;
  numBatchesTracked: tf.Tensor;
}

/**
 * Whether a ReLU may run inside BatchNorm's training kernels in the order `act` (`reluAfter`: relu(bn(x)),
 * `reluBefore`: bn(relu(x))): the `batchnorm` and `bn-act` fused paths on, the kernels registered for this backend,
 * and `TFAI_FUSED_BN_ACT` (read per call, for A/B runs in one process) not `0`, nor naming only the other order
 * (`after`, `before`).
 * @example
 * ```ts
 * if (fusedBatchNormActEnabled('reluAfter')) console.log('BatchNorm2d → ReLU runs as one kernel when training');
 * ```
 */
export function fusedBatchNormActEnabled(act: 'reluAfter' | 'reluBefore'): boolean {
  if (!fusedEnabled('bn-act') || !available('batchnorm', BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD)) return false;
  const v = envVar('TFAI_FUSED_BN_ACT')?.trim().toLowerCase();
  if (v === undefined || v === '' || v === '1' || v === 'on' || v === 'true') return true;
  if (v === '0' || v === 'off' || v === 'false') return false;
  return v === (act === 'reluAfter' ? 'after' : 'before');
}

/**
 * BatchNorm in training mode over the last axis as one kernel forward and one backward (see
 * kernels/batch-norm-train.ts), with a ReLU after or before it inside the same kernels when `attrs.act` says so;
 * undefined where it cannot run.
 */
export function fusedBatchNormTrain(
  x: tf.Tensor,
  buffers: { runningMean: tf.Tensor; runningVar: tf.Tensor; numBatchesTracked: tf.Tensor },
  scale: tf.Tensor | undefined,
  offset: tf.Tensor | undefined,
  attrs: BatchNormTrainAttrs,
): BatchNormTrainResult | undefined {
  if (x.dtype !== 'float32' || x.rank < 1 || x.size === 0 || buffers.numBatchesTracked.dtype !== 'int32')
    return undefined;
  if ([buffers.runningMean, buffers.runningVar, scale, offset].some((t) => t !== undefined && t.dtype !== 'float32'))
    return undefined;
  if (!available('batchnorm', BATCH_NORM_TRAIN)) return undefined;
  const act = attrs.act ?? 'none';
  let extra: tf.Tensor[] = [];
  // customGrad, not a registered gradient: a tape node of the five-output kernel would get a zero tensor for each
  // unused output's gradient at every backward.
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xx = args[0] as tf.Tensor;
    const inputs: tf.NamedTensorMap = {
      x: xx,
      runningMean: buffers.runningMean,
      runningVar: buffers.runningVar,
      numBatchesTracked: buffers.numBatchesTracked,
    };
    if (scale) inputs.scale = args[1] as tf.Tensor;
    if (offset) inputs.offset = args[scale ? 2 : 1] as tf.Tensor;
    const [y, stats, ...rest] = tf.engine().runKernel(BATCH_NORM_TRAIN, inputs, { ...attrs }) as tf.Tensor[];
    extra = rest.map((t) => tf.keep(t)); // out of customGrad's tidy; the caller disposes them
    // copies, while the tape is on; a ReLU after the BatchNorm masks dy by its output's sign
    (args[args.length - 1] as tf.GradSaveFunc)(act === 'reluAfter' ? [xx, stats, y] : [xx, stats]);
    stats.dispose();
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const gradInputs: tf.NamedTensorMap = { dy: dy as tf.Tensor, x: saved[0], stats: saved[1] };
        if (act === 'reluAfter') gradInputs.y = saved[2];
        const gradAttrs: BatchNormTrainGradAttrs = act === 'none' ? {} : { act };
        const [dx, dw, db] = tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, gradInputs, { ...gradAttrs }) as tf.Tensor[];
        const grads = [dx];
        if (scale) grads.push(dw);
        else dw.dispose();
        if (offset) grads.push(db);
        else db.dispose();
        return grads;
      },
    };
  });
  const y = f(...[x, scale, offset].filter((t): t is tf.Tensor => t !== undefined));
  const [runningMean, runningVar, numBatchesTracked] = extra;
  return { y, runningMean: runningMean as tf.Tensor1D, runningVar: runningVar as tf.Tensor1D, numBatchesTracked };
}

/**
 * The mean flat cross-entropy of logits `[..., C]` against `N` integer targets as one kernel, with its gradient
 * (see kernels/cross-entropy.ts); undefined where it cannot run.
 */
export function fusedCrossEntropy(
  logits: tf.Tensor,
  target: tf.Tensor,
  labelSmoothing: number,
  ignoreIndex: number | undefined,
): tf.Scalar | undefined {
  const c = logits.shape[logits.rank - 1];
  if (logits.dtype !== 'float32' || logits.rank < 1 || !c || target.size * c !== logits.size) return undefined;
  if (target.dtype !== 'int32' && target.dtype !== 'float32') return undefined;
  if (!available('cross-entropy', CROSS_ENTROPY)) return undefined;
  const attrs: CrossEntropyAttrs = {
    labelSmoothing,
    hasIgnore: ignoreIndex !== undefined,
    ignoreIndex: ignoreIndex ?? 0,
  };
  // customGrad, not a registered gradient: a tape node of a two-output kernel would get a zero tensor the size of
  // the logits for the unused output's gradient at every backward.
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [loss, grad] = tf
      .engine()
      .runKernel(CROSS_ENTROPY, { logits: args[0] as tf.Tensor, target }, { ...attrs }) as tf.Tensor[];
    (args[1] as tf.GradSaveFunc)([grad]); // a copy, while the tape is on
    grad.dispose();
    return {
      value: loss,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [tf.mul(saved[0], dy as tf.Tensor)],
    };
  });
  return f(logits) as tf.Scalar;
}

/** tfjs's `getNoiseShape`: `noiseShape` with nulls (and a shape equal to x's) filled from x. */
function noiseShapeOf(x: tf.Tensor, noiseShape: readonly (number | null)[] | undefined): number[] | undefined {
  if (noiseShape === undefined) return x.shape.slice();
  if (noiseShape.length !== x.rank) return undefined;
  const shape = noiseShape.map((d, i) => d ?? x.shape[i]);
  // The kernel broadcasts a mask whose dimensions are x's or 1.
  return shape.every((d, i) => d === x.shape[i] || d === 1) ? shape : undefined;
}

/**
 * `tf.dropout(x, rate, noiseShape, seed)` — the same values, the same mask for the same seed — as one kernel
 * where it can run (see kernels/dropout.ts), else `tf.dropout` itself.
 * @example
 * ```ts
 * const y = dropout(x, 0.5, undefined, globalRng.seed());
 * ```
 */
export function dropout(x: tf.Tensor, rate: number, noiseShape: number[] | undefined, seed: number): tf.Tensor {
  const shape =
    x.dtype === 'float32' && rate > 0 && rate < 1 && Number.isInteger(seed) ? noiseShapeOf(x, noiseShape) : undefined;
  if (!shape || !available('dropout', DROPOUT)) return tf.dropout(x, rate, noiseShape, seed);
  const attrs: DropoutAttrs = { rate, seed, noiseShape: shape };
  // customGrad for the same reason as fusedCrossEntropy's (no zero tensor of the mask's size per backward).
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [y, mask] = tf.engine().runKernel(DROPOUT, { x: args[0] as tf.Tensor }, { ...attrs }) as tf.Tensor[];
    (args[1] as tf.GradSaveFunc)([mask]); // a copy, while the tape is on
    mask.dispose();
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [tf.mul(dy as tf.Tensor, saved[0])],
    };
  });
  return f(x);
}

/** The same custom gradient as lstmRecurrence's composition, each direction one kernel (see kernels/lstm-chunk.ts). */
const lstmChunk = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [xw, whh, h0, c0] = args as tf.Tensor[];
  const save = args[4] as tf.GradSaveFunc;
  const [out, gates, cs, tcs] = tf.engine().runKernel(LSTM_FORWARD, { xw, whh, h0, c0 }) as tf.Tensor[];
  save([whh, h0, c0, out, gates, cs, tcs]);
  const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]): tf.Tensor[] => {
    const [w, hInit, cInit, o, g, c, tc] = saved;
    const inputs = { dy: dy as tf.Tensor, whh: w, h0: hInit, c0: cInit, out: o, gates: g, cs: c, tcs: tc };
    return tf.engine().runKernel(LSTM_BACKWARD, inputs) as tf.Tensor[];
  };
  return { value: out, gradFunc };
});

/**
 * One LSTM layer's recurrence over a whole chunk as one forward and one backward kernel (kernels/lstm-chunk.ts): the
 * hidden states `[T, B, H]` with the final cell state appended along time (`[T + 1, B, H]`), or undefined where it
 * cannot run (the `lstm` fused path).
 */
export function fusedLstmChunk(
  xw: tf.Tensor3D,
  whh: tf.Tensor2D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
): tf.Tensor3D | undefined {
  if (!available('lstm', LSTM_FORWARD, LSTM_BACKWARD)) return undefined;
  return lstmChunk(xw, whh, h0, c0) as tf.Tensor3D;
}

/** The optimizer's loops over the wasm heap (sgd, sgdMom, adam and their L2 variants). */
export type OptimizerLoops = Pick<SimdKernels, 'sgd' | 'sgdL2' | 'sgdMom' | 'sgdMomL2' | 'adam' | 'adamL2'>;

/**
 * The optimizer step's WebAssembly SIMD loops (wasm/simd/simd-kernels.ts), Adam's running in @tfai/native's C++
 * when native kernels are on (wasm/native.ts), or undefined: off wasm, with the `simd` fused path off, or where
 * the module cannot be compiled (the step then runs its JS loops).
 */
export function optimizerLoops(): OptimizerLoops | undefined {
  return nativeOptimizerLoops(simdKernels());
}
