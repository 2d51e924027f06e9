/** Fused activation codes: 0 linear, 1 relu, 2 relu6, 3 elu, 4 sigmoid, 5 leakyrelu (alpha: its slope). */
export type Activation = 0 | 1 | 2 | 3 | 4 | 5;

/** What the addon reports about oneDNN. */
export interface NativeInfo {
  /** oneDNN's version, e.g. `2.6.0`. */
  version: string;
  /** The most capable instruction set oneDNN dispatches to on this CPU (`avx2`, `avx512_core`, …). */
  isa: string;
  /** oneDNN's thread count (OpenMP's), 0 when its runtime is not OpenMP. */
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

/**
 * The compiled binding. Every kernel reads its Float32Arrays' data pointers at call time and keeps none; it
 * returns false (computing nothing) where oneDNN builds no primitive for the shape.
 * conv dims: [n, h, w, ci, co, kh, kw, oh, ow, sh, sw, dh, dw, padTop, padLeft, padBottom, padRight] (NHWC
 * activations, HWIO filters, dilation ≥ 1); matMul dims: [batchA, batchB, m, k, n, transposeA, transposeB].
 */
export interface NativeBinding {
  /** y = act(conv(x, w) + bias). */
  conv2dForward(
    x: Float32Array,
    w: Float32Array,
    bias: Float32Array | null,
    y: Float32Array,
    dims: number[],
    act: Activation,
    alpha?: number,
  ): boolean;
  /** dx of a convolution, from dy and the filter. */
  conv2dBackwardData(dy: Float32Array, w: Float32Array, dx: Float32Array, dims: number[]): boolean;
  /** dW of a convolution, from x and dy. */
  conv2dBackwardWeights(x: Float32Array, dy: Float32Array, dw: Float32Array, dims: number[]): boolean;
  /** c = act(op(a) · op(b) + bias), batched (batch 1 broadcasts). */
  matMul(
    a: Float32Array,
    b: Float32Array,
    bias: Float32Array | null,
    c: Float32Array,
    dims: number[],
    act: Activation,
    alpha?: number,
  ): boolean;
  /**
   * MaxPool's gradient (plain C++ loop): dy routed to each window's first maximum of x (NaN counts as the maximum).
   * dims: [n, h, w, c, outHeight, outWidth, windowHeight, windowWidth, strideHeight, strideWidth, padTop, padLeft].
   */
  maxPoolGrad(x: Float32Array, dy: Float32Array, dx: Float32Array, dims: number[]): boolean;
  /**
   * BatchNorm in training mode over x [n, c] (plain C++ loops; @tfai/core's kernels/batch-norm-train.ts): y, stats
   * [3, c] (mean, invstd, weight), and the new running mean and variance.
   */
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
  /** Its backward: dx, dweight, doffset from dy, x and the forward's stats. */
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
  /**
   * fastai's Adam step on n floats (plain C++ loop), arrays as byte offsets into `heap` (the wasm heap):
   * (heap, n, wi, wo, g, ai, ao, si, so, wdMul, mom, mom1, sqrMom, sqrMom1, invDebias2, eps, stepSize, l2).
   */
  adam(heap: Uint8Array, ...args: number[]): boolean;
  /** oneDNN's version, ISA, threads and chosen implementations. */
  info(): NativeInfo;
  /** Sets oneDNN's thread count (false where its runtime is not OpenMP). */
  setThreads(n: number): boolean;
  /** Drops every cached primitive. */
  clearCache(): void;
}

/** The path of the compiled addon. */
export declare const binaryPath: string;
/** Why the addon is not built (the build's reason), or undefined when it is. */
export declare function unavailableReason(): string | undefined;
/** The binding; throws with the reason when it is not built. */
export declare function load(): NativeBinding;
