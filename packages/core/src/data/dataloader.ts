import * as tf from '@tensorflow/tfjs-core';
import { checkInteger } from '../errors.js';
import { globalRng, Rng } from '../nn/random.js';

/**
 * One batch: the model's inputs (called as `model.call(...x)`) and the target. Both sides are owned by
 * whoever iterates the loader; the Learner disposes them after each step.
 */
export interface Batch {
  /** The model's inputs, batch first (NHWC images, token ids, categorical + continuous columns…), one per model argument. */
  x: tf.Tensor[];
  /** The target, batch first (class indices, regression values, masks…): what the loss compares the output with. */
  y: tf.Tensor;
}

/** Random-access items: what a domain package's pipeline provides to a {@link DataLoader}. */
export interface Dataset<T> {
  /** Number of items; valid indices of `get` are 0 to `length - 1`. */
  readonly length: number;
  /** The i-th item; may be async (an image decoded by sharp). */
  get(i: number): T | Promise<T>;
}

/** Options of {@link DataLoader}. */
export interface DataLoaderOptions<T> {
  /** Batch size (default 64, as fastai). */
  bs?: number;
  /** Shuffle each epoch (default false). */
  shuffle?: boolean;
  /** Drop the last incomplete batch (default: same as `shuffle`, as fastai's training loader). */
  dropLast?: boolean;
  /** Seed of the shuffling RNG; each epoch draws a new permutation from it. */
  seed?: number;
  /** Number of batches prepared ahead of the one being consumed (default 2). */
  prefetch?: number;
  /** Turns items into a batch of tensors. */
  collate(items: T[]): Batch;
  /** The order in which to visit items, overriding shuffle (e.g. length-sorted text batches). */
  order?(epoch: number, rng: Rng): Int32Array | number[];
  /** Indices of each batch, overriding `bs`/`order` entirely (bucketed batches). */
  batches?(epoch: number, rng: Rng): number[][];
  /** Runs on each collated batch (batch augmentation as tf ops). Must dispose what it replaces. */
  afterBatch?(b: Batch): Batch;
}

/**
 * Batches a dataset: shuffled with a seeded RNG, optional drop-last, and `prefetch` batches prepared while
 * the current one trains. Iterate it with `for await (const b of dl)`.
 *
 * @example
 * ```ts
 * const dl = new DataLoader(ds, { bs: 32, shuffle: true, seed: 42, collate: (items) => ({ x: [stack(items)], y: … }) });
 * for await (const { x, y } of dl) { … ; tf.dispose([...x, y]); }
 * ```
 */
export class DataLoader<T = unknown> implements AsyncIterable<Batch> {
  /** Batch size, an integer >= 1 (fastai's `bs`; default 64). */
  readonly bs: number;
  /** Whether each epoch visits the items in a new random order (fastai's `shuffle`; default false). */
  readonly shuffle: boolean;
  /** Whether the last incomplete batch is dropped (fastai's `drop_last`; default: same as `shuffle`). */
  readonly dropLast: boolean;
  /** Number of batches prepared ahead of the one being consumed (default 2; 0: none). */
  readonly prefetch: number;
  private readonly rng: Rng;
  private epoch = 0;
  constructor(
    /** The items batched (fastai's `dl.dataset`). */
    readonly dataset: Dataset<T>,
    /** The options the loader was built with (collate, order, afterBatch… are read from here on every epoch). */
    readonly opts: DataLoaderOptions<T>,
  ) {
    this.bs = checkInteger('bs', opts.bs ?? 64, 1);
    this.shuffle = opts.shuffle ?? false;
    this.dropLast = opts.dropLast ?? this.shuffle;
    this.prefetch = Math.max(0, opts.prefetch ?? 2);
    this.rng = new Rng(opts.seed ?? globalRng.seed());
  }

  /** Number of batches per epoch. */
  get length(): number {
    if (this.opts.batches) return this.batchIndices(this.epoch, true).length;
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.bs) : Math.ceil(n / this.bs);
  }

  /** Number of items. */
  get n(): number {
    return this.dataset.length;
  }

  private batchIndices(epoch: number, peek = false): number[][] {
    // Peeking (for `length`) must not advance the RNG of the real epoch.
    const rng = peek ? new Rng(1) : this.rng;
    if (this.opts.batches) return this.opts.batches(epoch, rng);
    const n = this.dataset.length;
    const order = this.opts.order
      ? Array.from(this.opts.order(epoch, rng))
      : this.shuffle
        ? Array.from(rng.permutation(n))
        : Array.from({ length: n }, (_, i) => i);
    const out: number[][] = [];
    for (let i = 0; i < order.length; i += this.bs) {
      const b = order.slice(i, i + this.bs);
      if (b.length < this.bs && this.dropLast) break;
      out.push(b);
    }
    return out;
  }

  /** Builds one batch from item indices. */
  async makeBatch(indices: number[]): Promise<Batch> {
    const items = await Promise.all(indices.map((i) => this.dataset.get(i)));
    const b = this.opts.collate(items);
    return this.opts.afterBatch ? this.opts.afterBatch(b) : b;
  }

  /**
   * The same items, in order and all kept, with the training set's random augmentation (fastai's
   * `dl.dataset.set_split_idx(0)`), for test-time augmentation ({@link Learner.tta}); undefined for a loader that has
   * no augmentation (this base class). Domain loaders (images) override it.
   * @example
   * ```ts
   * const aug = learn.dls.valid.withTrainAugmentation(); // an ImageDataLoader: flips, rotations… as in training
   * ```
   */
  withTrainAugmentation(): DataLoader<T> | undefined {
    return undefined;
  }

  /** The first batch (for `showBatch`, shape probing). The caller disposes it. */
  async oneBatch(): Promise<Batch> {
    const idx = this.batchIndices(this.epoch, true)[0];
    if (!idx) throw new Error('DataLoader is empty: no batch to show');
    return this.makeBatch(idx);
  }

  /** The batches of one pass (shuffled when `shuffle`), prepared `prefetch` ahead. */
  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    const batches = this.batchIndices(this.epoch++);
    const queue: Promise<Batch>[] = [];
    let next = 0;
    const fill = () => {
      while (queue.length <= this.prefetch && next < batches.length) {
        const p = this.makeBatch(batches[next++]);
        p.catch(() => undefined); // surfaced when awaited below
        queue.push(p);
      }
    };
    try {
      fill();
      while (queue.length) {
        const b = await queue.shift()!;
        fill();
        yield b;
      }
    } finally {
      // Early exit (break, error, cancel): free the batches prepared ahead.
      for (const p of queue)
        p.then(
          (b) => tf.dispose([...b.x, b.y]),
          () => undefined,
        );
    }
  }
}

/** Options of {@link DataLoaders}. */
export interface DataLoadersInfo {
  /** Class names (classification) or the target vocab. */
  vocab?: string[];
  /** Number of model outputs (fastai's `dls.c`). */
  c?: number;
}

/**
 * The training and validation loaders, plus what a model needs to know about the targets.
 * Domain packages subclass it (`ImageDataLoaders`, `TabularDataLoaders`, …).
 */
export class DataLoaders {
  /** Class names (classification) or the target vocab, in the order of the model's outputs (fastai's `dls.vocab`). */
  readonly vocab: string[] | undefined;
  /** Number of model outputs (fastai's `dls.c`); defaults to `vocab.length`, undefined when neither is known. */
  readonly c: number | undefined;
  constructor(
    /** The loader that `fit` trains on (fastai's `dls.train`; the domain factories make it shuffled, with drop-last). */
    readonly train: DataLoader<unknown>,
    /** The loader that validation, metrics and `getPreds` read (fastai's `dls.valid`; in order, every item kept). */
    readonly valid: DataLoader<unknown>,
    info: DataLoadersInfo = {},
  ) {
    this.vocab = info.vocab;
    this.c = info.c ?? info.vocab?.length;
  }

  /**
   * Encodes raw items (an image path, a row, a text…) into model inputs, as fastai's `test_dl`. Domain
   * packages override it; the base class has no item pipeline.
   */
  async encodeItems(_items: unknown[]): Promise<tf.Tensor[]> {
    throw new Error(
      `${this.constructor.name} cannot encode raw items: use a domain DataLoaders (ImageDataLoaders, TabularDataLoaders…) or Learner.predictBatch`,
    );
  }
}
