// fastai's `TransformBlock` and core's blocks (fastai/data/block.py): what one part of a sample is — its type
// transforms, how its values make a batch tensor, the loss a target of that type implies — and, for a block whose
// domain has loaders of its own (vision's ImageBlock), how the DataLoaders are built.
import * as tf from '@tensorflow/tfjs-core';
import { bceWithLogitsLossFlat, crossEntropyLossFlat, mseLossFlat, type Loss } from '../learner/loss.js';
import type { DataLoaders } from './dataloader.js';
import { Categorize, DataBlockError, type CategorizeOptions } from './categorize.js';
import { MultiCategorize, OneHotEncode } from './multi-categorize.js';
import type { Datasets } from './tfmd-lists.js';
import type { Split } from './splitters.js';
import { Transform } from './transform.js';

/** Options of {@link DataBlock.dataloaders} that every block's loaders read. */
export interface DataBlockLoadersOptions {
  /** Batch size (default 64). */
  bs?: number;
  /** Validation batch size (default `bs`). */
  valBs?: number;
  /** Seed of the shuffling and of the random transforms (default: core's global RNG, so `manualSeed` works). */
  seed?: number;
  /** Batches prepared ahead (default 2). */
  prefetch?: number;
  /** Options of the domain's loaders (vision: `onBadImage`, `progress`…), passed through. */
  [key: string]: unknown;
}

/** What a block's {@link TransformBlock.dataloaders} is given. */
export interface BlockLoadersContext {
  /** The datasets: every item through the getters and type transforms, set up on the training split. */
  dsets: Datasets;
  /** The items `getItems` returned (before the getters). */
  items: readonly unknown[];
  /** The split of `items`. */
  split: Split;
  /** The blocks, inputs first. */
  blocks: readonly TransformBlock[];
  /** The DataBlock's item transforms (the domain's kind). */
  itemTfms: readonly unknown[];
  /** The DataBlock's batch transforms, after the blocks' own. */
  batchTfms: readonly unknown[];
  /** The loaders' options. */
  opts: DataBlockLoadersOptions;
  /** The source `dataloaders` was called with. */
  source: unknown;
}

/**
 * fastai's `TransformBlock`: one part of a sample. `typeTfms` run after the getter (set up on the training items);
 * `collate` stacks a part's values into a batch tensor; a target block says the loss it implies, its vocab and the
 * number of model outputs; a block whose domain has DataLoaders of its own builds them (`dataloaders`).
 * @example
 * ```ts
 * const NumberBlock: TransformBlock = { name: 'NumberBlock', typeTfms: [], collate: (v) => tf.tensor1d(v as number[]) };
 * ```
 */
export interface TransformBlock {
  /** The name `summary` prints. */
  readonly name: string;
  /** Transforms from the getter's value to this part's value (fastai's `type_tfms`). */
  readonly typeTfms: readonly Transform[];
  /** Batch transforms this block adds (before the DataBlock's own), in the domain's kind. */
  readonly batchTfms?: readonly unknown[];
  /** Stacks this part's values of a batch into one tensor (default: numbers or number arrays → float32). */
  collate?(values: readonly unknown[]): tf.Tensor;
  /** The loss a target of this type implies (fastai's `loss_func` of the type transform). */
  lossFunc?(): Loss;
  /** The vocab of a target, once set up. */
  vocab?(): string[] | undefined;
  /** The number of model outputs a target needs (fastai's `dls.c`), once set up. */
  c?(): number | undefined;
  /** A domain's DataLoaders from the datasets (vision's ImageBlock); the first input block that has it builds. */
  dataloaders?(ctx: BlockLoadersContext): Promise<DataLoaders>;
}

/**
 * Numbers or number arrays (one per item) as one float32 (or int32) tensor `[n, …]`.
 * @example
 * ```ts
 * collateValues([1, 2], 'float32'); // float32 [2]
 * ```
 */
export function collateValues(values: readonly unknown[], dtype: 'float32' | 'int32' = 'float32'): tf.Tensor {
  const first = values[0];
  if (typeof first === 'number') {
    if (!values.every((v) => typeof v === 'number'))
      throw new DataBlockError(`cannot collate a batch mixing numbers and other values`);
    return tf.tensor1d(values as number[], dtype);
  }
  const rows = values.map((v) => {
    if (v instanceof Float32Array || v instanceof Int32Array || Array.isArray(v)) return Array.from(v as number[]);
    throw new DataBlockError(
      `cannot collate ${typeof v === 'object' ? (v?.constructor.name ?? 'null') : typeof v} values: give the part a block with a collate`,
    );
  });
  const len = rows[0]?.length ?? 0;
  const bad = rows.findIndex((r) => r.length !== len || r.some((x) => typeof x !== 'number'));
  if (bad >= 0)
    throw new DataBlockError(`cannot collate: item ${bad} has ${rows[bad].length} values, item 0 has ${len}`);
  return tf.tensor2d(rows.flat(), [rows.length, len], dtype);
}

/**
 * fastai's `CategoryBlock`: a single label → its class index ({@link Categorize}); the target of
 * `CrossEntropyLossFlat`.
 * @example
 * ```ts
 * new DataBlock({ blocks: [new ImageBlock(), new CategoryBlock()], getY: parentLabel });
 * ```
 */
export class CategoryBlock implements TransformBlock {
  /** The name `summary` prints. */
  readonly name = 'CategoryBlock';
  /** The label → index transform. */
  readonly categorize: Categorize;
  /** `[Categorize]`. */
  readonly typeTfms: readonly Transform[];
  constructor(opts: CategorizeOptions = {}) {
    this.categorize = new Categorize(opts);
    this.typeTfms = [this.categorize];
  }
  /** Class indices as int32 `[n]`. */
  collate(values: readonly unknown[]): tf.Tensor {
    return collateValues(values, 'int32');
  }
  /** `CrossEntropyLossFlat`. */
  lossFunc(): Loss {
    return crossEntropyLossFlat();
  }
  /** The classes. */
  vocab(): string[] {
    return this.categorize.vocab;
  }
  /** The number of classes. */
  c(): number {
    return this.categorize.vocab.length;
  }
}

/**
 * fastai's `MultiCategoryBlock`: a list of labels → a one-hot float vector over the vocab ({@link MultiCategorize},
 * {@link OneHotEncode}); the target of `BCEWithLogitsLossFlat` (decoded by `threshold`, default 0.5).
 * @example
 * ```ts
 * new DataBlock({ blocks: [new ImageBlock(), new MultiCategoryBlock()], getY: (r: { labels: string }) => r.labels.split(' ') });
 * ```
 */
export class MultiCategoryBlock implements TransformBlock {
  /** The name `summary` prints. */
  readonly name = 'MultiCategoryBlock';
  /** The labels → indices transform. */
  readonly multiCategorize: MultiCategorize;
  /** `[MultiCategorize, OneHotEncode]`. */
  readonly typeTfms: readonly Transform[];
  /** The probability above which a label is predicted (BCEWithLogitsLossFlat's `thresh`, default 0.5). */
  readonly threshold: number;
  constructor(opts: { vocab?: readonly string[]; threshold?: number } = {}) {
    this.multiCategorize = new MultiCategorize({ vocab: opts.vocab });
    this.threshold = opts.threshold ?? 0.5;
    this.typeTfms = [
      this.multiCategorize as Transform,
      new OneHotEncode(() => this.multiCategorize.vocab.length) as Transform,
    ];
  }
  /** One-hot vectors as float32 `[n, c]`. */
  collate(values: readonly unknown[]): tf.Tensor {
    return collateValues(values, 'float32');
  }
  /** `BCEWithLogitsLossFlat` with this block's threshold. */
  lossFunc(): Loss {
    return bceWithLogitsLossFlat({ threshold: this.threshold });
  }
  /** The labels. */
  vocab(): string[] {
    return this.multiCategorize.vocab;
  }
  /** The number of labels. */
  c(): number {
    return this.multiCategorize.vocab.length;
  }
}

/**
 * fastai's `RegressionBlock(n_out)`: a number (or `nOut` numbers) → a float32 target of `MSELossFlat`.
 * @example
 * ```ts
 * new DataBlock({ blocks: [new ImageBlock(), new RegressionBlock()], getY: (f: string) => ages.get(f)! });
 * ```
 */
export class RegressionBlock implements TransformBlock {
  /** The name `summary` prints. */
  readonly name = 'RegressionBlock';
  /** One transform that checks the value is a finite number or list of them, and makes it a Float32Array. */
  readonly typeTfms: readonly Transform[];
  constructor(
    /** The number of values per item (default: set up from the training items). */
    public nOut?: number,
  ) {
    const toFloats = new Transform<unknown, Float32Array>({
      name: 'RegressionSetup',
      setup: (items) => {
        this.nOut ??= asFloats(items[0]).length;
      },
      encodes: (x) => {
        const v = asFloats(x);
        if (this.nOut !== undefined && v.length !== this.nOut)
          throw new DataBlockError(`a regression target has ${v.length} values, expected ${this.nOut}`);
        return v;
      },
      decodes: (y) => (y.length === 1 ? y[0] : Array.from(y)),
    });
    this.typeTfms = [toFloats as Transform];
  }
  /** Float32 `[n, nOut]`. */
  collate(values: readonly unknown[]): tf.Tensor {
    return collateValues(values, 'float32');
  }
  /** `MSELossFlat`. */
  lossFunc(): Loss {
    return mseLossFlat();
  }
  /** The number of values per item. */
  c(): number | undefined {
    return this.nOut;
  }
}

/** A number, numeric text or list of them as a Float32Array; anything else (NaN too) is a DataBlockError. */
function asFloats(x: unknown): Float32Array {
  const vals = Array.isArray(x) || x instanceof Float32Array ? Array.from(x as number[]) : [x];
  const out = new Float32Array(vals.length);
  vals.forEach((v, i) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!Number.isFinite(n))
      throw new DataBlockError(`a regression target must be a finite number, got ${JSON.stringify(v)}`);
    out[i] = n;
  });
  return out;
}
