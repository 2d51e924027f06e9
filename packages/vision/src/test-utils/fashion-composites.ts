// Two tasks made from @tfai/datasets' fashion_mnist (real Zalando article photos, 28×28 grey), for the DataBlock tests
// and real runs: (1) multi-label — two articles side by side (56×28), labelled with the set of their two classes, as
// the brief of issue 30 suggests ("combine two images' classes"); (2) keypoint regression — one article pasted at a
// random place on a black 56×56 canvas, the target its centre (x, y) in pixels. Items are ImagePixels made in memory;
// nothing is written.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@tfai/core';
import { datasets } from '@tfai/datasets';
import { loadImage, type ImagePixels } from '../data/image.js';

const ROOT = datasets.path('fashion_mnist');

/** The files of a fashion_mnist split (`train` or `valid`), in a fixed order, with their class (the folder). */
export function fashionFiles(split: 'train' | 'valid'): { file: string; label: string }[] {
  const dir = join(ROOT, split);
  return readdirSync(dir)
    .sort()
    .flatMap((label) =>
      readdirSync(join(dir, label))
        .sort()
        .map((f) => ({ file: join(dir, label, f), label })),
    );
}

/** A multi-label item: two articles side by side and the set of their classes. */
export interface PairItem {
  /** 56×28 RGB: article `a` left, `b` right. */
  image: ImagePixels;
  /** Their classes (one when both are of the same class), sorted. */
  labels: string[];
}

/** `n` multi-label items drawn (seeded) from a split: two random articles side by side. */
export async function sideBySide(split: 'train' | 'valid', n: number, seed: number): Promise<PairItem[]> {
  const files = fashionFiles(split);
  const rng = new Rng(seed);
  const pick = () => files[Math.floor(rng.next() * files.length)];
  const out: PairItem[] = [];
  for (let i = 0; i < n; i++) {
    const [a, b] = [pick(), pick()];
    const [ia, ib] = await Promise.all([loadImage(a.file), loadImage(b.file)]);
    const data = new Uint8Array(56 * 28 * 3);
    for (let y = 0; y < 28; y++) {
      data.set(ia.data.subarray(y * 28 * 3, (y + 1) * 28 * 3), y * 56 * 3);
      data.set(ib.data.subarray(y * 28 * 3, (y + 1) * 28 * 3), (y * 56 + 28) * 3);
    }
    out.push({ image: { data, width: 56, height: 28, channels: 3 }, labels: [...new Set([a.label, b.label])].sort() });
  }
  return out;
}

/** A keypoint item: an article on a black canvas and its centre in pixels. */
export interface PlacedItem {
  /** 56×56 RGB. */
  image: ImagePixels;
  /** The article's centre `[[x, y]]` in pixels. */
  centre: [[number, number]];
}

/** `n` keypoint items drawn (seeded) from a split: one article at a random place on a 56×56 black canvas. */
export async function placed(split: 'train' | 'valid', n: number, seed: number): Promise<PlacedItem[]> {
  const files = fashionFiles(split);
  const rng = new Rng(seed);
  const out: PlacedItem[] = [];
  for (let i = 0; i < n; i++) {
    const f = files[Math.floor(rng.next() * files.length)];
    const [ox, oy] = [Math.floor(rng.next() * 29), Math.floor(rng.next() * 29)];
    const im = await loadImage(f.file);
    const data = new Uint8Array(56 * 56 * 3);
    for (let y = 0; y < 28; y++) data.set(im.data.subarray(y * 28 * 3, (y + 1) * 28 * 3), ((oy + y) * 56 + ox) * 3);
    out.push({ image: { data, width: 56, height: 56, channels: 3 }, centre: [[ox + 14, oy + 14]] });
  }
  return out;
}
