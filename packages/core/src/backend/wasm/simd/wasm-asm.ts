/**
 * A minimal WebAssembly assembler: just enough of the binary format (types, one imported memory, functions,
 * exports) and of the instruction set (i32/f32 arithmetic, loads and stores, blocks and loops, the 128-bit SIMD
 * f32x4 operations) to write the few loop kernels of ./simd-kernels.ts in TypeScript and instantiate them at run
 * time against tfjs-backend-wasm's own memory. No build step, no binary file in the repository: the module's bytes
 * are made by this file when first needed (a few hundred bytes, microseconds).
 *
 * The encoding follows the WebAssembly core specification 2.0, §5 (binary format), with the opcodes of its SIMD
 * proposal (§5.4.8 "Vector Instructions": prefix 0xfd, then the opcode as an unsigned LEB128).
 * @example
 * ```ts
 * const f = new FunctionBuilder(['i32', 'i32'], ['i32']);
 * f.get(0).get(1).op(I32.add);
 * const bytes = moduleBytes({ memory: { shared: false }, functions: [{ name: 'add', fn: f }] });
 * ```
 */

/** Value types of the binary format. */
export type ValType = 'i32' | 'f32' | 'f64' | 'v128';
const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`uleb: ${n} is not a non-negative integer`);
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** Signed LEB128 (32-bit range). */
export function sleb(n: number): number[] {
  if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) throw new RangeError(`sleb: ${n} is not an i32`);
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

const utf8 = (s: string): number[] => [...new TextEncoder().encode(s)];
/** A name: its UTF-8 length, then the bytes. */
const name = (s: string): number[] => [...uleb(utf8(s).length), ...utf8(s)];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

/** Plain (unprefixed) opcodes used by the kernels. */
export const I32 = { add: 0x6a, sub: 0x6b, mul: 0x6c, and: 0x71, shl: 0x74, geU: 0x4f, ltU: 0x49, eqz: 0x45 } as const;
export const F32 = { add: 0x92, sub: 0x93, mul: 0x94, div: 0x95, sqrt: 0x91, max: 0x97, gt: 0x5e } as const;
export const F64 = { add: 0xa0, sub: 0xa1, mul: 0xa2, promoteF32: 0xbb } as const;
/** SIMD opcodes (after the 0xfd prefix). */
export const F32X4 = {
  splat: 0x13,
  gt: 0x44,
  sqrt: 0xe3,
  add: 0xe4,
  sub: 0xe5,
  mul: 0xe6,
  div: 0xe7,
  max: 0xe9,
} as const;
/** `v128.and` (after the 0xfd prefix). */
export const V128 = { and: 0x4e } as const;
export const F64X2 = { promoteLowF32x4: 0x5f, add: 0xf0, sub: 0xf1, mul: 0xf2 } as const;

/**
 * One function's body, written as a stack machine: each method appends an instruction and returns the builder.
 * Parameters are locals 0…p−1; {@link local} declares more.
 */
export class FunctionBuilder {
  private readonly code: number[] = [];
  private readonly locals: ValType[] = [];
  constructor(
    readonly params: readonly ValType[],
    readonly results: readonly ValType[] = [],
  ) {}
  /** Declares a local and returns its index. */
  local(t: ValType): number {
    this.locals.push(t);
    return this.params.length + this.locals.length - 1;
  }
  op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }
  simd(opcode: number): this {
    return this.op(0xfd, ...uleb(opcode));
  }
  get(i: number): this {
    return this.op(0x20, ...uleb(i));
  }
  set(i: number): this {
    return this.op(0x21, ...uleb(i));
  }
  tee(i: number): this {
    return this.op(0x22, ...uleb(i));
  }
  i32(v: number): this {
    return this.op(0x41, ...sleb(v));
  }
  /** `f32.const v` (v rounded to float32). */
  f32(v: number): this {
    const b = new DataView(new ArrayBuffer(4));
    b.setFloat32(0, v, true);
    return this.op(0x43, ...new Uint8Array(b.buffer));
  }
  /** `v128.const` of sixteen zero bytes (+0 in every lane). */
  v128Zero(): this {
    return this.op(0xfd, ...uleb(0x0c), ...Array<number>(16).fill(0));
  }
  /** `select`: of the two values under the i32 condition on the stack, the first if it is non-zero, else the second. */
  select(): this {
    return this.op(0x1b);
  }
  /** `f32.load` at the address on the stack (alignment hint 4 bytes). */
  f32Load(): this {
    return this.op(0x2a, 2, 0);
  }
  /** `f32.store` (address, value). */
  f32Store(): this {
    return this.op(0x38, 2, 0);
  }
  /** `f64.load` / `f64.store`, no alignment promised. */
  f64Load(): this {
    return this.op(0x2b, 0, 0);
  }
  f64Store(): this {
    return this.op(0x39, 0, 0);
  }
  /** `v128.load64_zero`: 8 bytes into the low half, zeros above; no alignment promised. */
  v128Load64Zero(): this {
    return this.op(0xfd, ...uleb(0x5d), 0, 0);
  }
  /** `v128.load` at the address on the stack; no alignment promised (hint 1 byte). */
  v128Load(): this {
    return this.op(0xfd, ...uleb(0x00), 0, 0);
  }
  /** `v128.store` (address, value); no alignment promised. */
  v128Store(): this {
    return this.op(0xfd, ...uleb(0x0b), 0, 0);
  }
  /** `i8x16.shuffle` of the two v128 on the stack, picking the given four 32-bit lanes (0–3: first, 4–7: second). */
  shuffle32(lanes: readonly [number, number, number, number]): this {
    const bytes = lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
    return this.op(0xfd, ...uleb(0x0d), ...bytes);
  }
  /** `block … end` with no result; `br 0` inside leaves it. */
  block(body: (f: this) => void): this {
    this.op(0x02, 0x40);
    body(this);
    return this.op(0x0b);
  }
  /** `loop … end` with no result; `br 0` inside jumps back to its start. */
  loop(body: (f: this) => void): this {
    this.op(0x03, 0x40);
    body(this);
    return this.op(0x0b);
  }
  br(depth: number): this {
    return this.op(0x0c, ...uleb(depth));
  }
  brIf(depth: number): this {
    return this.op(0x0d, ...uleb(depth));
  }
  /** The function's code entry (locals and body, `end` appended). */
  encode(): number[] {
    const groups: number[][] = [];
    for (const t of this.locals) groups.push([1, VALTYPE[t]]);
    const body = [...vec(groups), ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
  typeBytes(): number[] {
    return [0x60, ...vec(this.params.map((t) => [VALTYPE[t]])), ...vec(this.results.map((t) => [VALTYPE[t]]))];
  }
}

/** A module: `env.memory` imported (shared or not, as the memory it will be given), functions exported by name. */
export interface ModuleSpec {
  memory: { shared: boolean };
  functions: readonly { name: string; fn: FunctionBuilder }[];
}

/** The module's binary. */
export function moduleBytes(spec: ModuleSpec): Uint8Array {
  const fns = spec.functions;
  // Limits: flag 0 = min only; 3 = shared, min and max (a shared memory must declare a maximum; 65536 pages is
  // the whole 32-bit space, so any memory's own maximum fits under it).
  const limits = spec.memory.shared ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(fns.map((f) => f.fn.typeBytes()))),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]])),
    ...section(3, vec(fns.map((_, i) => uleb(i)))),
    ...section(7, vec(fns.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(fns.map((f) => f.fn.encode()))),
  ];
  return Uint8Array.from(bytes);
}
