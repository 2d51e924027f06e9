/**
 * Elementwise loops in WebAssembly SIMD (f32x4), run directly on tfjs-backend-wasm's heap: our own small module,
 * assembled at run time by ./wasm-asm.ts, imports the backend's `WebAssembly.Memory`, so a tensor's data is reached
 * by its byte offset (`dataIdMap.get(dataId).memoryOffset`) with no copy, as the backend's own C++ kernels reach it.
 *
 * Why: a JS loop over a `Float32Array` view is scalar float64 arithmetic; Adam's per-element square root and
 * division dominate it (measured in Node 20 over 209 K elements: 2.0 ms, of which 1.1 ms is the sqrt and the
 * division). Four lanes per instruction, in float32 like the unfused ops, take that down to ~0.3 ms.
 *
 * Every loop runs four elements per iteration, then a scalar float32 tail (same operations in the same order, so
 * an element's result does not depend on where it falls). Inputs and outputs may be the same memory (in-place
 * state): each element is read before it is written.
 *
 * Switched off with the others by `TFAI_FUSED=0`, alone by `TFAI_FUSED=-simd` (the JS loops then run).
 * @example
 * ```ts
 * const k = simdKernels(); // undefined off wasm, or where the module cannot be made
 * k?.adam(n, wi, wo, g, ai, ao, si, so, wdMul, mom, 1 - mom, sqrMom, 1 - sqrMom, invDebias2, eps, stepSize);
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { fusedEnabled } from '../../fused.js';
import { F32, F32X4, FunctionBuilder, I32, moduleBytes, type ValType } from './wasm-asm.js';

/** Byte offsets into the wasm heap are `number`s (u32); float arguments are rounded to float32 by the call. */
export interface SimdKernels {
  /** `wo = wi·wdMul − g·lr` (`g + l2·wi` in place of `g` for the `L2` variant). */
  sgd(n: number, wi: number, wo: number, g: number, wdMul: number, lr: number): void;
  sgdL2(n: number, wi: number, wo: number, g: number, wdMul: number, lr: number, l2: number): void;
  /** `out = a + b` (elementwise; `out` may be `a` or `b`). */
  add(n: number, a: number, b: number, out: number): void;
  /** `a = ai·mom + g; ao = a; wo = wi·wdMul − a·lr`. */
  sgdMom(
    n: number,
    wi: number,
    wo: number,
    g: number,
    ai: number,
    ao: number,
    wdMul: number,
    lr: number,
    mom: number,
  ): void;
  sgdMomL2(
    n: number,
    wi: number,
    wo: number,
    g: number,
    ai: number,
    ao: number,
    wdMul: number,
    lr: number,
    mom: number,
    l2: number,
  ): void;
  /** fastai's Adam: `a = ai·mom + g·mom1; s = si·sqrMom + g²·sqrMom1; wo = wi·wdMul − a / (√(s·invDebias2) + eps)·stepSize`. */
  adam(
    n: number,
    wi: number,
    wo: number,
    g: number,
    ai: number,
    ao: number,
    si: number,
    so: number,
    wdMul: number,
    mom: number,
    mom1: number,
    sqrMom: number,
    sqrMom1: number,
    invDebias2: number,
    eps: number,
    stepSize: number,
  ): void;
  adamL2(
    n: number,
    wi: number,
    wo: number,
    g: number,
    ai: number,
    ao: number,
    si: number,
    so: number,
    wdMul: number,
    mom: number,
    mom1: number,
    sqrMom: number,
    sqrMom1: number,
    invDebias2: number,
    eps: number,
    stepSize: number,
    l2: number,
  ): void;
}

/** What a loop body sees: the same program emitted once for four lanes (v128) and once for the scalar tail (f32). */
interface Lane {
  /** Pushes the element at `ptr` (a pointer parameter) + the loop's offset. */
  ld(ptr: number): Lane;
  /** Stores the value `value()` pushes at `ptr` + the loop's offset. */
  st(ptr: number, value: () => void): Lane;
  /** Pushes the float parameter `p` (splatted across the lanes once, before the loop). */
  k(p: number): Lane;
  /** Pops into / pushes the named temporary. */
  def(name: string): Lane;
  v(name: string): Lane;
  add(): Lane;
  sub(): Lane;
  mul(): Lane;
  div(): Lane;
  sqrt(): Lane;
}

/**
 * A function `(n, ...pointers, ...floats)` whose body runs over elements 0…n−1: four at a time, then one at a time.
 * `body` is emitted twice, once per {@link Lane}.
 */
function elementwise(nPointers: number, nFloats: number, body: (l: Lane) => void): FunctionBuilder {
  const params: ValType[] = ['i32', ...Array<ValType>(nPointers).fill('i32'), ...Array<ValType>(nFloats).fill('f32')];
  const f = new FunctionBuilder(params);
  const i = f.local('i32');
  const end = f.local('i32');
  const splat = new Map<number, number>();
  for (let p = 1 + nPointers; p < params.length; p++) {
    const l = f.local('v128');
    f.get(p).simd(F32X4.splat).set(l);
    splat.set(p, l);
  }
  const lane = (kind: 'v128' | 'f32'): Lane => {
    const temps = new Map<string, number>();
    const temp = (name: string) => {
      let t = temps.get(name);
      if (t === undefined) temps.set(name, (t = f.local(kind)));
      return t;
    };
    const v = kind === 'v128';
    const arith = (scalar: number, simd: number) => () => (v ? f.simd(simd) : f.op(scalar), l);
    const l: Lane = {
      ld: (ptr) => (f.get(ptr).get(i).op(I32.add), v ? f.v128Load() : f.f32Load(), l),
      st: (ptr, value) => (f.get(ptr).get(i).op(I32.add), value(), v ? f.v128Store() : f.f32Store(), l),
      k: (p) => (f.get(v ? (splat.get(p) as number) : p), l),
      def: (name) => (f.set(temp(name)), l),
      v: (name) => (f.get(temp(name)), l),
      add: arith(F32.add, F32X4.add),
      sub: arith(F32.sub, F32X4.sub),
      mul: arith(F32.mul, F32X4.mul),
      div: arith(F32.div, F32X4.div),
      sqrt: arith(F32.sqrt, F32X4.sqrt),
    };
    return l;
  };
  const run = (kind: 'v128' | 'f32', bytes: number) =>
    f.block((b) =>
      b.loop((lp) => {
        lp.get(i).get(end).op(I32.geU).brIf(1);
        body(lane(kind));
        lp.get(i).i32(bytes).op(I32.add).set(i).br(0);
      }),
    );
  // end = (n & ~3) · 4 bytes: the four-lane part; then end = n · 4 for the tail (i carries over).
  f.get(0).i32(-4).op(I32.and).i32(2).op(I32.shl).set(end);
  run('v128', 16);
  f.get(0).i32(2).op(I32.shl).set(end);
  run('f32', 4);
  return f;
}

// Parameter indices: 0 is n; pointers follow from 1; floats after the pointers.

/** gi = g (+ l2·w): pushes it. */
const grad = (l: Lane, g: number, l2: number | undefined) => {
  l.ld(g);
  if (l2 !== undefined) l.k(l2).v('w').mul().add();
};

function sgdFn(withL2: boolean): FunctionBuilder {
  // (n, wi, wo, g, wdMul, lr[, l2])
  return elementwise(3, withL2 ? 3 : 2, (l) => {
    l.ld(1).def('w');
    l.st(2, () => {
      l.v('w').k(4).mul();
      grad(l, 3, withL2 ? 6 : undefined);
      l.k(5).mul().sub();
    });
  });
}

function sgdMomFn(withL2: boolean): FunctionBuilder {
  // (n, wi, wo, g, ai, ao, wdMul, lr, mom[, l2])
  return elementwise(5, withL2 ? 4 : 3, (l) => {
    l.ld(1).def('w');
    l.ld(4).k(8).mul();
    grad(l, 3, withL2 ? 9 : undefined);
    l.add().def('a');
    l.st(5, () => l.v('a'));
    l.st(2, () => l.v('w').k(6).mul().v('a').k(7).mul().sub());
  });
}

function adamFn(withL2: boolean): FunctionBuilder {
  // (n, wi, wo, g, ai, ao, si, so, wdMul, mom, mom1, sqrMom, sqrMom1, invDebias2, eps, stepSize[, l2])
  return elementwise(7, withL2 ? 9 : 8, (l) => {
    l.ld(1).def('w');
    grad(l, 3, withL2 ? 16 : undefined);
    l.def('g');
    l.ld(4).k(9).mul().v('g').k(10).mul().add().def('a');
    l.ld(6).k(11).mul().v('g').v('g').mul().k(12).mul().add().def('s');
    l.st(5, () => l.v('a'));
    l.st(7, () => l.v('s'));
    l.st(2, () => {
      l.v('w').k(8).mul();
      l.v('a').v('s').k(13).mul().sqrt().k(14).add().div().k(15).mul();
      l.sub();
    });
  });
}

function addFn(): FunctionBuilder {
  // (n, a, b, out)
  return elementwise(3, 0, (l) => l.st(3, () => l.ld(1).ld(2).add()));
}

/** The module's bytes for a memory that is shared (threaded wasm) or not. */
export function simdModuleBytes(shared: boolean): Uint8Array {
  return moduleBytes({
    memory: { shared },
    functions: [
      { name: 'add', fn: addFn() },
      { name: 'sgd', fn: sgdFn(false) },
      { name: 'sgdL2', fn: sgdFn(true) },
      { name: 'sgdMom', fn: sgdMomFn(false) },
      { name: 'sgdMomL2', fn: sgdMomFn(true) },
      { name: 'adam', fn: adamFn(false) },
      { name: 'adamL2', fn: adamFn(true) },
    ],
  });
}

// The WebAssembly JS API, typed here (core's TypeScript libs have no DOM, and @types/node declares only part of it).
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
export interface WasmApi {
  Memory: new (desc: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
}
/** `globalThis.WebAssembly`, or undefined in a runtime without it. */
export const WASM = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface WasmModuleLike {
  HEAPU8?: Uint8Array;
  wasmMemory?: unknown;
  asm?: { memory?: unknown };
}

const instances = new WeakMap<WasmMemory, SimdKernels | null>();

/** The backend's `WebAssembly.Memory` (imported by the threaded build, exported by the others). */
export function wasmMemoryOf(backend: tf.KernelBackend): WasmMemory | undefined {
  const mod = (backend as unknown as { wasm?: WasmModuleLike }).wasm;
  const mem = mod?.wasmMemory ?? mod?.asm?.memory;
  if (!WASM || !(mem instanceof WASM.Memory) || mod?.HEAPU8?.buffer !== mem.buffer) return undefined;
  return mem;
}

/**
 * The SIMD loops over the current wasm backend's heap, or undefined: off wasm, with `TFAI_FUSED=-simd`, or where
 * the module cannot be compiled (a runtime without WebAssembly SIMD).
 */
export function simdKernels(): SimdKernels | undefined {
  if (tf.getBackend() !== 'wasm' || !fusedEnabled('simd')) return undefined;
  const mem = wasmMemoryOf(tf.backend());
  if (!mem || !WASM) return undefined;
  let k = instances.get(mem);
  if (k === undefined) {
    try {
      const shared = typeof SharedArrayBuffer !== 'undefined' && mem.buffer instanceof SharedArrayBuffer;
      const module = new WASM.Module(simdModuleBytes(shared));
      k = new WASM.Instance(module, { env: { memory: mem } }).exports as unknown as SimdKernels;
    } catch {
      k = null;
    }
    instances.set(mem, k);
  }
  return k ?? undefined;
}
