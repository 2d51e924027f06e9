// A pickle virtual machine for data only (protocols 0–5, the opcodes `torch.save` and `pickle.dump` of plain
// data produce), after CPython's Lib/pickle.py `_Unpickler` and Lib/pickletools.py's opcode table. No code from
// the file ever runs: a GLOBAL / STACK_GLOBAL / INST naming anything outside the caller's allow-list throws
// UnsafePickleError at that opcode, and REDUCE / NEWOBJ / BUILD only apply the caller's handlers of allowed globals.
import { PickleError, UnsafePickleError } from '../../errors.js';

/**
 * A global (`module.name`) that the allow-list let through, as a value on the pickle stack (and in results, e.g. a
 * dtype saved as a plain value).
 * @example
 * ```ts
 * String(new PickleGlobal('torch', 'float16')); // 'torch.float16'
 * ```
 */
export class PickleGlobal {
  constructor(
    /** The Python module of the global, e.g. `torch` or `collections`. */
    readonly module: string,
    /** The global's name inside its module, e.g. `float16` or `OrderedDict`. */
    readonly name: string,
  ) {}
  /** `module.name`. */
  toString(): string {
    return `${this.module}.${this.name}`;
  }
}

/** What an allow-listed global does when the pickle calls it (REDUCE, NEWOBJ) or builds it (BUILD). */
export interface GlobalHandler {
  /** Called with the argument tuple; returns the object to push. Absent: the global may only be a value. */
  call?: (args: readonly unknown[], position: number) => unknown;
}

/** Options of {@link unpickle}. */
export interface UnpickleOptions {
  /** Names the source in errors. */
  file?: string;
  /** Where to start reading (byte offset); legacy checkpoints hold several pickles back to back. */
  offset?: number;
  /** Allowed globals, keyed `module.name`. Anything else is an {@link UnsafePickleError}. */
  globals?: ReadonlyMap<string, GlobalHandler>;
  /** BINPERSID / PERSID: turns a persistent id into an object (PyTorch's storages). Absent: persistent ids are an error. */
  persistentLoad?: (pid: unknown, position: number) => unknown;
  /** BUILD on an object that is not a dict: return true when handled (absent: an error). */
  build?: (inst: unknown, state: unknown, position: number) => boolean;
  /** Deepest nesting of tuples, lists, dicts and sets the pickle may build (default 1000, `MAX_PICKLE_DEPTH`). */
  maxDepth?: number;
  /** Longest integer a LONG1/LONG4 opcode may hold, in bytes (default 65 536, `MAX_LONG_BYTES`). */
  maxLongBytes?: number;
}

/** Default nesting limit of {@link unpickle} (CPython's default recursion limit; a state dict nests 3 deep). */
export const MAX_PICKLE_DEPTH = 1000;
/** Default size limit of a pickled long integer (LONG1/LONG4) in bytes; PyTorch's magic number takes 10. */
export const MAX_LONG_BYTES = 1 << 16;
/** Most digits a text INT/LONG may hold: CPython's `sys.int_info.default_max_str_digits`. */
const MAX_INT_DIGITS = 4300;
/** Longest string form of a non-string dict key (a tuple key such as `(1, 2)`). */
const MAX_KEY_CHARS = 1 << 16;

/** What {@link unpickle} returns: the object and the offset just after its STOP opcode. */
export interface UnpickleResult {
  /** The object built: dicts as plain objects, lists as arrays, tuples as frozen arrays, ints as numbers (bigints past 2^53). */
  value: unknown;
  /** Byte offset just after the STOP opcode, where whatever follows the pickle in the buffer starts. */
  end: number;
}

const MARK = Symbol('mark');

/** True for the plain objects that stand for Python dicts. */
export function isPickleDict(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype;
}

/** A Python dict key as a JS property name: strings as they are, numbers in decimal, tuples as `(a, b)`. */
function keyOf(k: unknown, fail: (why: string) => never): string {
  if (typeof k === 'string') return k;
  // Iterative (an explicit stack: nested tuple keys must not overflow the JS stack) and length-capped (a tuple
  // key that repeats one shared tuple at every level would otherwise spell out 2^depth elements).
  const out: string[] = [];
  let len = 0;
  const todo: unknown[] = [k];
  const literal = (s: string) => ({ literal: s });
  while (todo.length) {
    const x = todo.pop();
    let s: string;
    if (typeof x === 'object' && x !== null && 'literal' in x && !Array.isArray(x))
      s = (x as { literal: string }).literal;
    else if (typeof x === 'string') s = x;
    else if (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean') s = String(x);
    else if (x === null) s = 'None';
    else if (Array.isArray(x) && Object.isFrozen(x)) {
      todo.push(literal(')'));
      for (let i = x.length - 1; i >= 0; i--) {
        todo.push(x[i]);
        if (i > 0) todo.push(literal(', '));
      }
      s = '(';
    } else return fail(`unsupported dict key of type ${describe(x)}`);
    len += s.length;
    if (len > MAX_KEY_CHARS) return fail(`dict key longer than ${MAX_KEY_CHARS} characters`);
    out.push(s);
  }
  return out.join('');
}

/** Sets a dict entry as an own property, so that a key such as `__proto__` is data and never a prototype. */
export function setDictItem(d: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(d, key, { value, enumerable: true, writable: true, configurable: true });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** An integer as a JS number when it is exact, else a bigint. */
const intValue = (b: bigint): number | bigint =>
  b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;

/**
 * Runs a pickle on the data-only VM and returns the object it builds.
 * @example
 * ```ts
 * const { value } = unpickle(await readFile('itos_wt103.pkl'), { file: 'itos_wt103.pkl' });
 * ```
 */
export function unpickle(input: Uint8Array, opts: UnpickleOptions = {}): UnpickleResult {
  const buf = new Uint8Array(input.buffer, input.byteOffset, input.byteLength); // Uint8Array semantics, even for a Buffer
  const file = opts.file ?? '<buffer>';
  const maxDepth = opts.maxDepth ?? MAX_PICKLE_DEPTH;
  const maxLongBytes = opts.maxLongBytes ?? MAX_LONG_BYTES;
  const globals = opts.globals ?? new Map<string, GlobalHandler>();
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = opts.offset ?? 0;
  let opPos = pos;
  const fail = (why: string, at = opPos): never => {
    throw new PickleError(file, why, at);
  };
  const need = (n: number) => {
    if (n < 0 || pos + n > buf.byteLength)
      fail(`truncated pickle: needs ${n} more bytes, ${Math.max(0, buf.byteLength - pos)} left`);
  };
  const u8 = () => (need(1), buf[pos++]);
  const u16 = () => (need(2), (pos += 2), view.getUint16(pos - 2, true));
  const i32 = () => (need(4), (pos += 4), view.getInt32(pos - 4, true));
  const u32 = () => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const u64 = () => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(buf.byteLength)) fail(`length ${v} exceeds the file size`);
    return Number(v);
  };
  const bytes = (n: number) => {
    need(n);
    pos += n;
    return buf.subarray(pos - n, pos);
  };
  const line = () => {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) fail('truncated pickle: no newline after a text argument');
    const s = latin1.decode(buf.subarray(pos, nl));
    pos = nl + 1;
    return s;
  };
  const str = (n: number) => {
    try {
      return utf8.decode(bytes(n));
    } catch (e) {
      if (e instanceof PickleError) throw e;
      return fail('string is not valid UTF-8');
    }
  };
  // Linear time: the bytes as one hex string parsed by BigInt (a shift per byte is quadratic in the length).
  const longLE = (b: Uint8Array): number | bigint => {
    if (b.length === 0) return 0;
    if (b.length > maxLongBytes) fail(`long integer of ${b.length} bytes (the limit is ${maxLongBytes})`);
    const hex: string[] = new Array<string>(b.length);
    for (let i = 0; i < b.length; i++) hex[b.length - 1 - i] = HEX[b[i]];
    let v = BigInt(`0x${hex.join('')}`);
    if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return intValue(v);
  };
  const decimal = (s: string, what: string): number | bigint => {
    if (!/^[+-]?\d+$/.test(s)) fail(`${what} argument '${s.slice(0, 40)}' is not an integer`);
    if (s.length > MAX_INT_DIGITS + 1) fail(`${what} argument of ${s.length} digits (the limit is ${MAX_INT_DIGITS})`);
    return intValue(BigInt(s));
  };

  // Nesting depth of the containers built so far (an explicit record, no recursion): a container is one deeper
  // than its deepest item when built or added to.
  const depths = new WeakMap<object, number>();
  const depthOf = (v: unknown): number => (typeof v === 'object' && v !== null ? (depths.get(v) ?? 0) : 0);
  const deepen = (c: object, d: number) => {
    if (d > maxDepth) fail(`containers nested deeper than ${maxDepth} levels`);
    if (d > (depths.get(c) ?? 0)) depths.set(c, d);
  };
  const built = <T extends object>(c: T, items: Iterable<unknown>): T => {
    let d = 0;
    for (const x of items) d = Math.max(d, depthOf(x));
    deepen(c, d + 1);
    return c;
  };

  const stack: unknown[] = [];
  const metastack: unknown[][] = [];
  const memo = new Map<number, unknown>();
  let current: unknown[] = stack;

  const push = (v: unknown) => current.push(v);
  const pop = (): unknown => {
    if (current.length === 0) fail('stack underflow');
    const v = current.pop();
    if (v === MARK) fail('unexpected MARK on the stack');
    return v;
  };
  const top = (): unknown => {
    if (current.length === 0) fail('stack underflow');
    return current[current.length - 1];
  };
  const popMark = (): unknown[] => {
    const items = current;
    const prev = metastack.pop();
    if (!prev) fail('no MARK for this opcode');
    current = prev as unknown[];
    return items;
  };
  const memoGet = (i: number) => {
    if (!memo.has(i)) fail(`memo key ${i} not defined`);
    return memo.get(i);
  };
  const resolveGlobal = (module: string, name: string): PickleGlobal => {
    const full = `${module}.${name}`;
    if (!globals.has(full)) throw new UnsafePickleError(file, module, name, opPos);
    return new PickleGlobal(module, name);
  };
  const call = (fn: unknown, args: unknown): unknown => {
    if (!(fn instanceof PickleGlobal)) return fail(`cannot call a ${describe(fn)}`);
    if (!Array.isArray(args)) return fail(`arguments of ${fn} are a ${describe(args)}, not a tuple`);
    const h = globals.get(fn.toString());
    if (!h?.call) return fail(`${fn} cannot be called`);
    return h.call(args, opPos);
  };
  const dictTarget = (d: unknown): Record<string, unknown> =>
    isPickleDict(d) ? d : fail(`SETITEM on a ${describe(d)}, not a dict`);
  const setItems = (d: Record<string, unknown>, items: unknown[]) => {
    if (items.length % 2) fail('odd number of items for SETITEMS');
    for (let i = 0; i < items.length; i += 2) setDictItem(d, keyOf(items[i], fail), items[i + 1]);
    built(d, items);
  };
  const listTarget = (l: unknown): unknown[] =>
    Array.isArray(l) && !Object.isFrozen(l) ? l : fail(`APPEND on a ${describe(l)}, not a list`);
  const tuple = (items: unknown[]) => Object.freeze(built(items, items));

  for (;;) {
    opPos = pos;
    if (pos >= buf.byteLength) fail('truncated pickle: no STOP opcode');
    const op = buf[pos++];
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail('pickle protocol above 5');
        break;
      case 0x95: // FRAME: framing is transparent to a reader of the whole buffer
        u64();
        break;
      case 0x2e: // STOP
        if (metastack.length) fail('STOP inside a MARK');
        return { value: pop(), end: pos };
      case 0x28: // MARK
        metastack.push(current);
        current = [];
        break;
      case 0x30: // POP
        if (current.length) current.pop();
        else popMark();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        push(top());
        break;
      case 0x4e: // NONE
        push(null);
        break;
      case 0x88: // NEWTRUE
        push(true);
        break;
      case 0x89: // NEWFALSE
        push(false);
        break;
      case 0x49: {
        // INT (text): I01/I00 are the booleans of protocol 0
        const s = line().trim();
        if (s === '01' || s === '00') push(s === '01');
        else push(decimal(s, 'INT'));
        break;
      }
      case 0x4a: // BININT
        push(i32());
        break;
      case 0x4b: // BININT1
        push(u8());
        break;
      case 0x4d: // BININT2
        push(u16());
        break;
      case 0x4c: {
        // LONG (text)
        push(decimal(line().trim().replace(/L$/, ''), 'LONG'));
        break;
      }
      case 0x8a: // LONG1
        push(longLE(bytes(u8())));
        break;
      case 0x8b: {
        // LONG4
        const n = i32();
        if (n < 0) fail('negative LONG4 length');
        if (n > maxLongBytes) fail(`long integer of ${n} bytes (the limit is ${maxLongBytes})`);
        push(longLE(bytes(n)));
        break;
      }
      case 0x47: // BINFLOAT (big-endian double)
        need(8);
        push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x46: {
        // FLOAT (text)
        const s = line().trim();
        const v = Number(s);
        if (Number.isNaN(v) && !/^[+-]?nan$/i.test(s)) fail(`FLOAT argument '${s}' is not a number`);
        push(v);
        break;
      }
      case 0x58: // BINUNICODE
        push(str(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        push(str(u8()));
        break;
      case 0x8d: // BINUNICODE8
        push(str(u64()));
        break;
      case 0x56: {
        // UNICODE (raw-unicode-escape text)
        const s = line().replace(
          /\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g,
          (_m, a: string | undefined, b: string | undefined) => {
            const cp = parseInt(a ?? b ?? '0', 16);
            return cp <= 0x10ffff
              ? String.fromCodePoint(cp)
              : fail(`UNICODE argument has code point 0x${cp.toString(16)}`);
          },
        );
        push(s);
        break;
      }
      case 0x54: {
        // BINSTRING (Python 2 str, read as latin-1 text)
        const n = i32();
        if (n < 0) fail('negative BINSTRING length');
        push(latin1.decode(bytes(n)));
        break;
      }
      case 0x55: // SHORT_BINSTRING
        push(latin1.decode(bytes(u8())));
        break;
      case 0x53: {
        // STRING (quoted text, no escapes supported)
        const s = line().trim();
        const q = s[0];
        if ((q !== "'" && q !== '"') || s[s.length - 1] !== q || s.length < 2) fail('STRING argument is not quoted');
        const inner = s.slice(1, -1);
        if (inner.includes('\\')) fail('STRING with escape sequences is not supported');
        push(inner);
        break;
      }
      case 0x42: // BINBYTES
        push(bytes(u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        push(bytes(u8()).slice());
        break;
      case 0x8e: // BINBYTES8
        push(bytes(u64()).slice());
        break;
      case 0x96: // BYTEARRAY8
        push(bytes(u64()).slice());
        break;
      case 0x29: // EMPTY_TUPLE
        push(tuple([]));
        break;
      case 0x74: // TUPLE
        push(tuple(popMark()));
        break;
      case 0x85: {
        // TUPLE1
        const a = pop();
        push(tuple([a]));
        break;
      }
      case 0x86: {
        // TUPLE2
        const b = pop();
        const a = pop();
        push(tuple([a, b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        const a = pop();
        push(tuple([a, b, c]));
        break;
      }
      case 0x5d: // EMPTY_LIST
        push([]);
        break;
      case 0x6c:
        {
          // LIST
          const items = popMark();
          push(built(items, items));
          break;
        }
        break;
      case 0x61: {
        // APPEND
        const v = pop();
        const l = listTarget(top());
        l.push(v);
        deepen(l, depthOf(v) + 1);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const l = listTarget(top());
        for (const v of items) l.push(v);
        built(l, items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        push({});
        break;
      case 0x64: {
        // DICT
        const items = popMark();
        const d: Record<string, unknown> = {};
        setItems(d, items);
        push(d);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(dictTarget(top()), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(dictTarget(top()), items);
        break;
      }
      case 0x8f: // EMPTY_SET
        push(new Set<unknown>());
        break;
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof Set)) fail(`ADDITEMS on a ${describe(s)}, not a set`);
        for (const v of items) (s as Set<unknown>).add(v);
        built(s as Set<unknown>, items);
        break;
      }
      case 0x91:
        {
          // FROZENSET
          const items = popMark();
          push(built(new Set(items), items));
          break;
        }
        break;
      case 0x67: // GET
        push(memoGet(Number(line())));
        break;
      case 0x68: // BINGET
        push(memoGet(u8()));
        break;
      case 0x6a: // LONG_BINGET
        push(memoGet(u32()));
        break;
      case 0x70: // PUT
        memo.set(Number(line()), top());
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x63: {
        // GLOBAL: module and name on two text lines; checked before anything else happens
        const module = line();
        const name = line();
        push(resolveGlobal(module, name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        push(resolveGlobal(module as string, name as string));
        break;
      }
      case 0x69: {
        // INST: module and name inline, then the arguments since MARK
        const module = line();
        const name = line();
        const g = resolveGlobal(module, name);
        push(call(g, tuple(popMark())));
        break;
      }
      case 0x6f: {
        // OBJ: class and arguments since MARK
        const items = popMark();
        if (!items.length) fail('OBJ without a class');
        push(call(items[0], tuple(items.slice(1))));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const fn = pop();
        push(call(fn, args));
        break;
      }
      case 0x81: {
        // NEWOBJ: cls.__new__(cls, *args), only for allowed globals
        const args = pop();
        const cls = pop();
        push(call(cls, args));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        const kwargs = pop();
        const args = pop();
        const cls = pop();
        if (!isPickleDict(kwargs) || Object.keys(kwargs).length)
          fail('NEWOBJ_EX with keyword arguments is not supported');
        push(call(cls, args));
        break;
      }
      case 0x62: {
        // BUILD: a dict's state (attributes such as a state dict's `_metadata`) is dropped; other objects ask the caller
        const state = pop();
        const inst = top();
        if (isPickleDict(inst)) break;
        if (!opts.build?.(inst, state, opPos)) fail(`BUILD on a ${describe(inst)} is not supported`);
        break;
      }
      case 0x51: {
        // BINPERSID
        const pid = pop();
        if (!opts.persistentLoad) fail('persistent id in a pickle that allows none');
        push(opts.persistentLoad!(pid, opPos));
        break;
      }
      case 0x50: {
        // PERSID (text)
        const pid = line();
        if (!opts.persistentLoad) fail('persistent id in a pickle that allows none');
        push(opts.persistentLoad!(pid, opPos));
        break;
      }
      case 0x82:
      case 0x83:
      case 0x84:
        fail('extension-registry globals (EXT1/EXT2/EXT4) are not supported');
        break;
      case 0x97:
      case 0x98:
        fail('out-of-band buffers (NEXT_BUFFER/READONLY_BUFFER) are not supported');
        break;
      default:
        fail(`unknown opcode 0x${op.toString(16).padStart(2, '0')}`);
    }
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A short name of a value's type for messages; never calls anything the pickle defined (a dict key `toString`). */
export function describe(x: unknown): string {
  if (x === null) return 'None';
  if (Array.isArray(x)) return Object.isFrozen(x) ? 'tuple' : 'list';
  if (isPickleDict(x)) return 'dict';
  if (x instanceof Set) return 'set';
  if (x instanceof Uint8Array) return 'bytes';
  if (x instanceof PickleGlobal) return `global ${x.module}.${x.name}`;
  if (typeof x === 'object') {
    const name: unknown = (Object.getPrototypeOf(x) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    return typeof name === 'string' ? name : 'object';
  }
  return typeof x;
}
