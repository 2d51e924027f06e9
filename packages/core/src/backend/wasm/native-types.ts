// The shape of @tfai/native's binding as core calls it (packages/native/index.d.ts; kept here so that core's
// types do not depend on the optional package being installed).

/** Fused activation codes: 0 linear, 1 relu, 2 relu6, 3 elu, 4 sigmoid, 5 leakyrelu. */
export type NativeActivation = 0 | 1 | 2 | 3 | 4 | 5;

/** What the addon reports about oneDNN. */
export interface NativeInfo {
  /** oneDNN's version, e.g. `2.6.3`. */
  version: string;
  /** The most capable instruction set oneDNN dispatches to on this CPU (`avx2`, `avx512_core`, …). */
  isa: string;
  /** oneDNN's thread count (0 where its runtime is not OpenMP). */
  threads: number;
  /** oneDNN's CPU threading runtime: `omp`, `tbb` or `seq`. */
  cpuRuntime: string;
  /** The last implementation oneDNN chose per primitive kind, e.g. `{ conv_fwd: 'brgconv:avx512_core' }`. */
  implementations: Record<string, string>;
  /** The last error that made a kernel return false ('' if none). */
  lastError: string;
  /** How many primitives are cached (one per shape and kind). */
  cachedPrimitives: number;
  /**
   * How many matrix products ran through the matmul primitive and through dnnl_sgemm since the addon loaded
   * (`TFAI_NATIVE_GEMM=primitive|sgemm|auto` picks; auto by a size rule).
   */
  gemmCalls: {
    /** Products run through the matmul primitive. */
    primitive: number;
    /** Products run through dnnl_sgemm. */
    sgemm: number;
  };
}

/** @tfai/native's binding (see its index.d.ts): every kernel returns false where oneDNN builds no primitive. */
export interface NativeBinding {
  conv2dForward(
    x: Float32Array,
    w: Float32Array,
    bias: Float32Array | null,
    y: Float32Array,
    dims: number[],
    act: NativeActivation,
    alpha?: number,
  ): boolean;
  conv2dBackwardData(dy: Float32Array, w: Float32Array, dx: Float32Array, dims: number[]): boolean;
  conv2dBackwardWeights(x: Float32Array, dy: Float32Array, dw: Float32Array, dims: number[]): boolean;
  matMul(
    a: Float32Array,
    b: Float32Array,
    bias: Float32Array | null,
    c: Float32Array,
    dims: number[],
    act: NativeActivation,
    alpha?: number,
  ): boolean;
  maxPoolGrad(x: Float32Array, dy: Float32Array, dx: Float32Array, dims: number[]): boolean;
  batchNormTrain(
    x: Float32Array,
    runningMean: Float32Array,
    runningVar: Float32Array,
    scale: Float32Array | null,
    offset: Float32Array | null,
    y: Float32Array,
    stats: Float32Array,
    newMean: Float32Array,
    newVar: Float32Array,
    n: number,
    c: number,
    eps: number,
    momentum: number,
    act?: 0 | 1 | 2,
  ): boolean;
  batchNormTrainGrad(
    dy: Float32Array,
    x: Float32Array,
    stats: Float32Array,
    dx: Float32Array,
    dw: Float32Array,
    db: Float32Array,
    n: number,
    c: number,
    act?: 0 | 1 | 2,
    y?: Float32Array | null,
  ): boolean;
  /** True where the BatchNorm loops take their trailing `act` (0 none, 1 ReLU after, 2 ReLU before; `y` for 1). */
  batchNormAct?: boolean;
  adam(heap: Uint8Array, ...args: number[]): boolean;
  info(): NativeInfo;
  setThreads(n: number): boolean;
  clearCache(): void;
}
