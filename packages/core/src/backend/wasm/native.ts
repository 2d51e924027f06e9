/**
 * Native CPU kernels: oneDNN (through the optional `@tfai/native` addon) running tfai's dominant wasm kernels —
 * `Conv2D`, `FusedConv2D`, `Conv2DBackpropInput`, `Conv2DBackpropFilter`, `BatchMatMul`, `_FusedMatMul` — directly
 * on the wasm backend's heap (DESIGN.md §3c). The wasm backend keeps owning memory, autograd and every other
 * kernel: a native kernel allocates its output through backend/memory.ts (the one door into backend memory),
 * takes Float32Array views of its inputs and output after the allocation (an allocation can grow the heap and
 * replace its buffer), and hands them to oneDNN, which reads their addresses during the call and keeps none.
 *
 * Each native kernel is registered in the place of the wasm kernel it speeds up, through the one registration
 * shape ({@link nativeFirst}): it runs oneDNN when native kernels are on and the inputs are ones it takes
 * (float32, NHWC, a primitive oneDNN can build), else the kernel it wraps. On/off is decided per call, so
 * `TFAI_NATIVE=0`, {@link setNativeKernels} and a machine without the addon all run the same registered kernels.
 *
 * Threads: wasm's heap is a SharedArrayBuffer when wasm runs threaded; Node-API hands the addon the address of a
 * typed array over either kind of buffer (checked by native.test.ts on the threaded build), so wasm keeps its
 * threads and oneDNN runs its own OpenMP pool with the same count (tfai's thread setting).
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadNativeAddon } from '#platform/native';
import { envVar } from '#platform/process';
import { attrsOf, input, kernelBackend, type KernelArgs } from '../kernel-utils.js';
import { allocate, f32, i32, sizeOf, wasmHeap } from '../memory.js';
import {
  BATCH_NORM_TRAIN,
  BATCH_NORM_TRAIN_GRAD,
  type BatchNormAct,
  type BatchNormTrainAttrs,
  type BatchNormTrainGradAttrs,
} from '../kernels/batch-norm-train.js';
import type { SimdKernels } from './simd/simd-kernels.js';
import type { KernelBackendName, KernelDef } from '../registry.js';
import type { NativeActivation, NativeBinding } from './native-types.js';

/** Whether native kernels run, and if not, why. */
export interface NativeKernelStatus {
  /** Whether the addon is built and loaded. */
  available: boolean;
  /** Whether tfai's wasm kernels currently run through oneDNN (available, and not turned off). */
  enabled: boolean;
  /** Why native kernels are not in use (addon missing or failed to build, `TFAI_NATIVE=0`, …); undefined if they are. */
  reason?: string;
  /** oneDNN's version, when available. */
  version?: string;
  /** The most capable instruction set oneDNN dispatches to on this CPU (`avx2`, `avx512_core`, …), when available. */
  isa?: string;
  /** oneDNN's thread count, when available. */
  threads?: number;
  /** The implementation oneDNN last chose per primitive kind (`{ conv_fwd: 'brgconv:avx512_core' }`), when available. */
  implementations?: Record<string, string>;
  /**
   * How many matrix products ran through oneDNN's matmul primitive and through its `dnnl_sgemm` (small products;
   * `TFAI_NATIVE_GEMM=primitive|sgemm|auto` picks), when available.
   */
  gemmCalls?: {
    /** Products run through the matmul primitive. */
    primitive: number;
    /** Products run through dnnl_sgemm. */
    sgemm: number;
  };
}

let binding: NativeBinding | undefined;
let loadReason: string | undefined;
let loaded = false;
/** undefined: follow TFAI_NATIVE (on unless it is 0); else what setNativeKernels asked. */
let forced: boolean | undefined;

function load(): NativeBinding | undefined {
  if (!loaded) {
    loaded = true;
    const r = loadNativeAddon();
    binding = r.binding;
    loadReason = r.reason;
  }
  return binding;
}

function offByEnv(): boolean {
  const v = envVar('TFAI_NATIVE')?.trim().toLowerCase();
  return v === '0' || v === 'false' || v === 'off';
}

/** The binding when native kernels are on, else undefined (checked on every kernel call). */
function activeBinding(): NativeBinding | undefined {
  if (forced === false || (forced === undefined && offByEnv())) return undefined;
  return load();
}

let skipSource: string | undefined;
let skipSet = new Set<string>();
/**
 * `TFAI_NATIVE_SKIP`: a comma list of native kernels to leave to wasm (kernel names, e.g. `MaxPoolGrad`,
 * `TfaiBatchNormTrain`, and `adam` for the optimizer's loop), for measuring each one's share (packages/bench).
 */
function skipped(name: string): boolean {
  const v = envVar('TFAI_NATIVE_SKIP') ?? '';
  if (v !== skipSource) {
    skipSource = v;
    skipSet = new Set(v.split(',').map((x) => x.trim().toLowerCase()));
  }
  return skipSet.has(name.toLowerCase());
}

/**
 * Sets oneDNN's thread count (tfai's thread setting: called by the wasm backend's setup with its count).
 * No-op without the addon.
 */
export function setNativeThreads(threads: number): void {
  load()?.setThreads(threads);
}

/**
 * Turns native kernels on or off for this process (`undefined`: back to `TFAI_NATIVE`, on unless it is `0`);
 * returns whether they are on now (false without the addon). The same kernels stay registered: on/off is
 * decided per call.
 * @example
 * ```ts
 * setNativeKernels(false); // wasm's own kernels from now on
 * ```
 */
export function setNativeKernels(on: boolean | undefined): boolean {
  forced = on;
  return activeBinding() !== undefined;
}

/**
 * Whether native kernels are in use, which oneDNN and instruction set they run on, or why not.
 * @example
 * ```ts
 * nativeKernelStatus(); // { available: true, enabled: true, version: '2.6.3', isa: 'avx512_core', threads: 2, … }
 * ```
 */
export function nativeKernelStatus(): NativeKernelStatus {
  const b = load();
  if (!b) return { available: false, enabled: false, reason: loadReason ?? 'not loaded' };
  const info = b.info();
  const enabled = activeBinding() !== undefined;
  return {
    available: true,
    enabled,
    ...(enabled ? {} : { reason: forced === false ? 'turned off (setNativeKernels(false))' : 'TFAI_NATIVE=0' }),
    version: info.version,
    isa: info.isa,
    threads: info.threads,
    implementations: info.implementations,
    gemmCalls: info.gemmCalls,
  };
}

/** One line for logs: `oneDNN 2.6.3 (avx512_core, 2 threads)` or `off: <why>`. */
export function describeNativeKernels(): string {
  const s = nativeKernelStatus();
  if (!s.enabled) return `off: ${s.reason ?? 'unknown'}`;
  return `oneDNN ${s.version ?? '?'} (${s.isa ?? '?'}, ${s.threads ?? '?'} threads)`;
}

// ---- the kernels ----

/** A native attempt: the output, or undefined to run the wrapped kernel. */
type NativeAttempt = (args: KernelArgs, b: NativeBinding) => tf.TensorInfo | undefined;
/** The same, for a kernel with several outputs. */
type NativeMultiAttempt = (args: KernelArgs, b: NativeBinding) => tf.TensorInfo[] | undefined;

const ACTIVATIONS: Readonly<Record<string, NativeActivation>> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  elu: 3,
  sigmoid: 4,
  leakyrelu: 5,
};

const allF32 = (...ts: (tf.TensorInfo | undefined)[]): boolean =>
  ts.every((t) => t === undefined || (t.dtype === 'float32' && sizeOf(t.shape) > 0));

/**
 * Allocates one float32 output on the wasm heap, runs `body` on views taken after the allocation, and returns
 * the output (or releases it and returns undefined when oneDNN declined).
 */
function runInto(
  args: KernelArgs,
  shape: number[],
  ins: (tf.TensorInfo | undefined)[],
  body: (views: (Float32Array | null)[], out: Float32Array) => boolean,
): tf.TensorInfo | undefined {
  const backend = kernelBackend(args);
  const [out] = allocate(backend, 'wasm', [{ shape, dtype: 'float32' }]);
  const views = ins.map((t) => (t ? f32(backend, 'wasm', t) : null));
  if (body(views, f32(backend, 'wasm', out))) return out;
  backend.disposeData(out.dataId);
  return undefined;
}

interface ConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
  leakyreluAlpha?: number;
  inputShape?: [number, number, number, number];
  filterShape?: [number, number, number, number];
}

/** The addon's conv dims of a tfjs convolution. */
function convDims(i: tf.backend_util.Conv2DInfo): number[] {
  const p = i.padInfo;
  return [
    ...[i.batchSize, i.inHeight, i.inWidth, i.inChannels, i.outChannels, i.filterHeight, i.filterWidth],
    ...[i.outHeight, i.outWidth, i.strideHeight, i.strideWidth, i.dilationHeight, i.dilationWidth],
    ...[p.top, p.left, p.bottom, p.right],
  ];
}

function convInfo(
  xShape: number[],
  filterShape: number[],
  a: ConvAttrs,
  dilations: ConvAttrs['dilations'] = 1,
): tf.backend_util.Conv2DInfo | undefined {
  if (a.dataFormat === 'NCHW' || xShape.length !== 4 || filterShape.length !== 4) return undefined;
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    dilations,
    a.pad,
    a.dimRoundingMode,
  );
}

const conv2D: NativeAttempt = (args, b) => {
  const x = input(args, 'x');
  const filter = input(args, 'filter');
  const bias = args.inputs.bias;
  const a = attrsOf<ConvAttrs>(args);
  const act = ACTIVATIONS[a.activation ?? 'linear'];
  if (act === undefined || args.inputs.preluActivationWeights || !allF32(x, filter, bias)) return undefined;
  const info = convInfo(x.shape, filter.shape, a, a.dilations);
  if (!info || (bias && sizeOf(bias.shape) !== info.outChannels)) return undefined;
  const dims = convDims(info);
  return runInto(args, info.outShape, [x, filter, bias], ([xv, fv, bv], y) =>
    b.conv2dForward(xv as Float32Array, fv as Float32Array, bv, y, dims, act, a.leakyreluAlpha ?? 0.2),
  );
};

const conv2DBackpropInput: NativeAttempt = (args, b) => {
  const dy = input(args, 'dy');
  const filter = input(args, 'filter');
  const a = attrsOf<ConvAttrs>(args);
  if (!a.inputShape || !allF32(dy, filter)) return undefined;
  const info = convInfo(a.inputShape, filter.shape, a);
  if (!info) return undefined;
  const dims = convDims(info);
  return runInto(args, [...a.inputShape], [dy, filter], ([dyv, fv], dx) =>
    b.conv2dBackwardData(dyv as Float32Array, fv as Float32Array, dx, dims),
  );
};

const conv2DBackpropFilter: NativeAttempt = (args, b) => {
  const x = input(args, 'x');
  const dy = input(args, 'dy');
  const a = attrsOf<ConvAttrs>(args);
  if (!a.filterShape || !allF32(x, dy)) return undefined;
  const info = convInfo(x.shape, a.filterShape, a);
  if (!info) return undefined;
  const dims = convDims(info);
  return runInto(args, [...a.filterShape], [x, dy], ([xv, dyv], dw) =>
    b.conv2dBackwardWeights(xv as Float32Array, dyv as Float32Array, dw, dims),
  );
};

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation?: string;
  leakyreluAlpha?: number;
}

const matMul: NativeAttempt = (args, b) => {
  const A = input(args, 'a');
  const B = input(args, 'b');
  const bias = args.inputs.bias;
  const a = attrsOf<MatMulAttrs>(args);
  const act = ACTIVATIONS[a.activation ?? 'linear'];
  if (act === undefined || args.inputs.preluActivationWeights || !allF32(A, B, bias)) return undefined;
  if (A.shape.length < 2 || B.shape.length < 2) return undefined;
  const [ra, rb] = [A.shape.length, B.shape.length];
  const m = a.transposeA ? A.shape[ra - 1] : A.shape[ra - 2];
  const k = a.transposeA ? A.shape[ra - 2] : A.shape[ra - 1];
  const n = a.transposeB ? B.shape[rb - 2] : B.shape[rb - 1];
  const kb = a.transposeB ? B.shape[rb - 1] : B.shape[rb - 2];
  if (k !== kb) return undefined;
  const [batchA, batchB] = [sizeOf(A.shape.slice(0, -2)), sizeOf(B.shape.slice(0, -2))];
  // One batch broadcasts against the other only as a whole (batch 1); same-shaped batches pair up.
  const sameBatch = A.shape.slice(0, -2).join() === B.shape.slice(0, -2).join();
  if (!sameBatch && batchA !== 1 && batchB !== 1) return undefined;
  if (bias && sizeOf(bias.shape) !== n) return undefined;
  const batchShape = sameBatch || batchB === 1 ? A.shape.slice(0, -2) : B.shape.slice(0, -2);
  // A batch of rows against one right operand is a single product with batchA·m rows.
  const fold = batchB === 1 && batchA > 1 && !a.transposeA;
  const dims = fold
    ? [1, 1, batchA * m, k, n, 0, a.transposeB ? 1 : 0]
    : [batchA, batchB, m, k, n, a.transposeA ? 1 : 0, a.transposeB ? 1 : 0];
  return runInto(args, [...batchShape, m, n], [A, B, bias], ([av, bv, biasv], c) =>
    b.matMul(av as Float32Array, bv as Float32Array, biasv, c, dims, act, a.leakyreluAlpha ?? 0.2),
  );
};

interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** MaxPool's gradient as wasm/max-pool-grad.ts computes it (ties to the first maximum), as a C++ loop. */
const maxPoolGrad: NativeAttempt = (args, b) => {
  const x = input(args, 'input');
  const dy = input(args, 'dy');
  if (!allF32(x, dy) || x.shape.length !== 4) return undefined;
  const a = attrsOf<PoolAttrs>(args);
  const i = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  if (sizeOf(dy.shape) !== i.batchSize * i.outHeight * i.outWidth * i.inChannels) return undefined;
  const dims = [
    ...[i.batchSize, i.inHeight, i.inWidth, i.inChannels, i.outHeight, i.outWidth],
    ...[i.filterHeight, i.filterWidth, i.strideHeight, i.strideWidth, i.padInfo.top, i.padInfo.left],
  ];
  return runInto(args, [...x.shape], [x, dy], ([xv, dyv], dx) =>
    b.maxPoolGrad(xv as Float32Array, dyv as Float32Array, dx, dims),
  );
};

/**
 * Allocates float32 outputs (and int32 ones) on the wasm heap, runs `body` on views taken after the allocation,
 * and returns the outputs (or releases them and returns undefined when the addon declined).
 */
function runIntoMany(
  args: KernelArgs,
  outs: { shape: number[]; dtype: 'float32' | 'int32' }[],
  ins: (tf.TensorInfo | undefined)[],
  body: (views: (Float32Array | null)[], outViews: (Float32Array | Int32Array)[]) => boolean,
): tf.TensorInfo[] | undefined {
  const backend = kernelBackend(args);
  const infos = allocate(backend, 'wasm', outs);
  const views = ins.map((t) => (t ? f32(backend, 'wasm', t) : null));
  const outViews = infos.map((t) => (t.dtype === 'int32' ? i32(backend, 'wasm', t) : f32(backend, 'wasm', t)));
  if (body(views, outViews)) return infos;
  for (const t of infos) backend.disposeData(t.dataId);
  return undefined;
}

/** The addon's code of a fused ReLU (loops.h BnAct), or undefined where this build of the addon has none. */
function bnActCode(b: NativeBinding, act: BatchNormAct): 0 | 1 | 2 | undefined {
  if (act === 'none') return 0;
  if (!b.batchNormAct) return undefined;
  return act === 'reluAfter' ? 1 : 2;
}

/** BatchNorm's training forward as kernels/batch-norm-train.ts computes it, as C++ loops. */
const batchNormTrain: NativeMultiAttempt = (args, b) => {
  const x = input(args, 'x');
  const rm = input(args, 'runningMean');
  const rv = input(args, 'runningVar');
  const count = input(args, 'numBatchesTracked');
  const { scale, offset } = args.inputs;
  const { eps, momentum, act = 'none' } = attrsOf<BatchNormTrainAttrs>(args);
  const code = bnActCode(b, act);
  const c = x.shape[x.shape.length - 1];
  if (code === undefined || !allF32(x, rm, rv, scale, offset) || count.dtype !== 'int32' || !c) return undefined;
  if ([rm, rv, scale, offset].some((t) => t && sizeOf(t.shape) !== c)) return undefined;
  const n = sizeOf(x.shape) / c;
  const outs = runIntoMany(
    args,
    [
      { shape: x.shape, dtype: 'float32' },
      { shape: [3, c], dtype: 'float32' },
      { shape: [c], dtype: 'float32' },
      { shape: [c], dtype: 'float32' },
      { shape: count.shape, dtype: 'int32' },
    ],
    [x, rm, rv, scale, offset],
    ([X, RM, RV, W, B], [Y, S, M, V]) =>
      b.batchNormTrain(
        ...[X as Float32Array, RM as Float32Array, RV as Float32Array, W, B],
        ...[Y as Float32Array, S as Float32Array, M as Float32Array, V as Float32Array],
        ...[n, c, eps, momentum],
        code || undefined,
      ),
  );
  if (!outs) return undefined;
  const backend = kernelBackend(args);
  const [C, next] = [i32(backend, 'wasm', count), i32(backend, 'wasm', outs[4])];
  for (let k = 0; k < C.length; k++) next[k] = C[k] + 1;
  return outs;
};

/** Its backward. */
const batchNormTrainGrad: NativeMultiAttempt = (args, b) => {
  const dy = input(args, 'dy');
  const x = input(args, 'x');
  const st = input(args, 'stats');
  const { act = 'none' } = attrsOf<BatchNormTrainGradAttrs>(args);
  const code = bnActCode(b, act);
  const y = act === 'reluAfter' ? input(args, 'y') : undefined;
  const c = x.shape[x.shape.length - 1];
  if (code === undefined || !allF32(dy, x, st, y) || !c) return undefined;
  if (sizeOf(dy.shape) !== sizeOf(x.shape) || sizeOf(st.shape) !== 3 * c) return undefined;
  if (y && sizeOf(y.shape) !== sizeOf(x.shape)) return undefined;
  const n = sizeOf(x.shape) / c;
  return runIntoMany(
    args,
    [
      { shape: x.shape, dtype: 'float32' },
      { shape: [c], dtype: 'float32' },
      { shape: [c], dtype: 'float32' },
    ],
    [dy, x, st, y],
    ([DY, X, S, Y], [DX, DW, DB]) =>
      code
        ? b.batchNormTrainGrad(
            ...[DY as Float32Array, X as Float32Array, S as Float32Array],
            ...[DX as Float32Array, DW as Float32Array, DB as Float32Array, n, c, code, Y],
          )
        : b.batchNormTrainGrad(
            ...[DY as Float32Array, X as Float32Array, S as Float32Array],
            ...[DX as Float32Array, DW as Float32Array, DB as Float32Array, n, c],
          ),
  );
};

/** The native attempt per kernel name. */
const ATTEMPTS: Readonly<Partial<Record<string, NativeAttempt | NativeMultiAttempt>>> = {
  [tf.Conv2D]: conv2D,
  [tf.FusedConv2D]: conv2D,
  [tf.Conv2DBackpropInput]: conv2DBackpropInput,
  [tf.Conv2DBackpropFilter]: conv2DBackpropFilter,
  [tf.BatchMatMul]: matMul,
  [tf._FusedMatMul]: matMul,
  [tf.MaxPoolGrad]: maxPoolGrad,
  [BATCH_NORM_TRAIN]: batchNormTrain,
  [BATCH_NORM_TRAIN_GRAD]: batchNormTrainGrad,
};

/** How many kernel calls oneDNN ran, per kernel name (for tests: proof that the native path ran). */
export const nativeCalls = new Map<string, number>();

function tryNative(name: string, args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] | undefined {
  const attempt = ATTEMPTS[name];
  const b = attempt && !skipped(name) ? activeBinding() : undefined;
  const out = b && attempt ? attempt(args, b) : undefined;
  if (out) nativeCalls.set(name, (nativeCalls.get(name) ?? 0) + 1);
  return out;
}

/**
 * The optimizer's loops with Adam's (and Adam-with-L2's) running in the addon (C++, AVX-512/AVX2 where the CPU
 * has them, OpenMP threads on large parameters) on the same heap offsets and numbers as `simd`'s; `simd` itself
 * when native kernels are off, `TFAI_NATIVE_SKIP` names `adam`, or off wasm. A call the addon declines runs
 * `simd`'s loop.
 * @example
 * ```ts
 * const loops = nativeOptimizerLoops(simdKernels());
 * ```
 */
export function nativeOptimizerLoops<T extends Pick<SimdKernels, 'adam' | 'adamL2'>>(
  simd: T | undefined,
): T | undefined {
  const b = simd && !skipped('adam') ? activeBinding() : undefined;
  const heap = b ? wasmHeap(tf.backend()) : undefined;
  if (!simd || !b || !heap) return simd;
  const call = (fallback: (...a: number[]) => void, a: number[], l2: number) => {
    // The heap at call time (every allocation of the step comes before its loops).
    const h = wasmHeap(tf.backend()) ?? heap;
    if (b.adam(h, ...a, l2)) nativeCalls.set('adam', (nativeCalls.get('adam') ?? 0) + 1);
    else fallback(...a);
  };
  return {
    ...simd,
    adam: (...a: Parameters<SimdKernels['adam']>) => call(simd.adam.bind(simd), a, 0),
    adamL2: (...a: Parameters<SimdKernels['adamL2']>) => {
      const l2 = a[a.length - 1];
      call((...r) => simd.adamL2(...(r as Parameters<SimdKernels['adam']>), l2), a.slice(0, -1), l2);
    },
  };
}

/**
 * `defs` with each kernel that has a native version running oneDNN first (when on, and for inputs it takes) and
 * the kernel itself otherwise; the others unchanged.
 * @example
 * ```ts
 * registerKernels(nativeFirst(matMulKernels));
 * ```
 */
export function nativeFirst(defs: readonly KernelDef[]): KernelDef[] {
  return defs.map((def): KernelDef => {
    if (!ATTEMPTS[def.name]) return def;
    if (def.fallback === 'none') {
      const make = def.kernel;
      return {
        ...def,
        kernel: (backendName: KernelBackendName) => {
          const inner = make(backendName);
          if (backendName !== 'wasm') return inner;
          return (args: KernelArgs) => tryNative(def.name, args) ?? inner(args);
        },
      };
    }
    const wrap = def.kernel;
    return {
      ...def,
      kernel: (stock: tf.KernelFunc, backendName: KernelBackendName) => {
        const inner = wrap(stock, backendName);
        if (backendName !== 'wasm') return inner;
        return (args: KernelArgs) => tryNative(def.name, args) ?? inner(args);
      },
    };
  });
}

/** Conv2D and FusedConv2D, which tfai otherwise leaves to tfjs-backend-wasm's stock (XNNPACK) kernels. */
export const nativeConvKernels: readonly KernelDef[] = nativeFirst([
  { name: tf.Conv2D, backends: ['wasm'], fallback: 'stock', kernel: (stock) => stock },
  { name: tf.FusedConv2D, backends: ['wasm'], fallback: 'stock', kernel: (stock) => stock },
]);
