// Drawing pairs of images as the book's SiameseTransform does: each anchor image is paired with an image of
// the same class or of another class. Here exactly half of the pairs are "same" and every draw is seeded.
import { Rng } from '@tfai/core';
import { SiameseDataError } from '../errors.js';

/** Two image files and whether they show the same class. */
export interface ImagePair {
  /** Path of the first image. */
  a: string;
  /** Path of the second image. */
  b: string;
  /** True if both images show the same class. */
  same: boolean;
}

/** An image file and its class. */
export interface LabelledImage {
  /** Path of the image. */
  file: string;
  /** Its class name (e.g. the parent folder's name). */
  label: string;
}

/**
 * Draws one pair per anchor from `pool`: a seeded half of the anchors (`⌈n/2⌉`) get a partner of their own
 * class (another image when the class has one), the others a partner of a class drawn uniformly among the
 * other classes (as the book's `_draw`), then a file drawn uniformly in that class.
 * @example
 * ```ts
 * const pairs = drawPairs(images, images, new Rng(42));
 * pairs.filter((p) => p.same).length; // Math.ceil(images.length / 2)
 * ```
 */
export function drawPairs(
  anchors: readonly LabelledImage[],
  pool: readonly LabelledImage[],
  rng: Rng,
  source = 'pairs',
): ImagePair[] {
  const byLabel = new Map<string, string[]>();
  for (const { file, label } of pool) {
    const files = byLabel.get(label);
    if (files) files.push(file);
    else byLabel.set(label, [file]);
  }
  const labels = [...byLabel.keys()];
  if (anchors.length && labels.length < 2)
    throw new SiameseDataError(
      source,
      `pairs of different classes need at least 2 classes, found ${labels.length} (${labels.join(', ') || 'none'})`,
    );
  const order = rng.permutation(anchors.length);
  const same = new Uint8Array(anchors.length);
  for (let i = 0; i < Math.ceil(anchors.length / 2); i++) same[order[i]] = 1;
  return anchors.map(({ file, label }, i) => {
    if (same[i]) {
      const files = byLabel.get(label);
      if (!files) throw new SiameseDataError(source, `no image of class '${label}' to pair ${file} with`);
      const others = files.length > 1 ? files.filter((f) => f !== file) : files;
      return { a: file, b: others[rng.int(others.length)], same: true };
    }
    const otherLabels = labels.filter((l) => l !== label);
    const files = byLabel.get(otherLabels[rng.int(otherLabels.length)])!;
    return { a: file, b: files[rng.int(files.length)], same: false };
  });
}

/**
 * Training pairs re-drawn every epoch: epoch `e` always gets the same pairs for the same seed (each epoch has
 * its own RNG stream), so a run can be repeated and `oneBatch` shows what the next epoch trains on.
 * @example
 * ```ts
 * const sampler = new PairSampler(images, images, 42);
 * sampler.pairs(0); // the first epoch's pairs
 * ```
 */
export class PairSampler {
  private cache: { epoch: number; pairs: ImagePair[] } | undefined;
  constructor(
    /** The images each epoch pairs up: one pair per anchor, the anchor as `a`. */
    readonly anchors: readonly LabelledImage[],
    /** The images partners are drawn from (often the anchors themselves), by class. */
    readonly pool: readonly LabelledImage[],
    /** Seed of the draws; epoch `e`'s pairs depend only on it and `e`. */
    readonly seed: number,
    /** What the images came from (a folder or CSV), named in errors (default `'pairs'`). */
    readonly source = 'pairs',
  ) {
    // Fail now, not at the first batch, if pairs cannot be drawn.
    this.pairs(0);
  }

  /** The pairs of epoch `epoch` (one per anchor). */
  pairs(epoch: number): ImagePair[] {
    if (this.cache?.epoch !== epoch) {
      const rng = new Rng(((this.seed >>> 0) ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0);
      this.cache = { epoch, pairs: drawPairs(this.anchors, this.pool, rng, this.source) };
    }
    return this.cache.pairs;
  }
}
