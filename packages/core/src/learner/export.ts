import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { TfaiError } from '../errors.js';
import { atomicWrite, parseSafetensors, serializeSafetensors } from '../io/safetensors.js';
import { serializeTorch } from '../io/torch/save.js';
import { type BuilderSpec, type Learner, readJson } from './learner.js';
import type { LossSpec } from './loss.js';
import { METRICS } from './metrics.js';

/** The JSON half of an export. */
export interface ExportDescription {
  format: 'tfai-learner';
  version: 1;
  builder: BuilderSpec;
  loss: LossSpec;
  metrics: string[];
  vocab?: string[];
  weights: { file: string; sha256: string };
  backend?: string;
}

/** Rebuilds a Learner (model with fresh weights, inference-ready data pipeline) from its builder args. */
export type LearnerBuilder = (args: unknown, ctx: { description: ExportDescription }) => Learner | Promise<Learner>;

/** An export that cannot be loaded: names the file and the problem. */
export class ExportError extends TfaiError {
  override name = 'ExportError';
}

const registry = new Map<string, LearnerBuilder>();
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
 * Writes `<stem>.json` (what to rebuild: builder, loss, metrics, vocab…) and `<stem>.safetensors` (the
 * weights, PyTorch names), each atomically; the JSON records the weights' SHA-256. The folder is created if
 * it does not exist. With `{ pth: true }`, also `<stem>.pth`, the same weights for PyTorch/fastai.
 * @example
 * ```ts
 * await exportLearner(learn, 'models/export');   // models/export.json + models/export.safetensors
 * const learn2 = await loadLearner('models/export.json');
 * await exportLearner(learn, 'models/export', { pth: true }); // + models/export.pth
 * ```
 */
export async function exportLearner(learn: Learner, stem: string, opts: ExportLearnerOptions = {}): Promise<{ json: string; weights: string; pth?: string }> {
  if (!learn.builder)
    throw new ExportError('this Learner has no builder: export needs to know how to rebuild the model (learners from visionLearner, tabularLearner… have one; pass `builder` to new Learner otherwise)');
  const clean = stem.replace(/\.(json|safetensors)$/, '');
  const weightsPath = `${clean}.safetensors`;
  const jsonPath = `${clean}.json`;
  const sd = learn.model.stateDict();
  let bytes: Uint8Array;
  let pthBytes: Uint8Array | undefined;
  try {
    bytes = await serializeSafetensors(sd, { metadata: { format: 'tfai-weights' }, int64: Object.keys(sd).filter((k) => k.endsWith('num_batches_tracked')) });
    if (opts.pth) pthBytes = await serializeTorch(sd, { archiveName: basename(clean).replace(/[^A-Za-z0-9_.-]/g, '_') || 'archive' });
  } finally {
    tf.dispose(Object.values(sd));
  }
  const desc: ExportDescription = {
    format: 'tfai-learner',
    version: 1,
    builder: learn.builder,
    loss: learn.lossFunc.spec,
    metrics: learn.metrics.map((m) => m.name),
    vocab: learn.dls.vocab,
    weights: { file: basename(weightsPath), sha256: createHash('sha256').update(bytes).digest('hex') },
    backend: learn.backendName,
  };
  await mkdir(dirname(clean), { recursive: true });
  await atomicWrite(weightsPath, bytes);
  await atomicWrite(jsonPath, JSON.stringify(desc, null, 2) + '\n');
  if (!pthBytes) return { json: jsonPath, weights: weightsPath };
  await atomicWrite(`${clean}.pth`, pthBytes);
  return { json: jsonPath, weights: weightsPath, pth: `${clean}.pth` };
}

async function findBuilder(spec: BuilderSpec, file: string): Promise<LearnerBuilder> {
  const local = registry.get(spec.name);
  if (local) return local;
  if (!spec.package) throw new ExportError(`${file}: no learner builder named '${spec.name}' is registered`);
  if (!PACKAGE_RE.test(spec.package)) throw new ExportError(`${file}: builder package '${spec.package}' is not a tfai package; refusing to load it`);
  let mod: { learnerBuilders?: Record<string, LearnerBuilder> };
  try {
    mod = (await import(spec.package)) as typeof mod;
  } catch (e) {
    throw new ExportError(`${file}: this export needs ${spec.package}; install it (\`npm install ${spec.package}\`) — ${(e as Error).message}`);
  }
  const b = mod.learnerBuilders?.[spec.name];
  if (!b) throw new ExportError(`${file}: ${spec.package} has no learner builder '${spec.name}'`);
  return b;
}

/** A Learner class (or subclass) to check a loaded learner against: `TabularLearner`, `VisionLearner`… */
export type LearnerClass<T extends Learner> = abstract new (...args: never[]) => T;

/**
 * Loads a learner written by {@link exportLearner}: reads the JSON (no code is executed from the file; the
 * builder is a function of an installed tfai package chosen by name), checks the weights' checksum, rebuilds
 * the model and loads the weights strictly. Pass the class you expect to get it typed without a cast (checked:
 * an export of another kind is an {@link ExportError} naming the file).
 * @example
 * ```ts
 * const learn = await loadLearner('models/titanic.json', TabularLearner); // TabularLearner
 * const any = await loadLearner('models/export.json');                   // Learner
 * ```
 */
export async function loadLearner<T extends Learner = Learner>(jsonPath: string, cls?: LearnerClass<T>): Promise<T> {
  const raw = (await readJson(jsonPath)) as Partial<ExportDescription>;
  if (raw.format !== 'tfai-learner' || raw.version !== 1 || !raw.builder || !raw.weights || !raw.loss)
    throw new ExportError(`${jsonPath}: not a tfai learner export (format '${String(raw.format)}')`);
  const desc = raw as ExportDescription;
  const weightsPath = join(dirname(jsonPath), desc.weights.file);
  let bytes: Buffer;
  try {
    bytes = await readFile(weightsPath);
  } catch (e) {
    throw new ExportError(`${weightsPath}: cannot read the export's weights (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== desc.weights.sha256) throw new ExportError(`${weightsPath}: checksum mismatch (file corrupted, truncated or from another export)`);
  const builder = await findBuilder(desc.builder, jsonPath);
  const learn = await builder(desc.builder.args, { description: desc });
  const { tensors } = parseSafetensors(bytes, weightsPath);
  try {
    learn.model.loadStateDict(tensors);
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return expectClass(learn, cls, jsonPath);
}

function expectClass<T extends Learner>(learn: Learner, cls: LearnerClass<T> | undefined, file: string): T {
  if (cls && !(learn instanceof cls)) {
    learn.dispose();
    throw new ExportError(`${file}: holds a ${learn.constructor.name}, not a ${cls.name}`);
  }
  return learn as T;
}

/** Metric objects from exported names (built-ins only; others are dropped). */
export function metricsFromNames(names: string[]) {
  return names.filter((n) => n in METRICS).map((n) => METRICS[n]());
}
