// Item transforms: run on each decoded image (with sharp) before batching, as fastai's `item_tfms`.
import type { Rng } from '@tfai/core';
import type { RGBImage } from '../data/image.js';

/** What an item transform knows of the call: training (random) or validation (deterministic), and its RNG. */
export interface ItemContext {
  train: boolean;
  rng: Rng;
}

/** How fastai's `ResizeMethod` fits an image into the target size. */
export type ResizeMethod = 'crop' | 'pad' | 'squish';

/** How fastai's `PadMode` fills pixels outside the image: mirror image, black, or the edge pixel repeated. */
export type PadMode = 'reflection' | 'zeros' | 'border';

/** The JSON form of an item transform, as written into an export. */
export type ItemTfmSpec =
  | { type: 'Resize'; size: [number, number]; method: ResizeMethod; padMode: PadMode }
  | { type: 'RandomResizedCrop'; size: [number, number]; minScale: number; maxScale: number; ratio: [number, number]; valXtra: number };

/** A per-image transform: decoded RGB pixels in, RGB pixels out. */
export interface ItemTransform {
  readonly name: string;
  apply(img: RGBImage, ctx: ItemContext): Promise<RGBImage>;
  toJSON(): ItemTfmSpec;
}

/** An image size: one number for a square, or `[height, width]` as fastai's `size`. */
export type Size = number | readonly [number, number];

/** `[height, width]` of a size; checks that both are positive integers. */
export function toHW(size: Size, what: string): [number, number] {
  const hw: [number, number] = typeof size === 'number' ? [size, size] : [size[0], size[1]];
  if (!hw.every((v) => Number.isInteger(v) && v > 0)) throw new RangeError(`${what}: size must be positive integers, got ${JSON.stringify(size)}`);
  return hw;
}

/** Python's `random.uniform(a, b)`. */
export const uniform = (rng: Rng, a: number, b: number): number => a + (b - a) * rng.next();

/** Python's `random.randint(a, b)`: an integer in [a, b], both included. */
export const randint = (rng: Rng, a: number, b: number): number => a + Math.min(b - a, Math.floor(rng.next() * (b - a + 1)));
