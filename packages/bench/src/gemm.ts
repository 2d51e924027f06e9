// The ceiling under the bench's ratios: one float32 matrix product C = A·B at each model's dominant shape, on
// tfjs-backend-wasm (XNNPACK, 128-bit WebAssembly SIMD) and in PyTorch (torch/gemm.py, its BLAS), in GFLOP/s.
// A training step whose time is mostly such products cannot be faster, relative to PyTorch, than their ratio.
// run.ts runs it once per thread count (BENCH_GEMM=0 skips it); alone (in packages/bench): `THREADS=1 node
// --conditions=@tfai/source --import tsx src/gemm.ts` prints `RESULT {json}`.
import * as tf from '@tensorflow/tfjs-core';
import { nativeKernelStatus, setBackend, setNativeKernels } from '@tfai/core/backend';
import { wasmThreadCount } from './wasm-threads.js';

/** [m, k, n] and where it comes from (run.ts hands the list to torch/gemm.py). */
export const GEMM_SHAPES: readonly { m: number; k: number; n: number; what: string }[] = [
  { m: 4096, k: 576, n: 64, what: 'resnet18: layer1 3x3 conv as a product (bs16, 16x16 maps)' },
  { m: 1024, k: 1152, n: 128, what: 'resnet18: layer2 3x3 conv as a product (bs16, 8x8 maps)' },
  { m: 512, k: 73, n: 200, what: 'tabular: first Linear (bs512)' },
  { m: 512, k: 200, n: 100, what: 'tabular: second Linear (bs512)' },
  { m: 1120, k: 400, n: 5000, what: 'lstm: decoder (T70 x bs16, emb 400, vocab 5000)' },
  { m: 16, k: 256, n: 1024, what: 'lstm h256: one recurrent step h·W_hh (bs16)' },
  { m: 16, k: 1152, n: 4608, what: 'lstm h1152: one recurrent step h·W_hh (bs16)' },
  { m: 2304, k: 100, n: 1024, what: 'awdlstm: input projection of a 72-token chunk (bs32)' },
];

export interface GemmResult {
  threads: number | null;
  /**
   * wasm's (XNNPACK) figures; native_*: the same product through oneDNN (@tfai/native) as it runs by default
   * (`TFAI_NATIVE_GEMM=auto`, or as the environment sets it), native_primitive_* / native_sgemm_*: forced through oneDNN's matmul primitive or
   * its dnnl_sgemm; null without the addon.
   */
  shapes: {
    m: number;
    k: number;
    n: number;
    what: string;
    ms: number;
    gflops: number;
    native_ms: number | null;
    native_gflops: number | null;
    native_primitive_gflops: number | null;
    native_sgemm_gflops: number | null;
  }[];
  /** oneDNN's version and ISA, or why native kernels are off. */
  native: string;
}

/** The median ms of one product a·b (3 warm-up calls, then at least 5 calls and ~0.3 s). */
async function time(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const once = async () => {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  };
  for (let i = 0; i < 3; i++) await once();
  const times: number[] = [];
  const t0 = performance.now();
  while (times.length < 5 || performance.now() - t0 < 300) {
    const t = performance.now();
    await once();
    times.push(performance.now() - t);
  }
  times.sort((x, y) => x - y);
  return times[times.length >> 1];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await setBackend('wasm', { threads: Number(process.env.THREADS ?? '1') });
  const shapes: GemmResult['shapes'] = [];
  const status = nativeKernelStatus();
  const gf = (s: { m: number; k: number; n: number }, ms: number) => Math.round((2 * s.m * s.k * s.n) / ms / 1e5) / 10;
  for (const s of GEMM_SHAPES) {
    const a = tf.randomNormal([s.m, s.k]);
    const b = tf.randomNormal([s.k, s.n]);
    setNativeKernels(false);
    const ms = await time(a, b);
    const on = setNativeKernels(true);
    // The addon reads TFAI_NATIVE_GEMM per call; `native` is the path the environment asks for (auto unless set).
    const asked = process.env.TFAI_NATIVE_GEMM;
    const nativeWith = async (path: string) => {
      process.env.TFAI_NATIVE_GEMM = path;
      return on ? await time(a, b) : null;
    };
    const [nativeMs, primitiveMs, sgemmMs] = [
      await nativeWith(asked ?? 'auto'),
      await nativeWith('primitive'),
      await nativeWith('sgemm'),
    ];
    if (asked === undefined) Reflect.deleteProperty(process.env, 'TFAI_NATIVE_GEMM');
    else process.env.TFAI_NATIVE_GEMM = asked;
    const gfOr = (t: number | null) => (t === null ? null : gf(s, t));
    shapes.push({
      ...s,
      ms: Math.round(ms * 1000) / 1000,
      gflops: gf(s, ms),
      native_ms: nativeMs === null ? null : Math.round(nativeMs * 1000) / 1000,
      native_gflops: gfOr(nativeMs),
      native_primitive_gflops: gfOr(primitiveMs),
      native_sgemm_gflops: gfOr(sgemmMs),
    });
    tf.dispose([a, b]);
  }
  setNativeKernels(undefined);
  const native = status.available ? `oneDNN ${status.version} ${status.isa}` : `unavailable: ${status.reason}`;
  const r: GemmResult = { threads: wasmThreadCount(), shapes, native };
  console.log(`RESULT ${JSON.stringify(r)}`);
  process.exit(0);
}
