/**
 * fastai 2.7's `MixUp` and `CutMix` (`callback/mixup.py`): in training only, each batch is blended with a shuffled
 * copy of itself, by λ drawn from Beta(α, α); validation and prediction see the data as it is.
 *
 * With class-index targets (the loss's `yInt`, as cross-entropy) the targets cannot be blended, so the loss is
 * blended instead, per item and before the reduction, as fastai's `lerp(lf(pred, y₁), lf(pred, y), λ)`:
 *
 *   loss = mean_i [ λ_i · ℓ(pred_i, y_i) + (1 − λ_i) · ℓ(pred_i, y_shuffle(i)) ].
 *
 * Other targets (floats, one-hot, multi-label) are blended like the inputs and the loss is left as it is.
 */
import * as tf from '@tensorflow/tfjs-core';
import { TfaiError } from '../../errors.js';
import { globalRng } from '../../nn/random.js';
import { Callback } from '../callback.js';

/** λ (one per item, or one for the batch) as a tensor broadcasting over a [N, …] tensor of rank `rank`. */
function weightFor(lam: readonly number[], n: number, rank: number): tf.Tensor {
  const values = lam.length === 1 ? Array.from({ length: n }, () => lam[0]!) : lam;
  return tf.tensor(values, [n, ...Array.from({ length: rank - 1 }, () => 1)]);
}

/** torch.lerp(start, end, w) = start + w · (end − start). */
const lerp = (start: tf.Tensor, end: tf.Tensor, w: tf.Tensor): tf.Tensor =>
  tf.add(start, tf.mul(w, tf.sub(end, start)));

/**
 * fastai's `MixHandler`: the draw, the shuffled partner and the blended loss shared by {@link MixUp} and
 * {@link CutMix}; subclasses blend the inputs in `beforeBatch`.
 */
export abstract class MixHandler extends Callback {
  override runValid = false;
  /** The weight of each item's own sample: one per item (MixUp) or one for the batch (CutMix), set each batch. */
  lam: number[] = [];
  /** The partner of each item in the batch, set each batch. */
  shuffle: Int32Array = new Int32Array(0);
  /** The partners' targets (kept for the loss). */
  private yb1: tf.Tensor | undefined;
  protected constructor(
    /** The α of the Beta(α, α) that λ is drawn from (fastai's `alpha`): MixUp's default 0.4, CutMix's 1. */
    readonly alpha: number,
  ) {
    super();
    if (!(alpha > 0)) throw new RangeError(`${new.target.name}: alpha must be positive, got ${alpha}`);
  }

  /** Whether the loss blends instead of the targets (fastai's `stack_y`). */
  protected get stackY(): boolean {
    return this.learn.lossFunc.yInt === true;
  }

  /** Draws the partner of each item and keeps the partners' targets; returns the partner indices (caller disposes). */
  protected pair(): tf.Tensor1D {
    const y = this.learn.y!;
    this.shuffle = globalRng.permutation(y.shape[0]!);
    const idx = tf.tensor1d(this.shuffle, 'int32');
    this.yb1 = tf.gather(y, idx);
    return idx;
  }

  /** Blends the targets by λ where they can be (not class indices): `lerp(y_partner, y, λ)`. */
  protected blendTargets(): void {
    if (this.stackY) return;
    const l = this.learn;
    const y = l.y!;
    l.y = tf.tidy(() => lerp(this.yb1!.toFloat(), y.toFloat(), weightFor(this.lam, y.shape[0]!, y.rank)));
    y.dispose();
  }

  override afterLoss(): void {
    if (!this.stackY || !this.yb1) return;
    const l = this.learn;
    const lf = l.lossFunc;
    if (!lf.perItem)
      throw new TfaiError(
        `${this.name}: the loss '${lf.spec.name}' has class-index targets but no perItem (unreduced) form to blend`,
      );
    const pred = l.pred!;
    const n = pred.shape[0]!;
    // Per item: an item's loss is the mean over its elements (pixels of a segmentation mask), as the flat mean is.
    const own = tf.mean(lf.perItem(pred, l.y!).reshape([n, -1]), 1);
    const other = tf.mean(lf.perItem(pred, this.yb1).reshape([n, -1]), 1);
    l.loss = tf.mean(lerp(other, own, weightFor(this.lam, n, 1))) as tf.Scalar;
  }

  override afterBatch(): void {
    this.yb1?.dispose();
    this.yb1 = undefined;
  }
}

/**
 * fastai's `MixUp(alpha=0.4)`: each item's inputs become `λ·x + (1−λ)·x_partner` with λ = max(b, 1−b),
 * b ~ Beta(α, α) drawn per item from tfai's seeded global random source; the loss blends by the same λ.
 * @example
 * ```ts
 * await learn.fitOneCycle(5, 3e-3, { cbs: [new MixUp()] });
 * ```
 */
export class MixUp extends MixHandler {
  constructor(alpha = 0.4) {
    super(alpha);
  }
  override beforeBatch(): void {
    const l = this.learn;
    const n = l.y!.shape[0]!;
    this.lam = Array.from({ length: n }, () => {
      const b = globalRng.beta(this.alpha, this.alpha);
      return Math.max(b, 1 - b);
    });
    const idx = this.pair();
    this.blendTargets();
    const xs = l.x;
    l.x = tf.tidy(() => xs.map((x) => lerp(tf.gather(x, idx), x, weightFor(this.lam, n, x.rank))));
    tf.dispose([...xs, idx]);
  }
}

/**
 * fastai's `CutMix(alpha=1.0)`: a box of the first input (an NHWC image batch) is pasted from each item's partner;
 * the box covers about `1−λ` of the image, λ ~ Beta(α, α) drawn once per batch, centred at a uniformly drawn pixel
 * and clipped to the image; λ is then recomputed as the share of the image left, and the loss blends by it.
 * @example
 * ```ts
 * await learn.fitOneCycle(5, 3e-3, { cbs: [new CutMix()] });
 * ```
 */
export class CutMix extends MixHandler {
  /** The pasted box `[x1, y1, x2, y2]` (columns x1..x2−1, rows y1..y2−1) of the current batch. */
  box: [number, number, number, number] = [0, 0, 0, 0];
  constructor(alpha = 1.0) {
    super(alpha);
  }
  override beforeBatch(): void {
    const l = this.learn;
    const x = l.x[0];
    if (!x || x.rank !== 4)
      throw new TfaiError(
        `CutMix: the first input must be an NHWC image batch, got shape [${x?.shape.join(', ') ?? ''}]`,
      );
    const [, h, w] = x.shape as [number, number, number, number];
    const lam = globalRng.beta(this.alpha, this.alpha);
    this.lam = [lam];
    const idx = this.pair();
    this.box = randBbox(w, h, lam);
    const [x1, y1, x2, y2] = this.box;
    this.lam = [1 - ((x2 - x1) * (y2 - y1)) / (w * h)];
    this.blendTargets();
    const mask = new Float32Array(h * w);
    for (let i = y1; i < y2; i++) mask.fill(1, i * w + x1, i * w + x2);
    const mixed = tf.tidy(() => lerp(x, tf.gather(x, idx), tf.tensor4d(mask, [1, h, w, 1])));
    tf.dispose([x, idx]);
    l.x = [mixed, ...l.x.slice(1)];
  }
}

/** PyTorch's `torch.round`: halves to even. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** fastai's `CutMix.rand_bbox`: a box of about (1−λ)·W·H pixels centred on a uniformly drawn pixel, clipped. */
export function randBbox(w: number, h: number, lam: number): [number, number, number, number] {
  const cutRat = Math.sqrt(1 - lam);
  const cutW = roundHalfEven(w * cutRat);
  const cutH = roundHalfEven(h * cutRat);
  const cx = globalRng.int(w);
  const cy = globalRng.int(h);
  const clamp = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
  return [
    clamp(cx - Math.floor(cutW / 2), w),
    clamp(cy - Math.floor(cutH / 2), h),
    clamp(cx + Math.floor(cutW / 2), w),
    clamp(cy + Math.floor(cutH / 2), h),
  ];
}
