import { sha256Hex } from '#platform/crypto';
import { mkdir, readFile, realpath, stat } from '#platform/fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from '#platform/path';
import { RUNTIME } from '#platform/process';
import * as tf from '@tensorflow/tfjs-core';
import { ExportError, StateDictMismatchError, TfaiError } from '../errors.js';
import {
  atomicWrite,
  parseSafetensors,
  parseSafetensorsHeader,
  safetensorsDataSha256,
  serializeSafetensors,
  type SafetensorsHeader,
} from '../io/safetensors.js';
import { withBuildGuard } from '../nn/build-guard.js';
import { ready } from '../backend/backend.js';
import { serializeTorch } from '../io/torch/save.js';
import { readJson } from '../io/json.js';
import type { Learner } from './learner.js';
import type { BuilderSpec, LearnerOptions } from './learner-options.js';
import { lossFromSpec, type LossSpec } from './loss.js';
import { METRICS, type Metric } from './metrics/index.js';

export { ExportError };

/** The JSON half of an export. */
export interface ExportDescription {
  /** Marks the file as a tfai learner export (always `'tfai-learner'`). */
  format: 'tfai-learner';
  /** The export format's version (1); a loader refuses versions it does not know. */
  version: 1;
  /** How to rebuild the learner: the registered builder's package, name and arguments. */
  builder: BuilderSpec;
  /** The loss, by name and arguments (`{ name: 'CrossEntropyLossFlat', args: { labelSmoothing: 0.1 } }`). */
  loss: LossSpec;
  /** The metrics' names (`['accuracy', 'error_rate']`), rebuilt on load from core's and the builder package's metrics. */
  metrics: string[];
  /** The data's vocab (class names, or the target vocab), which `predict` uses for labels; absent when the data has none. */
  vocab?: string[];
  /** The weights file and its checksum. */
  weights: {
    /** The weights file's name, relative to the JSON's folder (`'export.safetensors'`). */
    file: string;
    /** The SHA-256 of the whole weights file, lowercase hex; checked on load. */
    sha256: string;
  };
  /** The tfjs backend the learner was trained on when exported (`'tensorflow'`, `'wasm'`…), for information. */
  backend?: string;
}

/** Rebuilds a Learner (model with fresh weights, inference-ready data pipeline) from its builder args. */
export type LearnerBuilder = (args: unknown, ctx: { description: ExportDescription }) => Learner | Promise<Learner>;

const registry = new Map<string, LearnerBuilder>();
/** `__metadata__` keys of an export's weights file: the description (without `weights`) and the data checksum. */
const META_DESCRIPTION = 'tfai_learner';
const META_DATA_SHA = 'tfai_data_sha256';
const PACKAGE_RE = /^@tfai\/[a-z][a-z0-9-]*$/;

/**
 * Registers how to rebuild learners exported with `builder.name === name` (domain packages also export a
 * `learnerBuilders` record, found by package name).
 */
export function registerLearnerBuilder(name: string, builder: LearnerBuilder): void {
  registry.set(name, builder);
}

/** Options of {@link exportLearner}. */
export interface ExportLearnerOptions {
  /** Also write `<stem>.pth`: the weights as a PyTorch checkpoint (`torch.load(f, weights_only=True)`). Default false. */
  pth?: boolean;
}

/**
 * Writes `<stem>.safetensors` (the weights, PyTorch names, with the description and a checksum of the tensor
 * data in its `__metadata__`) and then `<stem>.json` (the same description, readable: builder, loss, metrics,
 * vocab…, plus the weights' SHA-256), each atomically. The weights file alone is a complete export, so a crash
 * between the two writes leaves an export that loads (the JSON is stale; {@link loadLearner} then uses the
 * description stored in the weights). The folder is created if it does not exist. With `{ pth: true }`, also
 * `<stem>.pth`, the same weights for PyTorch/fastai (`torch.load(f, weights_only=True)`).
 * @example
 * ```ts
 * await exportLearner(learn, 'models/export');   // models/export.json + models/export.safetensors
 * await exportLearner(learn, 'models/export', { pth: true }); // + models/export.pth
 * const learn2 = await loadLearner('models/export.json');
 * ```
 */
export async function exportLearner(
  learn: Learner,
  stem: string,
  opts: ExportLearnerOptions = {},
): Promise<{
  /** The path of the JSON description written, `<stem>.json`. */
  json: string;
  /** The path of the weights written, `<stem>.safetensors`. */
  weights: string;
  /** The path of the PyTorch checkpoint, `<stem>.pth`, when `pth: true`; else absent. */
  pth?: string;
}> {
  const clean = stem.replace(/\.(json|safetensors)$/, '');
  const weightsPath = `${clean}.safetensors`;
  const jsonPath = `${clean}.json`;
  const {
    json: desc,
    weights: bytes,
    pth: pthBytes,
  } = await exportBytes(learn, basename(weightsPath), {
    ...opts,
    archiveName: basename(clean),
  });
  await mkdir(dirname(clean), { recursive: true });
  await atomicWrite(weightsPath, bytes);
  await atomicWrite(jsonPath, JSON.stringify(desc, null, 2) + '\n');
  if (!pthBytes) return { json: jsonPath, weights: weightsPath };
  await atomicWrite(`${clean}.pth`, pthBytes);
  return { json: jsonPath, weights: weightsPath, pth: `${clean}.pth` };
}

/** An export in memory: what {@link exportLearner} writes, as {@link loadLearner} takes it from bytes. */
export interface ExportBytes {
  /** The description (`<stem>.json`'s content): the object or its JSON text. */
  json: ExportDescription | string | object;
  /** The weights file's bytes (`<stem>.safetensors`). */
  weights: Uint8Array;
  /** A name for error messages (default `'<in-memory export>'`). */
  name?: string;
}

/**
 * {@link exportLearner} without files: the description and the weights' bytes, e.g. to send to a page or store
 * elsewhere. `weightsFile` is the name the description gives the weights (default `export.safetensors`), which a
 * page loading from a URL fetches beside the JSON.
 * @example
 * ```ts
 * const { json, weights } = await exportLearnerBytes(learn);
 * const again = await loadLearner({ json, weights });
 * ```
 */
export async function exportLearnerBytes(
  learn: Learner,
  weightsFile = 'export.safetensors',
): Promise<{
  /** The description, what `<stem>.json` would hold (its `weights.file` is `weightsFile`). */
  json: ExportDescription;
  /** The weights, what `<stem>.safetensors` would hold (safetensors bytes, PyTorch names, the description in its metadata). */
  weights: Uint8Array;
}> {
  const { json, weights } = await exportBytes(learn, weightsFile, {});
  return { json, weights };
}

async function exportBytes(
  learn: Learner,
  weightsFile: string,
  opts: ExportLearnerOptions & { archiveName?: string },
): Promise<{ json: ExportDescription; weights: Uint8Array; pth?: Uint8Array }> {
  if (!learn.builder)
    throw new ExportError(
      'this Learner has no builder: export needs to know how to rebuild the model (learners from visionLearner, tabularLearner… have one; pass `builder` to new Learner otherwise)',
    );
  const body: Omit<ExportDescription, 'weights'> = {
    format: 'tfai-learner',
    version: 1,
    builder: learn.builder,
    loss: learn.lossFunc.spec,
    metrics: learn.metrics.map((m) => m.name),
    vocab: learn.dls.vocab,
    backend: learn.backendName,
  };
  const sd = learn.model.stateDict();
  let bytes: Uint8Array;
  let pthBytes: Uint8Array | undefined;
  try {
    if (opts.pth)
      pthBytes = await serializeTorch(sd, {
        archiveName: (opts.archiveName ?? 'archive').replace(/[^A-Za-z0-9_.-]/g, '_') || 'archive',
      });
    bytes = await serializeSafetensors(sd, {
      metadata: { format: 'tfai-weights', [META_DESCRIPTION]: JSON.stringify(body) },
      dataSha256Key: META_DATA_SHA,
      int64: Object.keys(sd).filter((k) => k.endsWith('num_batches_tracked')),
    });
  } finally {
    tf.dispose(Object.values(sd));
  }
  const desc: ExportDescription = { ...body, weights: { file: weightsFile, sha256: sha256Hex(bytes) } };
  return pthBytes ? { json: desc, weights: bytes, pth: pthBytes } : { json: desc, weights: bytes };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => {
  const t = JSON.stringify(v) ?? String(v);
  return t.length > 80 ? `${t.slice(0, 77)}...` : t;
};

/**
 * Registers a domain package's `learnerBuilders` under its package name; each domain package's index calls it, so
 * importing `@tfai/vision` (in a page too, where exports cannot import packages by name) is enough for
 * {@link loadLearner} to rebuild its learners.
 * @example
 * ```ts
 * registerLearnerBuilders('@tfai/vision', learnerBuilders);
 * ```
 */
export function registerLearnerBuilders(pkg: string, table: Readonly<Record<string, LearnerBuilder>>): void {
  packages.set(pkg, table);
}

const packages = new Map<string, Readonly<Record<string, LearnerBuilder>>>();

async function findBuilder(spec: BuilderSpec, file: string): Promise<LearnerBuilder> {
  const local = registry.get(spec.name);
  if (local) return local;
  if (spec.package === undefined)
    throw new ExportError(`${file}: no learner builder named ${show(spec.name)} is registered`);
  if (!PACKAGE_RE.test(spec.package))
    throw new ExportError(`${file}: builder package ${show(spec.package)} is not a tfai package; refusing to load it`);
  let table: unknown = packages.get(spec.package);
  if (table === undefined) {
    if (RUNTIME === 'browser')
      throw new ExportError(
        `${file}: this export needs ${spec.package}; import it in the page (\`import '${spec.package}'\`) before loadLearner`,
      );
    let mod: { learnerBuilders?: unknown };
    try {
      mod = (await import(/* @vite-ignore */ spec.package)) as typeof mod;
    } catch (e) {
      throw new ExportError(
        `${file}: this export needs ${spec.package}; install it (\`npm install ${spec.package}\`) — ${(e as Error).message}`,
      );
    }
    table = mod.learnerBuilders;
  }
  const b = isObject(table) && Object.hasOwn(table, spec.name) ? table[spec.name] : undefined;
  if (typeof b !== 'function')
    throw new ExportError(`${file}: ${spec.package} has no learner builder ${show(spec.name)}`);
  return b as LearnerBuilder;
}

/** Checks the description read from an export (untrusted JSON) field by field, naming the file and the key. */
function checkDescription(raw: unknown, file: string): ExportDescription {
  const bad = (key: string, what: string): never => {
    throw new ExportError(`${file}: ${key} ${what}`);
  };
  if (!isObject(raw)) return bad('the export', 'is not a JSON object');
  if (raw.format !== 'tfai-learner' || raw.version !== 1)
    throw new ExportError(
      `${file}: not a tfai learner export (format ${show(raw.format)}, version ${show(raw.version)})`,
    );
  const { builder, loss, metrics, vocab, weights, backend } = raw;
  if (!isObject(builder)) return bad('builder', 'is missing or not an object');
  if (typeof builder.name !== 'string' || builder.name.length === 0 || builder.name.length > 200)
    bad('builder.name', `${show(builder.name)} is not a builder name`);
  if (builder.package !== undefined && (typeof builder.package !== 'string' || !PACKAGE_RE.test(builder.package)))
    bad('builder.package', `${show(builder.package)} is not a tfai package; refusing to load it`);
  if (!isObject(loss) || typeof loss.name !== 'string') bad('loss', `${show(loss)} is not a loss spec`);
  if (!Array.isArray(metrics) || metrics.length > 100 || !metrics.every((m) => typeof m === 'string'))
    bad('metrics', `${show(metrics)} is not a list of metric names`);
  if (vocab !== undefined && vocab !== null && !Array.isArray(vocab)) bad('vocab', `${show(vocab)} is not a list`);
  if (!isObject(weights)) return bad('weights', 'is missing or not an object');
  if (typeof weights.file !== 'string' || weights.file.length === 0 || weights.file.includes('\0'))
    bad('weights.file', `${show(weights.file)} is not a file name`);
  if (typeof weights.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(weights.sha256))
    bad('weights.sha256', `${show(weights.sha256)} is not a hex SHA-256`);
  if (backend !== undefined && typeof backend !== 'string') bad('backend', `${show(backend)} is not a backend name`);
  try {
    lossFromSpec(loss as unknown as LossSpec);
  } catch (e) {
    bad('loss', `cannot be rebuilt: ${(e as Error).message}`);
  }
  for (const m of metrics as string[])
    if (!Object.hasOwn(METRICS, m) && !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(m))
      bad('metrics', `entry ${show(m)} is not a metric name`);
  return raw as unknown as ExportDescription;
}

/** The weights file named by an export, required to be a regular file inside the export's folder (links resolved). */
async function weightsFileOf(jsonPath: string, file: string): Promise<string> {
  const folder = resolve(dirname(jsonPath));
  const target = resolve(folder, file);
  const inside = (root: string, p: string) => {
    const rel = relative(root, p);
    return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
  };
  if (isAbsolute(file) || !inside(folder, target))
    throw new ExportError(
      `${jsonPath}: weights.file ${show(file)} is outside the export's folder; refusing to read it`,
    );
  let real: string;
  try {
    real = await realpath(target);
    if (!(await stat(real)).isFile()) throw new ExportError(`${target}: the export's weights are not a regular file`);
  } catch (e) {
    if (e instanceof TfaiError) throw e;
    throw new ExportError(
      `${target}: cannot read the export's weights (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  if (!inside(await realpath(folder), real))
    throw new ExportError(
      `${jsonPath}: weights.file ${show(file)} links outside the export's folder; refusing to read it`,
    );
  return real;
}

/** A Learner class (or subclass) to check a loaded learner against: `TabularLearner`, `VisionLearner`… */
export type LearnerClass<T extends Learner> = abstract new (...args: never[]) => T;

function expectClass<T extends Learner>(learn: Learner, cls: LearnerClass<T> | undefined, file: string): T {
  if (cls && !(learn instanceof cls))
    throw new ExportError(`${file}: holds a ${learn.constructor.name}, not a ${cls.name}`);
  return learn as T;
}

/** Parameters and buffers a build may allocate beyond twice the weights' elements (2^27 ≈ 134M, 512 MB of float32). */
export const BUILD_SLACK_ELEMENTS = 2 ** 27;

/** Elements of all tensors in a validated header. */
function headerElements(h: SafetensorsHeader): number {
  let n = 0;
  for (const t of Object.values(h.tensors)) n += t.shape.reduce((a, b) => a * b, 1);
  return n;
}

/** An export read and checked: the description to build from, and the weights file's bytes and header. */
interface ReadExport {
  desc: ExportDescription;
  header: SafetensorsHeader;
  bytes: Uint8Array;
  weightsPath: string;
}

/** Checks an export's JSON (already parsed) against its weights' bytes: the format, the checksum, the description. */
function checkExport(
  raw: unknown,
  jsonName: string,
  bytes: Uint8Array,
  weightsName: string,
  useStored: boolean,
): ReadExport {
  if (!isObject(raw) || raw.format !== 'tfai-learner')
    throw new ExportError(`${jsonName}: not a tfai learner export (format ${show(isObject(raw) ? raw.format : raw)})`);
  const w = raw.weights as Record<string, unknown>;
  const sha = sha256Hex(bytes);
  if (sha === w.sha256)
    return {
      desc: checkDescription(raw, jsonName),
      header: parseSafetensorsHeader(bytes, weightsName),
      bytes,
      weightsPath: weightsName,
    };
  return {
    ...storedDescription(raw, jsonName, w.file as string, sha, bytes, weightsName, useStored),
    bytes,
    weightsPath: weightsName,
  };
}

/** `weights.file` of a parsed export, checked to be a file name. */
function weightsFieldOf(raw: unknown, jsonName: string): string {
  if (!isObject(raw) || raw.format !== 'tfai-learner')
    throw new ExportError(`${jsonName}: not a tfai learner export (format ${show(isObject(raw) ? raw.format : raw)})`);
  const w = raw.weights;
  if (!isObject(w) || typeof w.file !== 'string' || w.file.length === 0 || w.file.includes('\0'))
    throw new ExportError(`${jsonName}: weights.file ${show(isObject(w) ? w.file : w)} is not a file name`);
  return w.file;
}

/**
 * Options of {@link loadLearner}.
 * @example
 * ```ts
 * const learn = await loadLearner('export.json', undefined, { useStoredDescription: true });
 * ```
 */
export interface LoadLearnerOptions {
  /**
   * When the weights' checksum is not the JSON's (an export interrupted between its two writes leaves the new
   * weights beside the previous JSON), load the description stored in the weights — checked by their own data
   * checksum — instead of refusing with an {@link ExportError}. Default false.
   */
  useStoredDescription?: boolean;
}

/** Reads `jsonPath` and the weights file it names, checking the format and the weights' checksum. */
async function readExport(jsonPath: string, useStored = false): Promise<ReadExport> {
  const raw = await readJson(jsonPath);
  const weightsPath = await weightsFileOf(jsonPath, weightsFieldOf(raw, jsonPath));
  let bytes: Uint8Array;
  try {
    bytes = await readFile(weightsPath);
  } catch (e) {
    throw new ExportError(
      `${weightsPath}: cannot read the export's weights (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  return checkExport(raw, jsonPath, bytes, weightsPath, useStored);
}

/** `fetch(url)`'s body, every failure an {@link ExportError} naming the URL. */
async function fetchBytes(url: URL, what: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new ExportError(`${url.href}: cannot fetch the export's ${what} (${(e as Error).message})`);
  }
  if (!res.ok) throw new ExportError(`${url.href}: cannot fetch the export's ${what} (HTTP ${res.status})`);
  try {
    return new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    throw new ExportError(`${url.href}: the export's ${what} did not arrive whole (${(e as Error).message})`);
  }
}

/**
 * The weights' URL named by an export fetched from `jsonUrl`: relative to it, same origin, in the JSON's folder or
 * below (the URL form of the rule that keeps paths inside an export's folder).
 */
function weightsUrlOf(jsonUrl: URL, file: string): URL {
  const refuse = (why: string): never => {
    throw new ExportError(`${jsonUrl.href}: weights.file ${show(file)} ${why}; refusing to fetch it`);
  };
  if (/^[a-z][a-z0-9+.-]*:/i.test(file) || file.startsWith('/') || file.includes('\\'))
    refuse('is not a relative name');
  // Escaped separators and dots would pass the URL check and be decoded by the server into `../`.
  if (/%(2f|5c|2e)/i.test(file)) refuse('escapes a separator or a dot');
  let target: URL;
  try {
    target = new URL(file, jsonUrl);
  } catch {
    return refuse('is not a relative name');
  }
  const folder = jsonUrl.pathname.slice(0, jsonUrl.pathname.lastIndexOf('/') + 1);
  if (target.origin !== jsonUrl.origin || !target.pathname.startsWith(folder) || target.pathname === folder)
    refuse("is outside the export's folder");
  target.search = '';
  target.hash = '';
  return target;
}

/** Fetches the JSON at `url` and the weights it names (beside it), checking both. */
async function fetchExport(url: URL, useStored: boolean): Promise<ReadExport> {
  const text = new TextDecoder().decode(await fetchBytes(url, 'description'));
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ExportError(`${url.href}: not valid JSON (${(e as Error).message})`);
  }
  const weightsUrl = weightsUrlOf(url, weightsFieldOf(raw, url.href));
  return checkExport(raw, url.href, await fetchBytes(weightsUrl, 'weights'), weightsUrl.href, useStored);
}

/** An export given as bytes: parsed and checked as a file would be. */
function bytesExport(src: ExportBytes, useStored: boolean): ReadExport {
  const name = src.name ?? '<in-memory export>';
  if (!(src.weights instanceof Uint8Array)) throw new ExportError(`${name}: weights must be a Uint8Array`);
  let raw: unknown = src.json;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch (e) {
      throw new ExportError(`${name}: the description is not valid JSON (${(e as Error).message})`);
    }
  }
  const file = weightsFieldOf(raw, name);
  return checkExport(raw, name, src.weights, `${name} (weights ${file})`, useStored);
}

/** Where an export comes from: a path (Node), a URL (`http(s):` string or `URL`; in a page, any string), or bytes. */
export type LearnerSource = string | URL | ExportBytes;

/** Reads an export from any {@link LearnerSource}; returns it and the name its errors use. */
async function readSource(source: LearnerSource, useStored = false): Promise<ReadExport & { name: string }> {
  if (source instanceof URL || typeof source === 'string') {
    let url: URL | undefined;
    if (source instanceof URL) url = source;
    else if (/^https?:\/\//i.test(source)) url = new URL(source);
    else if (RUNTIME === 'browser')
      url = new URL(source, (globalThis as { location?: { href: string } }).location?.href);
    if (url && url.protocol === 'file:' && RUNTIME === 'node')
      return readSource(decodeURIComponent(url.pathname), useStored);
    if (url) return { ...(await fetchExport(url, useStored)), name: url.href };
    return { ...(await readExport(source as string, useStored)), name: source as string };
  }
  if (typeof source !== 'object' || source === null)
    throw new ExportError(`loadLearner: ${show(source)} is not a path, a URL or { json, weights }`);
  return { ...bytesExport(source, useStored), name: source.name ?? '<in-memory export>' };
}

/**
 * The description stored in a weights file that is not the one the JSON describes: an export interrupted between
 * its two writes leaves a complete weights file (its own description and data checksum inside) beside the previous
 * JSON. Anything else is a checksum mismatch.
 */
function storedDescription(
  raw: Record<string, unknown>,
  jsonPath: string,
  file: string,
  sha: string,
  bytes: Uint8Array,
  weightsPath: string,
  useStored: boolean,
): Pick<ReadExport, 'desc' | 'header'> {
  let embedded: string | undefined;
  let header: SafetensorsHeader | undefined;
  try {
    header = parseSafetensorsHeader(bytes, weightsPath);
    embedded =
      Object.hasOwn(header.metadata, META_DESCRIPTION) &&
      safetensorsDataSha256(bytes, header) === header.metadata[META_DATA_SHA]
        ? header.metadata[META_DESCRIPTION]
        : undefined;
  } catch {
    embedded = undefined;
  }
  if (embedded === undefined || header === undefined)
    throw new ExportError(`${weightsPath}: checksum mismatch (file corrupted, truncated or from another export)`);
  let inner: unknown;
  try {
    inner = JSON.parse(embedded);
  } catch {
    throw new ExportError(`${weightsPath}: checksum mismatch, and the description stored in the weights is not JSON`);
  }
  checkDescription(raw, jsonPath);
  if (!useStored)
    throw new ExportError(
      `${weightsPath}: checksum mismatch: ${jsonPath} does not describe these weights (an interrupted export?); pass { useStoredDescription: true } to load the description stored in the weights`,
    );
  const desc = checkDescription(
    isObject(inner) ? { ...inner, weights: { file, sha256: sha } } : inner,
    `${weightsPath} (stored description)`,
  );
  console.warn(
    `tfai: ${jsonPath} does not describe ${weightsPath} (an interrupted export?); using the description stored in the weights`,
  );
  return { desc, header };
}

/**
 * Loads a learner written by {@link exportLearner}. Export files are untrusted input: no code is executed from
 * them (the builder is a function of an installed tfai package, looked up by name), the weights file must lie
 * inside the export's folder, the description is checked field by field, the weights must match the JSON's
 * checksum (or, with `opts.useStoredDescription`, for an export interrupted between its two writes, the checksum
 * and description stored in the weights), and the model is built under a budget of twice the elements the weights header holds plus
 * `BUILD_SLACK_ELEMENTS` (2²⁷), so a description implying a much bigger model is refused before its tensors exist. Every failure is an {@link ExportError} (or a
 * `SafetensorsError` / `StateDictMismatchError` naming the file), and frees whatever was built.
 *
 * `source` is the same everywhere: a path to the JSON (Node), its URL (an `http(s):` string or a `URL`, fetched with
 * `fetch` in Node and in a page; the weights are fetched beside it and must be in the JSON's folder or below, same
 * origin; in a page any string is a URL relative to the page), or the export in memory,
 * `{ json, weights }` ({@link ExportBytes}; see {@link exportLearnerBytes}).
 * Pass the class you expect to get it typed without a cast (checked: an export of another kind is an
 * {@link ExportError} naming the file).
 * @example
 * ```ts
 * const learn = await loadLearner('models/titanic.json', TabularLearner); // TabularLearner
 * const any = await loadLearner('models/export.json');                   // Learner
 * const web = await loadLearner(new URL('models/export.json', location.href)); // in a page
 * const mem = await loadLearner({ json, weights });                      // bytes: a Uint8Array
 * const pred = await any.predict(item);
 * ```
 */
export async function loadLearner<T extends Learner = Learner>(
  source: LearnerSource,
  cls?: LearnerClass<T>,
  opts: LoadLearnerOptions = {},
): Promise<T> {
  // A backend first, as the Learner's own calls do: in a page that registered webgpu and chose none, tfjs's lazy
  // pick would otherwise fail on the first tensor ("backend 'webgpu' has not yet been initialized").
  await ready();
  const {
    desc,
    header,
    bytes,
    weightsPath,
    name: jsonPath,
  } = await readSource(source, opts.useStoredDescription === true);
  const builder = await findBuilder(desc.builder, jsonPath);
  const held = headerElements(header);
  // Builders may create more than they keep (a pretrained body built whole, then cut), so the budget is twice
  // what the weights hold plus BUILD_SLACK_ELEMENTS: bounded, and far below what an edited config can ask.
  const budget = 2 * held + BUILD_SLACK_ELEMENTS;
  const tooBig = (requested: number, remaining: number) =>
    new ExportError(
      `${jsonPath}: the description implies a model bigger than its weights (a tensor of ${requested} elements, ${Math.max(remaining, 0)} of the ${budget} a build of ${basename(weightsPath)}'s ${held} may allocate left); refusing to build it`,
    );
  return withBuildGuard(budget, tooBig, async () => {
    let learn: Learner | undefined;
    try {
      learn = await builder(desc.builder.args, { description: desc });
      const { tensors } = parseSafetensors(bytes, weightsPath);
      try {
        learn.model.loadStateDict(tensors);
      } finally {
        tf.dispose(Object.values(tensors));
      }
      return expectClass(learn, cls, jsonPath);
    } catch (e) {
      learn?.dispose();
      if (e instanceof ExportError) throw e;
      if (e instanceof StateDictMismatchError)
        throw new ExportError(
          `${weightsPath}: the weights do not fit the learner ${jsonPath} describes: ${e.message}`,
          { cause: e },
        );
      if (e instanceof TfaiError) throw new ExportError(`${jsonPath}: ${e.message}`, { cause: e });
      throw new ExportError(
        `${jsonPath}: the learner cannot be rebuilt from this export (${e instanceof Error ? e.message : String(e)})`,
      );
    }
  });
}

/**
 * Metric objects from exported names: core's built-ins plus those of `extra` (a domain's own table); an unknown
 * name is an {@link ExportError}. Names are looked up as own keys only (`constructor` is not a metric).
 * @example
 * ```ts
 * const metrics = metricsFromNames(['accuracy', 'error_rate']);
 * ```
 */
export function metricsFromNames(
  names: readonly string[],
  extra: Readonly<Record<string, () => Metric>> = {},
): Metric[] {
  return names.map((n) => {
    if (Object.hasOwn(METRICS, n)) return METRICS[n]();
    if (Object.hasOwn(extra, n) && typeof extra[n] === 'function') return extra[n]();
    throw new ExportError(
      `unknown metric ${show(n)} in export (known: ${[...Object.keys(METRICS), ...Object.keys(extra)].join(', ')})`,
    );
  });
}

/**
 * The options every builder gives the learner it rebuilds from an export: the exported loss and metrics (names
 * looked up as in {@link metricsFromNames}, `extra` for a package's own), no progress bar, and the builder recorded
 * again so that the rebuilt learner exports the same way.
 * @example
 * ```ts
 * const build: LearnerBuilder = (args, { description }) =>
 *   new Learner(dls, model, { ...rebuiltLearnerOptions(description), splitter });
 * ```
 */
export function rebuiltLearnerOptions(
  description: ExportDescription,
  extra: Readonly<Record<string, () => Metric>> = {},
): Pick<LearnerOptions, 'lossFunc' | 'metrics' | 'progress' | 'builder'> {
  return {
    lossFunc: lossFromSpec(description.loss),
    metrics: metricsFromNames(description.metrics, extra),
    progress: false,
    builder: description.builder,
  };
}
