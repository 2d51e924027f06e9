/**
 * Elementwise loops in WebAssembly SIMD (f32x4), run directly on tfjs-backend-wasm's heap: our own small module,
 * assembled at run time by ./wasm-asm.ts, imports the backend's `WebAssembly.Memory`, so a tensor's data is reached
 * by its byte offset (`dataIdMap.get(dataId).memoryOffset`) with no copy, as the backend's own C++ kernels reach it.
 *
 * Why: a JS loop over a `Float32Array` view is scalar float64 arithmetic; Adam's per-element square root and
 * division dominate it. Four lanes per instruction, in float32 like the unfused ops, make it several times
 * faster (the bench's optimizer steps measure it).
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
import * as tf from '@tensorflow/tfjs-core';
import { fusedEnabled } from '../../fused.js';
import { WASM, wasmMemoryOf, type WasmMemory } from '../../memory.js';
import {
  ADAM_RULE,
  SGD_MOM_RULE,
  SGD_RULE,
  type StateName,
  type StepArith,
  type StepNumber,
  type StepRule,
  type StepTensor,
} from '../../../optim/steppers.js';
import { F32, F32X4, F64, F64X2, FunctionBuilder, I32, V128, moduleBytes, type ValType } from './wasm-asm.js';

// Arguments of the optimizer loops: byte offsets into the heap, then float32 hyper-parameters.
type Ptrs = [n: number, wi: number, wo: number, g: number];
export type SgdArgs = [...Ptrs, wdMul: number, lr: number];
export type SgdMomArgs = [...Ptrs, ai: number, ao: number, wdMul: number, lr: number, mom: number];
export type AdamHyper = [
  mom: number,
  mom1: number,
  sqrMom: number,
  sqrMom1: number,
  invDebias2: number,
  eps: number,
  stepSize: number,
];
export type AdamArgs = [...Ptrs, ai: number, ao: number, si: number, so: number, wdMul: number, ...AdamHyper];

/** Byte offsets into the wasm heap are `number`s (u32); float arguments are rounded to float32 by the call. */
export interface SimdKernels {
  /** `wo = wi·wdMul − g·lr` (`g + l2·wi` in place of `g` for the `L2` variant). */
  sgd(...args: SgdArgs): void;
  sgdL2(...args: [...SgdArgs, l2: number]): void;
  /** `a = ai·mom + g; ao = a; wo = wi·wdMul − a·lr`. */
  sgdMom(...args: SgdMomArgs): void;
  sgdMomL2(...args: [...SgdMomArgs, l2: number]): void;
  /** fastai's Adam: `a = ai·mom + g·mom1; s = si·sqrMom + g²·sqrMom1; wo = wi·wdMul − a / (√(s·invDebias2) + eps)·stepSize`. */
  adam(...args: AdamArgs): void;
  adamL2(...args: [...AdamArgs, l2: number]): void;
  /** The `[rows4, cols4]` block of a `[rows, cols]` 32-bit matrix, transposed (see transposeFn). */
  transpose(rows4: number, cols4: number, rows: number, cols: number, src: number, dst: number): void;
  /** `out = a + b` (elementwise; `out` may be `a` or `b`). */
  add(n: number, a: number, b: number, out: number): void;
  /** BatchNorm, over `x` `[rows, cols]`: `d = x − shift; s1 += d; s2 += d²` into float64 `s1`, `s2` (see statsFn). */
  bnStats(rows: number, cols: number, x: number, shift: number, s1: number, s2: number): void;
  /** `sdy += dy; sdyx += dy·(x − mean)` (float64 `mean`, `sdy`, `sdyx`). */
  bnGradStats(rows: number, cols: number, dy: number, x: number, mean: number, sdy: number, sdyx: number): void;
  /** `out = (x − s)·a + c`, s, a and c float32 per channel. */
  bnAffine(rows: number, cols: number, x: number, out: number, s: number, a: number, c: number): void;
  /** `dx = k1·dy + k2·(x − mean) + k3`, the four float32 per channel. */
  bnAffineGrad(
    rows: number,
    cols: number,
    dy: number,
    x: number,
    dx: number,
    k1: number,
    k2: number,
    mean: number,
    k3: number,
  ): void;
  /** {@link bnStats} over `max(x, 0)` (BatchNorm of a ReLU's output, `reluBefore`). */
  bnStatsRelu(rows: number, cols: number, x: number, shift: number, s1: number, s2: number): void;
  /** {@link bnGradStats} over `max(x, 0)` (`reluBefore`'s backward). */
  bnGradStatsRelu(rows: number, cols: number, dy: number, x: number, mean: number, sdy: number, sdyx: number): void;
  /** {@link bnGradStats} with `g = y > 0 ? dy : 0` in place of `dy` (`reluAfter`'s backward; `y` the forward's output). */
  bnGradStatsMask(
    rows: number,
    cols: number,
    dy: number,
    x: number,
    mean: number,
    sdy: number,
    sdyx: number,
    y: number,
  ): void;
  /** `out = max((x − s)·a + c, 0)` (`reluAfter`). */
  bnAffineRelu(rows: number, cols: number, x: number, out: number, s: number, a: number, c: number): void;
  /** `out = (max(x, 0) − s)·a + c` (`reluBefore`). */
  bnReluAffine(rows: number, cols: number, x: number, out: number, s: number, a: number, c: number): void;
  /** `g = y > 0 ? dy : 0; dx = k1·g + k2·(x − mean) + k3` (`reluAfter`'s backward). */
  bnAffineGradMask(
    rows: number,
    cols: number,
    dy: number,
    x: number,
    dx: number,
    y: number,
    k1: number,
    k2: number,
    mean: number,
    k3: number,
  ): void;
  /** `dx = x > 0 ? k1·dy + k2·(max(x, 0) − mean) + k3 : 0` (`reluBefore`'s backward). */
  bnReluAffineGrad(
    rows: number,
    cols: number,
    dy: number,
    x: number,
    dx: number,
    k1: number,
    k2: number,
    mean: number,
    k3: number,
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
  /** `max(top, 0)` (a ReLU). */
  relu(): Lane;
  /** The value on top where the element at `ptr` is > 0, else +0 (a ReLU's gradient mask). */
  ifPositive(ptr: number): Lane;
}

/** The {@link Lane} of one kind over `f`, elements at `ptr + i` (i a byte offset); floats splatted in `splat`. */
function makeLane(f: FunctionBuilder, i: number, splat: Map<number, number>, kind: 'v128' | 'f32'): Lane {
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
    relu: () => (v ? f.v128Zero().simd(F32X4.max) : f.f32(0).op(F32.max), l),
    ifPositive: (ptr) => {
      if (v) {
        l.ld(ptr);
        f.v128Zero().simd(F32X4.gt).simd(V128.and);
      } else {
        f.f32(0);
        l.ld(ptr);
        f.f32(0).op(F32.gt).select();
      }
      return l;
    },
  };
  return l;
}

/** Splats the float parameters `from…to−1` into v128 locals, once, before the loops. */
function splatFloats(f: FunctionBuilder, from: number, to: number): Map<number, number> {
  const splat = new Map<number, number>();
  for (let p = from; p < to; p++) {
    const l = f.local('v128');
    f.get(p).simd(F32X4.splat).set(l);
    splat.set(p, l);
  }
  return splat;
}

/**
 * The loops over `count` elements (a local or parameter): `body` four lanes at a time while four remain, then one
 * at a time. `i` (a local, the byte offset) must be 0 on entry.
 */
function vectorThenTail(
  f: FunctionBuilder,
  count: number,
  i: number,
  end: number,
  lanes: Record<'v128' | 'f32', Lane>,
  body: (l: Lane) => void,
): void {
  const run = (kind: 'v128' | 'f32', bytes: number) =>
    f.block((b) =>
      b.loop((lp) => {
        lp.get(i).get(end).op(I32.geU).brIf(1);
        body(lanes[kind]);
        lp.get(i).i32(bytes).op(I32.add).set(i).br(0);
      }),
    );
  // end = (count & ~3) · 4 bytes: the four-lane part; then end = count · 4 for the tail (i carries over).
  f.get(count).i32(-4).op(I32.and).i32(2).op(I32.shl).set(end);
  run('v128', 16);
  f.get(count).i32(2).op(I32.shl).set(end);
  run('f32', 4);
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
  const splat = splatFloats(f, 1 + nPointers, params.length);
  const lanes = { v128: makeLane(f, i, splat, 'v128'), f32: makeLane(f, i, splat, 'f32') };
  vectorThenTail(f, 0, i, end, lanes, body);
  return f;
}

/**
 * A function `(rows, cols, ...rowPointers, ...colPointers)` over a row-major `[rows, cols]` float32 layout: `body`
 * runs for every element, the row pointers (parameters 2…) moving one row on after each row, the column pointers
 * (per-channel vectors of `cols` floats) staying: the per-channel passes of BatchNorm over NHWC activations.
 */
function rowwise(nRowPointers: number, nColPointers: number, body: (l: Lane) => void): FunctionBuilder {
  const f = new FunctionBuilder(Array<ValType>(2 + nRowPointers + nColPointers).fill('i32'));
  const i = f.local('i32');
  const end = f.local('i32');
  const rowBytes = f.local('i32');
  const lanes = { v128: makeLane(f, i, new Map(), 'v128'), f32: makeLane(f, i, new Map(), 'f32') };
  f.get(1).i32(2).op(I32.shl).set(rowBytes);
  f.block((b) =>
    b.loop((lp) => {
      lp.get(0).op(I32.eqz).brIf(1);
      lp.i32(0).set(i);
      vectorThenTail(lp, 1, i, end, lanes, body);
      for (let p = 2; p < 2 + nRowPointers; p++) lp.get(p).get(rowBytes).op(I32.add).set(p);
      lp.get(0).i32(1).op(I32.sub).set(0).br(0);
    }),
  );
  return f;
}

/** The input a BatchNorm statistics pass reads: plain, through a ReLU, or (backward) dy masked by the output's sign. */
type StatsMode = 'plain' | 'reluX' | 'maskY';

/**
 * BatchNorm's statistics pass in float64, two channels per instruction: for `x` `[rows, cols]` float32 and the
 * float64 per-channel vectors `shift`, `s1`, `s2` (`cols` each): `d = x − shift; s1 += d; s2 += d²`, row after row,
 * the very operations (and order) of kernels/batch-norm-train.ts's JS loop, so the sums are bit-identical.
 * With `withDy` it is the backward's pass instead, `(rows, cols, dy, x, mean, sdy, sdyx)`: `g = dy; sdy += g;
 * sdyx += g·(x − mean)`. `reluX` reads `max(x, 0)` in place of x (BatchNorm after a ReLU); `maskY` (backward only)
 * takes one more row pointer `y` and reads `g = y > 0 ? dy : 0` (a ReLU after the BatchNorm).
 */
function statsFn(withDy: boolean, mode: StatsMode = 'plain'): FunctionBuilder {
  // (rows, cols, x, shift, s1, s2) or (rows, cols, dy, x, mean, sdy, sdyx[, y])
  const f = new FunctionBuilder(Array<ValType>(withDy ? (mode === 'maskY' ? 8 : 7) : 6).fill('i32'));
  const [X, SHIFT, S1, S2] = withDy ? [3, 4, 5, 6] : [2, 3, 4, 5];
  const DY = 2;
  const Y = 7;
  const i = f.local('i32');
  const j8 = f.local('i32');
  const pairEnd = f.local('i32');
  const rowBytes = f.local('i32');
  const d = f.local('v128');
  const g = f.local('v128');
  const ds = f.local('f64');
  const gs = f.local('f64');
  f.get(1).i32(2).op(I32.shl).set(rowBytes);
  f.get(1).i32(-2).op(I32.and).i32(2).op(I32.shl).set(pairEnd);
  const at = (ptr: number, off: number) => f.get(ptr).get(off).op(I32.add);
  const pair = (ptr: number, relu = false) => {
    at(ptr, i).v128Load64Zero();
    if (relu) f.v128Zero().simd(F32X4.max);
    return f.simd(F64X2.promoteLowF32x4);
  };
  const one = (ptr: number, relu = false) => {
    at(ptr, i).f32Load();
    if (relu) f.f32(0).op(F32.max);
    return f.op(F64.promoteF32);
  };
  /** dy where y > 0, else +0, promoted. */
  const maskedPair = () => {
    at(DY, i).v128Load64Zero();
    at(Y, i).v128Load64Zero().v128Zero().simd(F32X4.gt).simd(V128.and);
    return f.simd(F64X2.promoteLowF32x4);
  };
  const maskedOne = () => {
    at(DY, i).f32Load().f32(0);
    at(Y, i).f32Load().f32(0).op(F32.gt).select();
    return f.op(F64.promoteF32);
  };
  // One channel pair (f64x2) or one channel (f64) at byte offset i of the row, j8 = 2i into the float64 vectors.
  const accumulate = (b: FunctionBuilder, wide: boolean) => {
    const load = wide ? pair : one;
    const ld64 = () => (wide ? b.v128Load() : b.f64Load());
    const st64 = () => (wide ? b.v128Store() : b.f64Store());
    const arith = (scalar: number, simd: number) => () => (wide ? b.simd(simd) : b.op(scalar));
    const [add, sub, mul] = [arith(F64.add, F64X2.add), arith(F64.sub, F64X2.sub), arith(F64.mul, F64X2.mul)];
    const [D, G] = wide ? [d, g] : [ds, gs];
    /** vec[j8] += value */
    const acc = (ptr: number, value: () => void) => (at(ptr, j8), at(ptr, j8), ld64(), value(), add(), st64());
    b.get(i).i32(1).op(I32.shl).set(j8);
    load(X, mode === 'reluX');
    at(SHIFT, j8);
    ld64();
    sub();
    b.set(D);
    if (withDy) {
      if (mode === 'maskY') (wide ? maskedPair : maskedOne)();
      else load(DY);
      b.set(G);
      acc(S1, () => b.get(G));
      acc(S2, () => (b.get(G).get(D), mul()));
    } else {
      acc(S1, () => b.get(D));
      acc(S2, () => (b.get(D).get(D), mul()));
    }
  };
  f.block((b) =>
    b.loop((lp) => {
      lp.get(0).op(I32.eqz).brIf(1);
      lp.i32(0).set(i);
      lp.block((pb) =>
        pb.loop((pl) => {
          pl.get(i).get(pairEnd).op(I32.geU).brIf(1);
          accumulate(pl, true);
          pl.get(i).i32(8).op(I32.add).set(i).br(0);
        }),
      );
      // An odd last channel.
      lp.block((tb) => {
        tb.get(i).get(rowBytes).op(I32.geU).brIf(0);
        accumulate(tb, false);
      });
      const rowPtrs = withDy ? [DY, X, ...(mode === 'maskY' ? [Y] : [])] : [X];
      for (const p of rowPtrs) lp.get(p).get(rowBytes).op(I32.add).set(p);
      lp.get(0).i32(1).op(I32.sub).set(0).br(0);
    }),
  );
  return f;
}

/**
 * An optimizer rule of ../../../optim/steppers.ts as a loop `(n, wi, wo, g, ...state in/out pairs, ...numbers[, l2])`:
 * pointers from parameter 1, then the rule's numbers by name in its order, `l2` last for the L2 variant. Values
 * are pushed where they are used; `let` stores one in a local at once.
 */
function ruleFn(rule: StepRule, withL2: boolean): FunctionBuilder {
  const ptrIn: Record<StepTensor, number> = { w: 1, g: 3, gradAvg: 0, sqrAvg: 0 };
  const ptrOut: Partial<Record<StateName, number>> = {};
  rule.state.forEach((name, k) => ((ptrIn[name] = 4 + 2 * k), (ptrOut[name] = 5 + 2 * k)));
  const nPointers = 3 + 2 * rule.state.length;
  const numbers: readonly StepNumber[] = withL2 ? [...rule.numbers, 'l2'] : rule.numbers;
  return elementwise(nPointers, numbers.length, (l) => {
    type Emit = () => void;
    const bin = (op: () => Lane) => (x: Emit, y: Emit) => () => (x(), y(), op());
    const arith: StepArith<Emit> = {
      load: (name) => () => l.ld(ptrIn[name]),
      k: (name) => () => l.k(1 + nPointers + numbers.indexOf(name)),
      add: bin(() => l.add()),
      sub: bin(() => l.sub()),
      mul: bin(() => l.mul()),
      div: bin(() => l.div()),
      sqrt: (x) => () => (x(), l.sqrt()),
      let: (name, x) => (x(), l.def(name), () => l.v(name)),
    };
    const out = rule.step(arith, withL2);
    for (const name of rule.state) l.st(ptrOut[name] as number, out[name] as Emit);
    l.st(2, out.w);
  });
}

function addFn(): FunctionBuilder {
  // (n, a, b, out)
  return elementwise(3, 0, (l) => l.st(3, () => l.ld(1).ld(2).add()));
}

/**
 * BatchNorm's output pass `(rows, cols, x, out, s, a, c)`: `out = (x − s)·a + c`, per channel s (a sample of the
 * channel, so the difference is exact where it is small), a and c.
 */
const affineFn = () => rowwise(2, 3, (l) => l.st(3, () => l.ld(2).ld(4).sub().ld(5).mul().ld(6).add()));
/** BatchNorm's input-gradient pass `(rows, cols, dy, x, dx, k1, k2, mean, k3)`: `dx = k1·dy + k2·(x − mean) + k3`. */
const affineGradFn = () =>
  rowwise(3, 4, (l) => l.st(4, () => l.ld(5).ld(2).mul().ld(6).ld(3).ld(7).sub().mul().add().ld(8).add()));
/** `(rows, cols, x, out, s, a, c)`: `out = max((x − s)·a + c, 0)`. */
const affineReluFn = () => rowwise(2, 3, (l) => l.st(3, () => l.ld(2).ld(4).sub().ld(5).mul().ld(6).add().relu()));
/** `(rows, cols, x, out, s, a, c)`: `out = (max(x, 0) − s)·a + c`. */
const reluAffineFn = () => rowwise(2, 3, (l) => l.st(3, () => l.ld(2).relu().ld(4).sub().ld(5).mul().ld(6).add()));
/** `(rows, cols, dy, x, dx, y, k1, k2, mean, k3)`: `dx = k1·(y > 0 ? dy : 0) + k2·(x − mean) + k3`. */
const affineGradMaskFn = () =>
  rowwise(4, 4, (l) =>
    l.st(4, () => l.ld(6).ld(2).ifPositive(5).mul().ld(7).ld(3).ld(8).sub().mul().add().ld(9).add()),
  );
/** `(rows, cols, dy, x, dx, k1, k2, mean, k3)`: `dx = x > 0 ? k1·dy + k2·(max(x, 0) − mean) + k3 : 0`. */
const reluAffineGradFn = () =>
  rowwise(3, 4, (l) =>
    l.st(4, () => l.ld(5).ld(2).mul().ld(6).ld(3).relu().ld(7).sub().mul().add().ld(8).add().ifPositive(3)),
  );

/**
 * `(rows4, cols4, rows, cols, src, dst)`: the `[rows4, cols4]` top-left block (multiples of 4) of the row-major
 * `[rows, cols]` 32-bit matrix at `src`, transposed into the `[cols, rows]` matrix at `dst`, as 4 × 4 tiles of four
 * loads, eight shuffles and four stores. The caller copies the edges.
 */
function transposeFn(): FunctionBuilder {
  const f = new FunctionBuilder(Array<ValType>(6).fill('i32'));
  const [ROWS4, COLS4, ROWS, COLS, SRC, DST] = [0, 1, 2, 3, 4, 5];
  const i = f.local('i32');
  const j = f.local('i32');
  const a = f.local('i32');
  const d = f.local('i32');
  const rowBytes = f.local('i32');
  const colBytes = f.local('i32');
  const r = [f.local('v128'), f.local('v128'), f.local('v128'), f.local('v128')];
  const t = [f.local('v128'), f.local('v128'), f.local('v128'), f.local('v128')];
  const jb = f.local('i32');
  const jEnd = f.local('i32');
  f.get(COLS).i32(2).op(I32.shl).set(rowBytes);
  f.get(ROWS).i32(2).op(I32.shl).set(colBytes);
  // Columns in blocks of 64, so that the 64 destination rows a block writes stay in the L1 cache while i moves on.
  f.i32(0).set(jb);
  f.block((bb) =>
    bb.loop((blocks) => {
      blocks.get(jb).get(COLS4).op(I32.geU).brIf(1);
      // jEnd = min(jb + 64, cols4)
      blocks.get(jb).i32(64).op(I32.add).set(jEnd);
      blocks.block((c) => {
        c.get(jEnd).get(COLS4).op(I32.ltU).brIf(0);
        c.get(COLS4).set(jEnd);
      });
      blocks.i32(0).set(i);
      blocks.block((b) =>
        b.loop((outer) => {
          outer.get(i).get(ROWS4).op(I32.geU).brIf(1);
          outer.get(jb).set(j);
          outer.block((b2) =>
            b2.loop((inner) => {
              inner.get(j).get(jEnd).op(I32.geU).brIf(1);
              // a = src + (i·cols + j)·4; d = dst + (j·rows + i)·4
              inner.get(SRC).get(i).get(COLS).op(I32.mul).get(j).op(I32.add).i32(2).op(I32.shl).op(I32.add).set(a);
              inner.get(DST).get(j).get(ROWS).op(I32.mul).get(i).op(I32.add).i32(2).op(I32.shl).op(I32.add).set(d);
              for (let q = 0; q < 4; q++) {
                inner.get(a);
                if (q > 0) inner.get(rowBytes).i32(q).op(I32.mul).op(I32.add);
                inner.v128Load().set(r[q]);
              }
              inner.get(r[0]).get(r[1]).shuffle32([0, 4, 1, 5]).set(t[0]);
              inner.get(r[0]).get(r[1]).shuffle32([2, 6, 3, 7]).set(t[1]);
              inner.get(r[2]).get(r[3]).shuffle32([0, 4, 1, 5]).set(t[2]);
              inner.get(r[2]).get(r[3]).shuffle32([2, 6, 3, 7]).set(t[3]);
              const outs: [number, number, readonly [number, number, number, number]][] = [
                [t[0], t[2], [0, 1, 4, 5]],
                [t[0], t[2], [2, 3, 6, 7]],
                [t[1], t[3], [0, 1, 4, 5]],
                [t[1], t[3], [2, 3, 6, 7]],
              ];
              outs.forEach(([x, y, lanes], q) => {
                inner.get(d);
                if (q > 0) inner.get(colBytes).i32(q).op(I32.mul).op(I32.add);
                inner.get(x).get(y).shuffle32(lanes).v128Store();
              });
              inner.get(j).i32(4).op(I32.add).set(j).br(0);
            }),
          );
          outer.get(i).i32(4).op(I32.add).set(i).br(0);
        }),
      );
      blocks.get(jb).i32(64).op(I32.add).set(jb).br(0);
    }),
  );
  return f;
}

/** The module's bytes for a memory that is shared (threaded wasm) or not. */
export function simdModuleBytes(shared: boolean): Uint8Array {
  return moduleBytes({
    memory: { shared },
    functions: [
      { name: 'add', fn: addFn() },
      { name: 'transpose', fn: transposeFn() },
      { name: 'bnStats', fn: statsFn(false) },
      { name: 'bnGradStats', fn: statsFn(true) },
      { name: 'bnAffine', fn: affineFn() },
      { name: 'bnAffineGrad', fn: affineGradFn() },
      { name: 'bnStatsRelu', fn: statsFn(false, 'reluX') },
      { name: 'bnGradStatsRelu', fn: statsFn(true, 'reluX') },
      { name: 'bnGradStatsMask', fn: statsFn(true, 'maskY') },
      { name: 'bnAffineRelu', fn: affineReluFn() },
      { name: 'bnReluAffine', fn: reluAffineFn() },
      { name: 'bnAffineGradMask', fn: affineGradMaskFn() },
      { name: 'bnReluAffineGrad', fn: reluAffineGradFn() },
      { name: 'sgd', fn: ruleFn(SGD_RULE, false) },
      { name: 'sgdL2', fn: ruleFn(SGD_RULE, true) },
      { name: 'sgdMom', fn: ruleFn(SGD_MOM_RULE, false) },
      { name: 'sgdMomL2', fn: ruleFn(SGD_MOM_RULE, true) },
      { name: 'adam', fn: ruleFn(ADAM_RULE, false) },
      { name: 'adamL2', fn: ruleFn(ADAM_RULE, true) },
    ],
  });
}

const instances = new WeakMap<WasmMemory, SimdKernels | null>();

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
      k = new WASM.Instance(module, { env: { memory: mem } }).exports as SimdKernels;
    } catch {
      k = null;
    }
    instances.set(mem, k);
  }
  return k ?? undefined;
}
