// Reading PyTorch checkpoints (`torch.save`) with no Python and no code from the file, after
// torch/serialization.py (`_load` for the zip format, `_legacy_load` for the older one) and torch/_utils.py.
//
// Zip format (PyTorch ≥ 1.6): `<any folder>/data.pkl` (the pickled object; tensors are
// `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)` whose storage is a
// persistent id `('storage', torch.FloatStorage, key, location, numel)`), `<folder>/data/<key>` (raw storages),
// `<folder>/version`. Legacy format: pickles back to back — magic number, protocol version, sys info, the object
// (persistent ids `('storage', type, key, location, numel, view)`), the list of storage keys — then each storage
// as an int64 element count followed by its bytes.
import { readFile } from '#platform/fs';
import { unzipSync } from 'fflate';
import { PickleError, TorchCheckpointError } from '../../errors.js';
import { type GlobalHandler, PickleGlobal, isPickleDict, unpickle } from './pickle.js';
import { ELEMENT_SIZE, STORAGE_DTYPES, TorchStorage, TorchTensor, gatherTensor } from './tensor.js';
import type { TorchDtype } from './tensor.js';

/**
 * A value read from a checkpoint or a pickle: Python's None, bool, int (a bigint beyond 2^53), float, str, bytes,
 * tuples and lists (arrays; tuples frozen), sets, dicts (plain objects; non-string keys in their string form), tensors,
 * and allow-listed globals used as values (a dtype such as `torch.float16`).
 */
export type TorchValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | TorchTensor
  | TorchStorage
  | PickleGlobal
  | readonly TorchValue[]
  | Set<TorchValue>
  | { [key: string]: TorchValue };

/** A flat state dict of host tensors, in PyTorch names and layouts. */
export type TorchStateDict = Record<string, TorchTensor>;

const MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

const isTensorDict = (v: unknown): v is Record<string, TorchValue> => isPickleDict(v);

/**
 * What {@link loadTorch} returns: the object that was saved ({@link value}, tensors as {@link TorchTensor}
 * leaves), and {@link stateDict} for the flat state dict in it. `Module.loadStateDict` takes a checkpoint directly.
 * @example
 * ```ts
 * const ckpt = await loadTorch('resnet34-b627a593.pth');
 * model.loadStateDict(ckpt);              // PyTorch's names as they are
 * ckpt.stateDict()['fc.weight'].shape;    // [1000, 512]
 * ```
 */
export class TorchCheckpoint {
  constructor(
    /** The file it was read from (or `<buffer>`). */
    readonly file: string,
    /** `zip` (torch.save since PyTorch 1.6) or `legacy`. */
    readonly format: 'zip' | 'legacy',
    /** The saved object. */
    readonly value: TorchValue,
    /** The zip archive's `version` record, if any. */
    readonly version: number | undefined,
    /** Every tensor, in the order the pickle built them. */
    readonly tensors: readonly TorchTensor[],
  ) {}

  /** Notes on conversions `toTensor` will make: float64 → float32, int64 → int32. */
  get notes(): string[] {
    const dtypes = new Set(this.tensors.map((t) => t.dtype));
    const notes: string[] = [];
    if (dtypes.has('float64')) notes.push('float64 tensors become float32 in tfjs (precision is lost)');
    if (dtypes.has('int64')) notes.push('int64 tensors become int32 in tfjs (values must fit in int32)');
    return notes;
  }

  /**
   * The flat state dict: `value[key]` when `key` is given, else — as fastai's `load_model` — the `model` entry of
   * a `{model, opt}` checkpoint, else the value itself. Every entry must be a tensor.
   */
  stateDict(key?: string): TorchStateDict {
    let sd: unknown = this.value;
    if (key !== undefined) {
      if (!isTensorDict(sd) || !Object.hasOwn(sd, key))
        throw new TorchCheckpointError(this.file, `no entry '${key}' in the checkpoint`, key);
      sd = sd[key];
    } else if (isTensorDict(sd)) {
      const keys = Object.keys(sd).sort();
      if (keys.length === 2 && keys[0] === 'model' && keys[1] === 'opt') sd = sd.model;
    }
    if (!isTensorDict(sd)) throw new TorchCheckpointError(this.file, 'the checkpoint is not a dict of tensors');
    const out: TorchStateDict = {};
    for (const [k, v] of Object.entries(sd)) {
      if (!(v instanceof TorchTensor)) {
        const entries = Object.keys(sd).filter((n) => isTensorDict(sd) && !(sd[n] instanceof TorchTensor));
        throw new TorchCheckpointError(
          this.file,
          `entry '${k}' is not a tensor (non-tensor entries: ${entries.slice(0, 5).join(', ')}); pass the key of the state dict, e.g. stateDict('state_dict')`,
          k,
        );
      }
      out[k] = v;
    }
    return out;
  }

  /** What `Module.loadStateDict(checkpoint)` loads: {@link stateDict} with no key. */
  toStateDict(): TorchStateDict {
    return this.stateDict();
  }
}

/** A tensor whose storage may not be read yet (legacy files put storages after the pickle). */
class PendingTensor {
  constructor(
    readonly storage: TorchStorage,
    readonly offset: number,
    readonly size: number[],
    readonly stride: number[],
    public requiresGrad: boolean,
  ) {}
}

/** Allow-listed globals for checkpoints; `tensors` receives each tensor the pickle rebuilds. */
function torchGlobals(file: string, tensors: PendingTensor[]): Map<string, GlobalHandler> {
  const g = new Map<string, GlobalHandler>();
  const rebuild = (args: readonly unknown[], pos: number): unknown => {
    const [storage, offset, size, stride, requiresGrad] = args;
    const ints = (x: unknown) => Array.isArray(x) && x.every((v) => Number.isSafeInteger(v));
    if (
      !(storage instanceof TorchStorage) ||
      !Number.isSafeInteger(offset) ||
      !ints(size) ||
      !ints(stride) ||
      (size as number[]).length !== (stride as number[]).length
    )
      throw new PickleError(file, 'torch._utils._rebuild_tensor_v2 with malformed arguments', pos);
    const t = new PendingTensor(storage, offset as number, size as number[], stride as number[], requiresGrad === true);
    tensors.push(t);
    return t;
  };
  g.set('torch._utils._rebuild_tensor_v2', { call: rebuild });
  g.set('torch._utils._rebuild_tensor', { call: (args, pos) => rebuild([...args, false], pos) });
  const param = (args: readonly unknown[], pos: number): unknown => {
    const [data, requiresGrad] = args;
    if (!(data instanceof PendingTensor))
      throw new PickleError(file, 'torch._utils._rebuild_parameter of a non-tensor', pos);
    data.requiresGrad = requiresGrad === true;
    return data;
  };
  g.set('torch._utils._rebuild_parameter', { call: param });
  g.set('torch._utils._rebuild_parameter_with_state', { call: param });
  g.set('collections.OrderedDict', {
    call: (args, pos) => {
      const d: Record<string, unknown> = {};
      if (args.length === 0) return d;
      // Python 2 pickles: OrderedDict([[k, v], …])
      const items = args[0];
      if (args.length !== 1 || !Array.isArray(items))
        throw new PickleError(file, 'collections.OrderedDict with unsupported arguments', pos);
      for (const kv of items) {
        if (!Array.isArray(kv) || kv.length !== 2 || typeof kv[0] !== 'string')
          throw new PickleError(file, 'collections.OrderedDict item is not a (str, value) pair', pos);
        Object.defineProperty(d, kv[0], { value: kv[1], enumerable: true, writable: true, configurable: true });
      }
      return d;
    },
  });
  for (const name of Object.keys(STORAGE_DTYPES)) g.set(`torch.${name}`, {});
  for (const dt of ['float32', 'float16', 'bfloat16', 'float64', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool'])
    g.set(`torch.${dt}`, {});
  return g;
}

function storageDtype(file: string, type: unknown, pos: number): TorchDtype {
  if (!(type instanceof PickleGlobal) || type.module !== 'torch' || !Object.hasOwn(STORAGE_DTYPES, type.name))
    throw new PickleError(file, `persistent id names storage type ${String(type)}, not a torch typed storage`, pos);
  return STORAGE_DTYPES[type.name];
}

/** Runs the object pickle; returns the value with PendingTensors and the storages it refers to. */
function runObjectPickle(file: string, buf: Uint8Array, offset: number, legacy: boolean) {
  const pending: PendingTensor[] = [];
  const storages = new Map<string, TorchStorage>();
  const views = new Map<string, TorchStorage>();
  const globals = torchGlobals(file, pending);
  const persistentLoad = (pid: unknown, pos: number): unknown => {
    if (!Array.isArray(pid) || pid[0] !== 'storage')
      throw new PickleError(
        file,
        `unsupported persistent id ${JSON.stringify(Array.isArray(pid) ? pid[0] : typeof pid)}`,
        pos,
      );
    if (pid.length !== (legacy ? 6 : 5))
      throw new PickleError(file, `storage persistent id of ${pid.length} fields`, pos);
    const dtype = storageDtype(file, pid[1], pos);
    const key = pid[2];
    const numel = pid[4];
    if (typeof key !== 'string' && !Number.isSafeInteger(key))
      throw new PickleError(file, 'storage key is not a string', pos);
    if (!Number.isSafeInteger(numel) || (numel as number) < 0)
      throw new PickleError(file, `storage '${String(key)}': bad element count`, pos);
    const k = String(key);
    let s = storages.get(k);
    if (!s) storages.set(k, (s = new TorchStorage(k, dtype, numel as number)));
    else if (s.dtype !== dtype)
      throw new TorchCheckpointError(file, `storage '${k}' is used as ${s.dtype} and ${dtype}`, k);
    const view = legacy ? pid[5] : null;
    if (view === null) return s;
    if (!Array.isArray(view) || view.length !== 3 || !Number.isSafeInteger(view[1]) || !Number.isSafeInteger(view[2]))
      throw new PickleError(file, `storage '${k}': malformed view metadata`, pos);
    const vk = String(view[0]);
    let v = views.get(vk);
    if (!v) {
      if ((view[1] as number) + (view[2] as number) > s.numel)
        throw new TorchCheckpointError(file, `storage view '${vk}' reaches past the end of storage '${k}'`, vk);
      views.set(vk, (v = new TorchStorage(vk, dtype, view[2] as number, { storage: s, offset: view[1] as number })));
    }
    return v;
  };
  const result = unpickle(buf, { file, offset, globals, persistentLoad });
  return { ...result, pending, storages };
}

/** Replaces PendingTensors by TorchTensors (their storages now read), keeping shared objects shared. */
function materialize(
  file: string,
  value: unknown,
  pending: readonly PendingTensor[],
): { value: TorchValue; tensors: TorchTensor[] } {
  const done = new Map<unknown, unknown>();
  const tensors: TorchTensor[] = [];
  const toTensor = (p: PendingTensor, name: string): TorchTensor => {
    let t = done.get(p) as TorchTensor | undefined;
    if (!t) {
      t = new TorchTensor(
        p.storage.dtype,
        p.size,
        gatherTensor(file, name, p.storage, p.offset, p.size, p.stride),
        p.requiresGrad,
        file,
      );
      done.set(p, t);
      tensors.push(t);
    }
    return t;
  };
  const walk = (v: unknown, name: string): unknown => {
    if (v instanceof PendingTensor) return toTensor(v, name);
    if (
      typeof v !== 'object' ||
      v === null ||
      v instanceof Uint8Array ||
      v instanceof PickleGlobal ||
      v instanceof TorchStorage
    )
      return v;
    if (done.has(v)) return done.get(v);
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      done.set(v, out);
      v.forEach((x, i) => out.push(walk(x, `${name}[${i}]`)));
      return Object.isFrozen(v) ? Object.freeze(out) : out;
    }
    if (v instanceof Set) {
      const out = new Set<unknown>();
      done.set(v, out);
      for (const x of v) out.add(walk(x, name));
      return out;
    }
    const out: Record<string, unknown> = {};
    done.set(v, out);
    for (const [k, x] of Object.entries(v))
      Object.defineProperty(out, k, {
        value: walk(x, name ? `${name}.${k}` : k),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  };
  const out = walk(value, '') as TorchValue;
  // Tensors not reachable from the value (none in practice) are still checked.
  pending.forEach((p, i) => toTensor(p, `<tensor ${i}>`));
  return { value: out, tensors };
}

const isZip = (b: Uint8Array) =>
  b.length >= 4 &&
  b[0] === 0x50 &&
  b[1] === 0x4b &&
  (b[2] === 0x03 || b[2] === 0x05) &&
  (b[3] === 0x04 || b[3] === 0x06);
const isTar = (b: Uint8Array) => b.length >= 262 && String.fromCharCode(...b.subarray(257, 262)) === 'ustar';

function loadZip(file: string, buf: Uint8Array): TorchCheckpoint {
  const zip = new ZipRecords(file, buf);
  const pkl = zip.dataPkl();
  const prefix = pkl.slice(0, -'data.pkl'.length);
  const versionName = [`${prefix}version`, `${prefix}.data/version`].find((n) => zip.has(n));
  const byteorderName = `${prefix}byteorder`;
  const head = zip.extract(
    new Set([pkl, ...(versionName ? [versionName] : []), ...(zip.has(byteorderName) ? [byteorderName] : [])]),
  );
  let version: number | undefined;
  if (versionName) {
    version = Number(new TextDecoder().decode(head[versionName]).trim());
    if (!Number.isInteger(version))
      throw new TorchCheckpointError(file, `'${versionName}' is not a number`, versionName);
  }
  if (zip.has(byteorderName) && new TextDecoder().decode(head[byteorderName]).trim() !== 'little')
    throw new TorchCheckpointError(file, 'big-endian checkpoints are not supported', byteorderName);
  const { value, pending, storages } = runObjectPickle(`${file} (${pkl})`, head[pkl], 0, false);
  bindStorages(file, zip, prefix, storages.values());
  const m = materialize(file, value, pending);
  return new TorchCheckpoint(file, 'zip', m.value, version, m.tensors);
}

/** A torch.save zip archive's records: listed once (with a bound on what a compressed one may inflate to), read by name. */
class ZipRecords {
  private readonly sizes = new Map<string, number>();

  constructor(
    private readonly file: string,
    private readonly buf: Uint8Array,
  ) {
    try {
      unzipSync(buf, {
        filter: (f) => {
          // torch.save stores records uncompressed; a compressed one may not claim to inflate beyond reason.
          if (f.compression !== 0 && f.originalSize > Math.max(1000 * f.size, 1 << 20))
            throw new TorchCheckpointError(
              file,
              `record '${f.name}' claims to inflate ${f.size} bytes to ${f.originalSize}: refusing it`,
              f.name,
            );
          this.sizes.set(f.name, f.originalSize);
          return false;
        },
      });
    } catch (e) {
      if (e instanceof TorchCheckpointError) throw e;
      this.corrupt(e);
    }
  }

  has(name: string): boolean {
    return this.sizes.has(name);
  }

  /** The one `<folder>/data.pkl` record's name. */
  dataPkl(): string {
    const pkls = [...this.sizes.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
    if (pkls.length !== 1)
      throw new TorchCheckpointError(
        this.file,
        pkls.length
          ? `several data.pkl records (${pkls.join(', ')})`
          : 'no <folder>/data.pkl record: not a PyTorch checkpoint',
      );
    return pkls[0];
  }

  /** The named records, each checked to hold the bytes the directory listed. */
  extract(names: Set<string>): Record<string, Uint8Array> {
    let out: Record<string, Uint8Array> = {};
    try {
      out = unzipSync(this.buf, { filter: (f) => names.has(f.name) });
    } catch (e) {
      this.corrupt(e);
    }
    for (const n of names) {
      const got = Object.hasOwn(out, n) ? out[n] : undefined;
      if (!got || got.length !== this.sizes.get(n))
        throw new TorchCheckpointError(
          this.file,
          `record '${n}' is truncated (${got?.length ?? 0} of ${this.sizes.get(n)} bytes)`,
          n,
        );
    }
    return out;
  }

  private corrupt(e: unknown): never {
    throw new TorchCheckpointError(this.file, `truncated or corrupt zip archive (${(e as Error).message})`);
  }
}

/** Every storage key must name a record directly inside `<folder>/data/`, holding at least the storage's bytes. */
function bindStorages(file: string, zip: ZipRecords, prefix: string, storages: Iterable<TorchStorage>): void {
  const wanted = new Map<string, TorchStorage>();
  for (const s of storages) {
    const name = `${prefix}data/${s.key}`;
    if (!/^[A-Za-z0-9_.-]+$/.test(s.key) || s.key === '.' || s.key === '..' || !zip.has(name))
      throw new TorchCheckpointError(
        file,
        `storage key '${s.key}' names no record inside the archive's ${prefix}data/ folder`,
        s.key,
      );
    wanted.set(name, s);
  }
  const files = zip.extract(new Set(wanted.keys()));
  for (const [name, s] of wanted) {
    const bytes = files[name];
    if (bytes.length < s.numel * ELEMENT_SIZE[s.dtype])
      throw new TorchCheckpointError(
        file,
        `storage '${s.key}' has ${bytes.length} bytes, ${s.numel} ${s.dtype} elements need ${s.numel * ELEMENT_SIZE[s.dtype]}`,
        s.key,
      );
    s.bytes = bytes;
  }
}

function loadLegacy(file: string, buf: Uint8Array): TorchCheckpoint {
  const plain = (offset: number, what: string) => {
    try {
      return unpickle(buf, { file, offset });
    } catch (e) {
      if (e instanceof PickleError && offset === 0)
        throw new TorchCheckpointError(file, `not a PyTorch checkpoint: ${e.message}`);
      throw new TorchCheckpointError(file, `cannot read the ${what}: ${(e as Error).message}`);
    }
  };
  const magic = plain(0, 'magic number');
  if (typeof magic.value !== 'bigint' || magic.value !== MAGIC_NUMBER)
    throw new TorchCheckpointError(file, 'invalid magic number: not a PyTorch checkpoint');
  const proto = plain(magic.end, 'protocol version');
  if (proto.value !== PROTOCOL_VERSION)
    throw new TorchCheckpointError(file, `unsupported legacy protocol version ${String(proto.value)}`);
  const sys = plain(proto.end, 'sys info');
  if (isPickleDict(sys.value) && sys.value.little_endian === false)
    throw new TorchCheckpointError(file, 'big-endian checkpoints are not supported');
  const { value, end, pending, storages } = runObjectPickle(file, buf, sys.end, true);
  const keysRes = plain(end, 'storage key list');
  const keys = keysRes.value;
  if (!Array.isArray(keys)) throw new TorchCheckpointError(file, 'the storage key list is not a list');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = keysRes.end;
  for (const k of keys) {
    const key = String(k);
    const s = storages.get(key);
    if (!s) throw new TorchCheckpointError(file, `storage key '${key}' is listed but no tensor uses it`, key);
    if (pos + 8 > buf.byteLength) throw new TorchCheckpointError(file, `truncated: storage '${key}' is missing`, key);
    const n = view.getBigInt64(pos, true);
    if (n !== BigInt(s.numel))
      throw new TorchCheckpointError(file, `storage '${key}' holds ${n} elements, the pickle says ${s.numel}`, key);
    pos += 8;
    const nbytes = s.numel * ELEMENT_SIZE[s.dtype];
    if (pos + nbytes > buf.byteLength)
      throw new TorchCheckpointError(
        file,
        `truncated: storage '${key}' needs ${nbytes} bytes, ${buf.byteLength - pos} left`,
        key,
      );
    s.bytes = buf.subarray(pos, pos + nbytes);
    pos += nbytes;
  }
  for (const s of storages.values())
    if (!s.bytes) throw new TorchCheckpointError(file, `storage '${s.key}' is used but not in the file`, s.key);
  const m = materialize(file, value, pending);
  return new TorchCheckpoint(file, 'legacy', m.value, undefined, m.tensors);
}

/**
 * Reads PyTorch checkpoint bytes (either format); `file` only names the source in errors.
 * @example
 * ```ts
 * const ckpt = parseTorch(new Uint8Array(await readFile('model.pth')), 'model.pth');
 * ```
 */
export function parseTorch(bytes: Uint8Array, file = '<buffer>'): TorchCheckpoint {
  // A plain Uint8Array view (a Node Buffer's slice() shares memory, a Uint8Array's copies).
  const buf = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isZip(buf)) return loadZip(file, buf);
  if (isTar(buf))
    throw new TorchCheckpointError(file, 'the tar-based checkpoint format of PyTorch < 0.4 is not supported');
  if (buf.length >= 2 && buf[0] === 0x80) return loadLegacy(file, buf);
  throw new TorchCheckpointError(file, 'neither a zip-format nor a legacy PyTorch checkpoint');
}

/**
 * Reads a PyTorch checkpoint (`torch.save`: the zip format of PyTorch ≥ 1.6 or the legacy one) with no Python
 * and without running anything from the file: only tensors, PyTorch's storage classes and dtypes,
 * `collections.OrderedDict` and plain values are allowed (anything else is an `UnsafePickleError`). Tensors
 * stay in host memory ({@link TorchTensor}); `Module.loadStateDict` takes the checkpoint.
 * @example
 * ```ts
 * const ckpt = await loadTorch('resnet34-b627a593.pth');
 * resnet34().loadStateDict(ckpt);
 * const { model } = (await loadTorch('lstm_fwd.pth')).value as { model: TorchValue }; // fastai's {model, opt}
 * ```
 */
export async function loadTorch(pathOrBytes: string | Uint8Array): Promise<TorchCheckpoint> {
  if (typeof pathOrBytes !== 'string') return parseTorch(pathOrBytes);
  let buf: Uint8Array;
  try {
    buf = await readFile(pathOrBytes);
  } catch (e) {
    throw new TorchCheckpointError(
      pathOrBytes,
      `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  return parseTorch(buf, pathOrBytes);
}

/**
 * Reads a pickle of plain data (`pickle.dump` of lists, dicts, strings, numbers…, e.g. fastai's `itos_wt103.pkl`).
 * Only `collections.OrderedDict` is an allowed global; anything else is an `UnsafePickleError`.
 * @example
 * ```ts
 * const itos = (await loadPickle('itos_wt103.pkl')) as string[];
 * ```
 */
export async function loadPickle(pathOrBytes: string | Uint8Array): Promise<TorchValue> {
  const file = typeof pathOrBytes === 'string' ? pathOrBytes : '<buffer>';
  let buf: Uint8Array;
  if (typeof pathOrBytes === 'string') {
    try {
      buf = await readFile(pathOrBytes);
    } catch (e) {
      throw new PickleError(file, `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  } else buf = pathOrBytes;
  const globals = torchGlobals(file, []);
  const plainGlobals = new Map([['collections.OrderedDict', globals.get('collections.OrderedDict')!]]);
  const { value } = unpickle(buf, { file, globals: plainGlobals });
  return materialize(file, value, []).value;
}
