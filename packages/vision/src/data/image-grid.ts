// Pictures of images with captions (showBatch, showResults, plotTopLosses): tiles composed into one PNG by sharp,
// captions drawn as SVG text.
import * as tf from '@tensorflow/tfjs-core';
import { atomicWrite, dirname, mkdir } from '@tfai/core/internal';
import sharp from '#platform/sharp';
import type { OverlayOptions } from 'sharp';
import type { RGBImage } from './image.js';

/** One line of a caption, in a CSS colour (default black). */
export interface CaptionLine {
  /** The caption text (cut with an ellipsis when wider than the tile). */
  text: string;
  /** CSS colour of the text (default black; `showResults` uses green/red for right/wrong). */
  color?: string;
}

/** An image and the caption lines drawn above it. */
export interface GridTile {
  /** The picture, scaled to the grid's `tileSize`. */
  image: RGBImage;
  /** Caption lines drawn above the picture, top to bottom. */
  lines: CaptionLine[];
}

/** Options of {@link writeImageGrid}. */
export interface ImageGridOptions {
  /** Rows and columns; default as fastai's `get_grid`: `ceil(√n)` rows. */
  nrows?: number;
  /** Columns of the grid; default `ceil(n / nrows)`. */
  ncols?: number;
  /** Side of each picture in pixels (default 128: small images are enlarged, pixels kept sharp). */
  tileSize?: number;
  /** A title above the grid. */
  title?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const LINE = 16;
const PAD = 8;

/** Width of one character of 12-px sans-serif text, generously (digits and lower case are narrower). */
const CHAR_W = 6.6;

/** Shortens `s` to about `px` pixels of 12-px sans-serif text. */
function fit(s: string, px: number): string {
  const max = Math.max(4, Math.floor(px / CHAR_W));
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/**
 * The width of a grid cell's content: the picture's side, widened to the longest caption line (which may run into
 * the cell's padding; as matplotlib's titles, never cut) up to three sides; only a caption longer than that is
 * shortened.
 * @example
 * ```ts
 * captionWidth([{ image, lines: [{ text: 'pred: different (p(same) 0.93)' }] }], 160); // 190
 * ```
 */
export function captionWidth(tiles: readonly GridTile[], size: number): number {
  const longest = Math.max(0, ...tiles.flatMap((t) => t.lines.map((l) => l.text.length)));
  return Math.min(3 * size, Math.max(size, Math.ceil(longest * CHAR_W) - PAD));
}

/**
 * Writes `tiles` as one PNG grid (atomically) and returns the file name.
 * @example
 * ```ts
 * await writeImageGrid('batch.png', [{ image, lines: [{ text: 'bag' }] }]);
 * ```
 */
export async function writeImageGrid(file: string, tiles: GridTile[], opts: ImageGridOptions = {}): Promise<string> {
  const n = Math.max(tiles.length, 1);
  const nrows = opts.nrows ?? (opts.ncols ? Math.ceil(n / opts.ncols) : Math.ceil(Math.sqrt(n)));
  const ncols = opts.ncols ?? Math.ceil(n / nrows);
  const size = opts.tileSize ?? 128;
  const nLines = Math.max(0, ...tiles.map((t) => t.lines.length));
  const inner = captionWidth(tiles, size);
  const cellW = inner + 2 * PAD;
  const cellH = size + nLines * LINE + 2 * PAD;
  const top = opts.title ? 28 : 0;
  const width = ncols * cellW;
  const height = top + nrows * cellH;
  const composites: OverlayOptions[] = [];
  const text: string[] = [];
  if (opts.title)
    text.push(`<text x="${width / 2}" y="19" text-anchor="middle" font-size="15">${esc(opts.title)}</text>`);
  await Promise.all(
    tiles.map(async (t, i) => {
      const r = Math.floor(i / ncols);
      const c = i % ncols;
      if (r >= nrows) return;
      const { image } = t;
      const scale = size / Math.max(image.width, image.height);
      const w = Math.max(1, Math.round(image.width * scale));
      const h = Math.max(1, Math.round(image.height * scale));
      const { data } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
        .resize(w, h, { fit: 'fill', kernel: scale >= 2 ? 'nearest' : 'lanczos3' })
        .raw()
        .toBuffer({ resolveWithObject: true });
      const x0 = c * cellW + PAD;
      const y0 = top + r * cellH + PAD;
      composites.push({
        input: data,
        raw: { width: w, height: h, channels: 3 },
        left: x0 + Math.floor((inner - w) / 2),
        top: y0 + nLines * LINE + Math.floor((size - h) / 2),
      });
      t.lines.forEach((l, j) => {
        text.push(
          `<text x="${x0 + inner / 2}" y="${y0 + (j + 1) * LINE - 4}" text-anchor="middle" fill="${esc(l.color ?? 'black')}">${esc(fit(l.text, inner + PAD))}</text>`,
        );
      });
    }),
  );
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">${text.join('')}</svg>`;
  composites.push({ input: Buffer.from(svg), left: 0, top: 0 });
  const png = await sharp({ create: { width, height, channels: 3, background: { r: 255, g: 255, b: 255 } } })
    .composite(composites)
    .png()
    .toBuffer();
  await mkdir(dirname(file), { recursive: true });
  await atomicWrite(file, png);
  return file;
}

/**
 * Pixels of a batch `[n, h, w, 3]` with values in 0–1 (already de-normalised) as RGB images.
 * @example
 * ```ts
 * const images = await batchToImages(decodeBatchTfms(x, dls.batchTfms));
 * ```
 */
export async function batchToImages(x: tf.Tensor4D): Promise<RGBImage[]> {
  const [n, h, w] = x.shape;
  const bytes = tf.tidy(() => tf.round(tf.mul(tf.clipByValue(x, 0, 1), 255)).toInt());
  const data = await bytes.data();
  bytes.dispose();
  const per = h * w * 3;
  return Array.from({ length: n }, (_, i) => ({
    data: Uint8Array.from(data.subarray(i * per, (i + 1) * per)),
    width: w,
    height: h,
  }));
}
