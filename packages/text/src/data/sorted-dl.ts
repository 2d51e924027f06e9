import * as tf from '@tensorflow/tfjs-core';
import { DataLoader, type Batch, type Rng } from '@tfai/core';
import { TextInputError } from '../errors.js';
import { textBatch } from '../models/text-batch.js';
import { padInputChunk } from './pad-chunk.js';

/** A numericalized text and its target: a class index, or a vector (multi-label, regression). */
export interface TextItem {
  /** The text's token ids, in the vocab of its `Numericalize`. */
  ids: Int32Array;
  /** The target: a class index, or a vector (0/1 flags for multi-label, floats for regression). */
  label: number | readonly number[];
}

/** Options of {@link SortedDL} (fastai's defaults). */
export interface SortedDLOptions {
  /** Batch size (default 64). */
  bs?: number;
  /** Shuffle (training): sorted within random chunks of `50·bs` items. Default false: fully sorted, longest first. */
  shuffle?: boolean;
  /** Drop the last incomplete batch (default: same as `shuffle`). */
  dropLast?: boolean;
  /** Seed of the shuffling (default: from core's global RNG). */
  seed?: number;
  /** Batches prepared ahead of the one being consumed (default 2). */
  prefetch?: number;
  /** `xxpad`'s id (default 1). */
  padIdx?: number;
  /** Chunk length of the padding, which must be the classifier's `seqLen` (default 72). */
  seqLen?: number;
}

/**
 * fastai's `SortedDL` with `Pad_Chunk`: texts of similar lengths share a batch. Without shuffle the items go longest
 * first; with it they are permuted, sorted by length within chunks of `50·bs`, cut into batches whose order is
 * shuffled except the first (holding the longest text, so memory problems show at once) and the last. Each batch is
 * padded with {@link padInputChunk} (whole chunks of `xxpad` first): `x` int32 `[bs, maxLen]`, `y` int32 `[bs]` (or
 * float32 `[bs, n]` for vector targets).
 * @example
 * ```ts
 * const dl = new SortedDL(items, { bs: 64, shuffle: true, seed: 1 });
 * const { x: [x], y } = await dl.oneBatch();
 * ```
 */
export class SortedDL extends DataLoader<TextItem> {
  /** Each item's length (fastai's `res`). */
  readonly lengths: Int32Array;
  constructor(
    /** The numericalized texts and their targets, in dataset order. */
    readonly items: readonly TextItem[],
    opts: SortedDLOptions = {},
  ) {
    const bs = opts.bs ?? 64;
    const lengths = Int32Array.from(items, (it) => it.ids.length);
    const padOpts = { padIdx: opts.padIdx ?? 1, seqLen: opts.seqLen ?? 72, padFirst: true };
    super(
      { length: items.length, get: (i: number) => items[i] },
      {
        bs,
        shuffle: opts.shuffle ?? false,
        dropLast: opts.dropLast,
        seed: opts.seed,
        prefetch: opts.prefetch,
        order: (_epoch, rng) => (opts.shuffle ? sortishOrder(lengths, bs, rng) : sortedOrder(lengths)),
        collate: (batch) => collateText(batch, padOpts),
      },
    );
    this.lengths = lengths;
  }
}

/** Indices by decreasing length (stable). */
export function sortedOrder(lengths: ArrayLike<number>): number[] {
  return Array.from({ length: lengths.length }, (_, i) => i).sort((a, b) => lengths[b] - lengths[a]);
}

/** fastai's `SortedDL.shuffle_fn`. */
export function sortishOrder(lengths: ArrayLike<number>, bs: number, rng: Rng): number[] {
  const n = lengths.length;
  if (n === 0) return [];
  const idxs = Array.from(rng.permutation(n));
  let idxMax = 0;
  for (let i = 1; i < n; i++) if (lengths[i] > lengths[idxMax]) idxMax = i;
  const at = idxs.indexOf(idxMax);
  [idxs[0], idxs[at]] = [idxs[at], idxs[0]];
  const sorted: number[] = [];
  for (let i = 0; i < n; i += bs * 50)
    sorted.push(...idxs.slice(i, i + bs * 50).sort((a, b) => lengths[b] - lengths[a]));
  const batches: number[][] = [];
  for (let i = 0; i < n; i += bs) batches.push(sorted.slice(i, i + bs));
  if (batches.length <= 2) return batches.flat();
  const middle = batches.slice(1, -1);
  const perm = rng.permutation(middle.length);
  return [...batches[0], ...Array.from(perm, (k) => middle[k]).flat(), ...batches[batches.length - 1]];
}

/** Pads a batch of texts by chunks and stacks the targets. */
export function collateText(batch: TextItem[], padOpts: { padIdx: number; seqLen: number; padFirst: boolean }): Batch {
  if (!batch.length) throw new TextInputError('collateText: empty batch');
  const padded = padInputChunk(
    batch.map((b) => b.ids),
    padOpts,
  );
  const L = padded[0].length;
  const flat = new Int32Array(batch.length * L);
  padded.forEach((r, i) => flat.set(r, i * L));
  const x = textBatch(flat, batch.length, L);
  const first = batch[0].label;
  const y =
    typeof first === 'number'
      ? tf.tensor1d(
          batch.map((b) => b.label as number),
          'int32',
        )
      : tf.tensor2d(
          batch.flatMap((b) => Array.from(b.label as readonly number[])),
          [batch.length, first.length],
          'float32',
        );
  return { x: [x], y };
}
