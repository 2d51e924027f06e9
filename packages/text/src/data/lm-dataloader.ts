import * as tf from '@tensorflow/tfjs-core';
import { DataLoader, Rng, type Batch } from '@tfai/core';
import { globalRng } from '@tfai/core/internal';
import { TextInputError } from '../errors.js';

/** Options of {@link LMDataLoader} (fastai's defaults). */
export interface LMDataLoaderOptions {
  /** Rows read in parallel (default 64). */
  bs?: number;
  /** Tokens per batch and row (fastai's `seq_len`, default 72). */
  seqLen?: number;
  /** Shuffle the documents at the start of every epoch (default false; true for training). */
  shuffle?: boolean;
  /** Seed of the shuffling (and variable-length) RNG. */
  seed?: number;
  /** Batches prepared ahead (default 2). */
  prefetch?: number;
  /**
   * fastai v1's variable BPTT: each batch reads `seqLen` tokens with probability 0.95, else `seqLen / 2`, jittered
   * by N(0, 5) and at least 5 (default false, as fastai 2).
   */
  variableSeqLen?: boolean;
}

/** One epoch's layout: the stream of tokens and where each batch starts. */
interface Plan {
  stream: Int32Array;
  /** Tokens per row (fastai's `bl`). */
  bl: number;
  /** Start offset within a row and length of each batch. */
  batches: { start: number; len: number }[];
}

/**
 * fastai's `LMDataLoader`: the documents (token ids), shuffled each epoch if `shuffle`, are concatenated into one
 * stream; the stream (less one token, rounded down to a multiple of `bs`) is cut into `bs` rows of `bl` tokens, and
 * batch `i` is columns `[i·seqLen, (i+1)·seqLen)` of every row, with targets shifted by one token. So row `j` of
 * consecutive batches continues the same text, which is why the model keeps its hidden state between batches.
 * @example
 * ```ts
 * const dl = new LMDataLoader(docs, { bs: 64, seqLen: 72, shuffle: true, seed: 42 });
 * for await (const { x: [x], y } of dl) { … } // x, y: int32 [64, 72]
 * ```
 */
export class LMDataLoader extends DataLoader<number> {
  /** Tokens per batch and row, the BPTT length (fastai's `seq_len`; default 72). */
  readonly seqLen: number;
  /** Whether the documents are shuffled at each epoch. */
  readonly shuffleDocs: boolean;
  /** Whether batches use fastai v1's variable BPTT (mostly `seqLen`, sometimes about half); default false. */
  readonly variableSeqLen: boolean;
  private readonly state: { plan: Plan };
  private readonly rngLm: Rng;
  private readonly docs: readonly Int32Array[];

  constructor(docs: readonly Int32Array[], opts: LMDataLoaderOptions = {}) {
    const bs = opts.bs ?? 64;
    const total = docs.reduce((s, d) => s + d.length, 0);
    if (Math.floor((total - 1) / bs) < 1)
      throw new TextInputError(
        `LMDataLoader: ${total} tokens in ${docs.length} documents are too few for bs ${bs} (need at least ${bs + 1})`,
      );
    const state = { plan: { stream: new Int32Array(0), bl: 0, batches: [] } as Plan };
    super(
      {
        get length() {
          return state.plan.batches.length;
        },
        get: (i: number) => i,
      },
      {
        bs,
        shuffle: false,
        dropLast: false,
        prefetch: opts.prefetch,
        batches: () => state.plan.batches.map((_, i) => [i]),
        collate: ([b]) => lmBatch(state.plan, bs, b),
      },
    );
    this.state = state;
    this.docs = docs;
    this.seqLen = opts.seqLen ?? 72;
    this.shuffleDocs = opts.shuffle ?? false;
    this.variableSeqLen = opts.variableSeqLen ?? false;
    this.rngLm = new Rng(opts.seed ?? globalRng.seed());
    this.state.plan = this.makePlan(Array.from(docs.keys()));
  }

  /** Batch size times number of batches (fastai's `n`). */
  override get n(): number {
    return this.state.plan.batches.length * this.bs;
  }

  /** The current epoch's token stream (documents concatenated in this epoch's order). */
  get stream(): Int32Array {
    return this.state.plan.stream;
  }

  private makePlan(order: number[]): Plan {
    const total = order.reduce((s, i) => s + this.docs[i].length, 0);
    const stream = new Int32Array(total);
    let o = 0;
    for (const i of order) {
      stream.set(this.docs[i], o);
      o += this.docs[i].length;
    }
    // The "-1" leaves room for the last target; the end that does not fill bs rows is dropped.
    const bl = Math.floor((total - 1) / this.bs);
    const batches: { start: number; len: number }[] = [];
    for (let start = 0; start < bl;) {
      let len = this.seqLen;
      if (this.variableSeqLen) {
        const base = this.rngLm.next() < 0.95 ? this.seqLen : this.seqLen / 2;
        len = Math.max(5, Math.round(base + 5 * this.normal()));
      }
      len = Math.min(len, bl - start);
      batches.push({ start, len });
      start += len;
    }
    return { stream, bl, batches };
  }

  /** A standard normal draw (Box–Muller) from this loader's RNG. */
  private normal(): number {
    const u = Math.max(this.rngLm.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.rngLm.next());
  }

  /** The batches of one pass: each a `bptt`-long window of every stream, targets shifted by one. */
  override async *[Symbol.asyncIterator](): AsyncGenerator<Batch> {
    if (this.shuffleDocs || this.variableSeqLen) {
      const order = this.shuffleDocs
        ? Array.from(this.rngLm.permutation(this.docs.length))
        : Array.from(this.docs.keys());
      this.state.plan = this.makePlan(order);
    }
    const it = super[Symbol.asyncIterator]();
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    } finally {
      await it.return?.();
    }
  }
}

/** Batch `b` of a plan: `x` = tokens `[start, start+len)` of every row, `y` the same shifted by one. */
function lmBatch(plan: Plan, bs: number, b: number): Batch {
  const { stream, bl, batches } = plan;
  const { start, len } = batches[b];
  const x = new Int32Array(bs * len);
  const y = new Int32Array(bs * len);
  for (let j = 0; j < bs; j++) {
    const st = j * bl + start;
    x.set(stream.subarray(st, st + len), j * len);
    y.set(stream.subarray(st + 1, st + len + 1), j * len);
  }
  return { x: [tf.tensor2d(x, [bs, len], 'int32')], y: tf.tensor2d(y, [bs, len], 'int32') };
}
