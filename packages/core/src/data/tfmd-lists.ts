// fastai's `TfmdLists` and `Datasets` (fastai/data/core.py): items and the pipeline(s) that make them what a
// model sees, set up on the training split; `train`/`valid` are the same pipelines over each split's items.
import { DataBlockError } from './categorize.js';
import type { Split } from './splitters.js';
import { Pipeline, type Transform } from './transform.js';

/** Options of {@link TfmdLists} and {@link Datasets}. */
export interface TfmdListsOptions {
  /** The split (default: every item trains, none validate). */
  splits?: Split;
}

/** The item of `items[i]` through `pipe`, an error naming the item when a transform fails. */
function encodeAt<T>(pipe: Pipeline, items: readonly T[], i: number): unknown {
  if (!(Number.isInteger(i) && i >= 0 && i < items.length))
    throw new RangeError(`index ${i} out of range (${items.length} items)`);
  try {
    return pipe.encode(items[i]);
  } catch (e) {
    if (e instanceof DataBlockError) throw new DataBlockError(`item ${i} (${show(items[i])}): ${e.message}`);
    throw e;
  }
}

/** A short text of an item for messages and `summary`. */
export function show(x: unknown): string {
  if (typeof x === 'string') return x;
  if (x instanceof Float32Array || x instanceof Int32Array) return `[${Array.from(x).join(', ')}]`;
  if (x instanceof Uint8Array) return `<${x.length} bytes>`;
  if (Array.isArray(x)) return `[${x.map(show).join(', ')}]`;
  if (x && typeof x === 'object' && 'toString' in x && x.toString !== Object.prototype.toString) return String(x);
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}

/**
 * fastai's `TfmdLists`: items and one {@link Pipeline}, set up on the training items; `get(i)` encodes item `i`.
 * @example
 * ```ts
 * const tl = new TfmdLists(['dog', 'cat', 'dog'], [new Categorize()], { splits: { train: [0, 1], valid: [2] } });
 * tl.get(2); // 1
 * tl.valid.length; // 1
 * ```
 */
export class TfmdLists<T = unknown, O = unknown> {
  /** The pipeline, set up on the training items. */
  readonly tfms: Pipeline<T, O>;
  /** The split this list was made with. */
  readonly splits: Split;
  constructor(
    /** Every item (both splits). */
    readonly items: readonly T[],
    tfms: readonly Transform[] | Pipeline<T, O>,
    opts: TfmdListsOptions & { setup?: boolean } = {},
  ) {
    this.tfms = tfms instanceof Pipeline ? tfms : new Pipeline<T, O>(tfms);
    this.splits = opts.splits ?? { train: items.map((_, i) => i), valid: [] };
    if (opts.setup !== false) this.tfms.setup(this.splits.train.map((i) => items[i]));
  }

  /** The number of items. */
  get length(): number {
    return this.items.length;
  }

  /** Item `i` through the pipeline. */
  get(i: number): O {
    return encodeAt(this.tfms, this.items, i) as O;
  }

  /** The pipeline's `decodes`, for showing an encoded item. */
  decode(y: O): T {
    return this.tfms.decode(y);
  }

  /** The items of split `k` (0 train, 1 valid) through the same (already set up) pipeline. */
  subset(k: 0 | 1): TfmdLists<T, O> {
    const idx = k === 0 ? this.splits.train : this.splits.valid;
    return new TfmdLists(
      idx.map((i) => this.items[i]),
      this.tfms,
      { setup: false },
    );
  }

  /** The training items. */
  get train(): TfmdLists<T, O> {
    return this.subset(0);
  }

  /** The validation items. */
  get valid(): TfmdLists<T, O> {
    return this.subset(1);
  }
}

/** Options of {@link Datasets}. */
export interface DatasetsOptions extends TfmdListsOptions {
  /** How many of the tuple's parts are inputs (default: all but the last, as fastai). */
  nInp?: number;
}

/**
 * fastai's `Datasets`: one {@link TfmdLists} per part of the tuple (inputs, then targets) over the same items;
 * `get(i)` is the tuple.
 * @example
 * ```ts
 * const ds = new Datasets(rows, [[new Transform({ encodes: (r: Row) => r.text })], [new Transform({ encodes: (r: Row) => r.label }), new Categorize()]]);
 * const [text, label] = ds.get(0);
 * ```
 */
export class Datasets<T = unknown> {
  /** One list per part of the tuple. */
  readonly tls: TfmdLists<T>[];
  /** How many parts are inputs. */
  readonly nInp: number;
  /** The split. */
  readonly splits: Split;
  constructor(
    /** Every item (both splits). */
    readonly items: readonly T[],
    tfms: readonly (readonly Transform[] | Pipeline)[],
    opts: DatasetsOptions & { tls?: TfmdLists<T>[] } = {},
  ) {
    this.splits = opts.splits ?? { train: items.map((_, i) => i), valid: [] };
    this.tls =
      opts.tls ??
      tfms.map((t) => new TfmdLists<T>(items, t as readonly Transform[] | Pipeline<T>, { splits: this.splits }));
    this.nInp = opts.nInp ?? Math.max(1, this.tls.length - 1);
  }

  /** The number of items. */
  get length(): number {
    return this.items.length;
  }

  /** The tuple of item `i`: each part through its pipeline. */
  get(i: number): unknown[] {
    return this.tls.map((tl) => tl.get(i));
  }

  /** Each part's `decodes`. */
  decode(tuple: readonly unknown[]): unknown[] {
    return tuple.map((y, k) => this.tls[k].decode(y));
  }

  /** The items of split `k` (0 train, 1 valid), with the same pipelines. */
  subset(k: 0 | 1): Datasets<T> {
    const tls = this.tls.map((tl) => tl.subset(k));
    const items = tls[0]?.items ?? [];
    return new Datasets<T>(items, [], { tls, nInp: this.nInp, splits: { train: items.map((_, i) => i), valid: [] } });
  }

  /** The training items. */
  get train(): Datasets<T> {
    return this.subset(0);
  }

  /** The validation items. */
  get valid(): Datasets<T> {
    return this.subset(1);
  }
}
