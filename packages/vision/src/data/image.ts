// Decoding with sharp: any image sharp reads becomes 8-bit RGB (greyscale promoted to 3 channels, alpha dropped,
// as PIL's `convert('RGB')` in fastai's `PILImage.create`). Every sharp failure becomes an ImageReadError naming
// the file, so no error surfaces from deep inside sharp.
import { stat } from 'node:fs/promises';
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { ImageReadError } from './errors.js';

/** An image to decode: a file path, or the bytes of an encoded image (PNG, JPEG, WebP…). */
export type ImageSource = string | Buffer | Uint8Array;

/** Decoded pixels: `height × width × 3` bytes, row-major RGB (HWC, as the NHWC batches). */
export interface RGBImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * How an image source is named in errors and pictures: the path, or `<buffer of N bytes>`.
 * @example
 * ```ts
 * sourceName('train/cat/1.png'); // 'train/cat/1.png'
 * ```
 */
export function sourceName(src: ImageSource): string {
  return typeof src === 'string' ? src : `<buffer of ${src.length} bytes>`;
}

/** True if `x` can be decoded as an image source (a path or bytes). */
export function isImageSource(x: unknown): x is ImageSource {
  return typeof x === 'string' || x instanceof Uint8Array;
}

/** PIL's decompression-bomb error threshold (`2 × Image.MAX_IMAGE_PIXELS`), which fastai's image loading inherits. */
export const DEFAULT_MAX_IMAGE_PIXELS = 178_956_970;
let maxImagePixels = DEFAULT_MAX_IMAGE_PIXELS;

/**
 * Sets the largest image (width × height) that decoding accepts, for every decode in the process (default
 * {@link DEFAULT_MAX_IMAGE_PIXELS}, PIL's limit): a 190 KB PNG may declare 14000×14000 pixels and decode to
 * 588 MB. `Infinity` removes the limit (only for trusted files). Returns the previous limit.
 * @example
 * ```ts
 * setMaxImagePixels(400_000_000); // large satellite tiles
 * ```
 */
export function setMaxImagePixels(pixels: number): number {
  if (!(pixels === Infinity || (Number.isSafeInteger(pixels) && pixels > 0)))
    throw new ImageReadError('<settings>', `the pixel limit must be a positive integer or Infinity, got ${pixels}`);
  const prev = maxImagePixels;
  maxImagePixels = pixels;
  return prev;
}

/** The current decode limit in pixels (see {@link setMaxImagePixels}). */
export function getMaxImagePixels(): number {
  return maxImagePixels;
}

/** sharp's constructor options enforcing the pixel limit (`limitInputPixels: false` means none). */
export function decodeOptions(): { limitInputPixels: number | false } {
  return { limitInputPixels: maxImagePixels === Infinity ? false : maxImagePixels };
}

/** The pixel-limit error for `src`, with its declared size when its header can be read. */
async function tooLarge(src: ImageSource): Promise<ImageReadError> {
  const size = await sharp(src, { limitInputPixels: false })
    .metadata()
    .then((m) => (m.width && m.height ? `${m.width}×${m.height} = ${m.width * m.height} pixels` : 'more pixels'))
    .catch(() => 'more pixels');
  return new ImageReadError(
    sourceName(src),
    `declares ${size}, above the decode limit of ${maxImagePixels} pixels (a decompression bomb?); raise it with setMaxImagePixels() if the file is trusted`,
  );
}

async function explain(src: ImageSource, e: unknown): Promise<ImageReadError> {
  const name = sourceName(src);
  const msg = e instanceof Error ? e.message : String(e);
  if (/pixel limit/i.test(msg)) return tooLarge(src);
  if (typeof src === 'string') {
    try {
      const s = await stat(src);
      if (!s.isFile()) return new ImageReadError(name, 'not a file');
      if (s.size === 0) return new ImageReadError(name, 'empty file');
    } catch {
      return new ImageReadError(name, 'file not found');
    }
  }
  if (/unsupported image format/i.test(msg)) return new ImageReadError(name, `not an image (${msg})`);
  return new ImageReadError(name, `cannot decode the image, corrupt or truncated (${msg})`);
}

/**
 * Decodes an image to 8-bit RGB with sharp: greyscale becomes 3 equal channels, an alpha channel is dropped,
 * 16-bit images are reduced to 8 bits. A missing, non-image, corrupt or truncated file, or one declaring more
 * pixels than {@link setMaxImagePixels} allows (PIL's 178,956,970 by default), throws {@link ImageReadError} naming it.
 * @example
 * ```ts
 * const { data, width, height } = await loadImage('fashion_mnist/train/bag/train_00001.png'); // 28×28×3 bytes
 * ```
 */
export async function loadImage(src: ImageSource): Promise<RGBImage> {
  try {
    const { data, info } = await sharp(src, decodeOptions())
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return toRGB(data, info.width, info.height, info.channels);
  } catch (e) {
    if (e instanceof ImageReadError) throw e;
    throw await explain(src, e);
  }
}

/** Raw sharp output to RGB bytes (sharp may keep one band for some greyscale inputs: replicate it). */
export function toRGB(data: Buffer | Uint8Array, width: number, height: number, channels: number): RGBImage {
  if (channels === 3) return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height };
  const n = width * height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const j = i * channels;
    // One or two bands (grey, grey+alpha): replicate the grey; three or more: the first three.
    const [r, g, b] = channels >= 3 ? [data[j], data[j + 1], data[j + 2]] : [data[j], data[j], data[j]];
    out[i * 3] = r;
    out[i * 3 + 1] = g;
    out[i * 3 + 2] = b;
  }
  return { data: out, width, height };
}

/**
 * A sharp pipeline over decoded RGB pixels (for item transforms that crop, pad and resize).
 * @example
 * ```ts
 * const small = await rawSharp(img).resize(32, 32, { fit: 'fill' }).raw().toBuffer();
 * ```
 */
export function rawSharp(img: RGBImage): Sharp {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });
}

/** Runs a sharp pipeline over RGB pixels and returns RGB pixels. */
export async function runRaw(pipeline: Sharp): Promise<RGBImage> {
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return toRGB(data, info.width, info.height, info.channels);
}

/**
 * Default of {@link setDecodePixelBudget}: the declared pixels of the samples being decoded and transformed at
 * once, over every loader and batch of the process (64 M pixels, about 190 MB of RGB).
 */
export const DEFAULT_DECODE_PIXEL_BUDGET = 64_000_000;
let decodeBudget = DEFAULT_DECODE_PIXEL_BUDGET;
let decodeInFlight = 0;
const decodeWaiting: (() => void)[] = [];

/**
 * Sets how many declared pixels the training and validation loaders may decode (and item-transform) at once, all
 * batches in flight together: a batch of large images is decoded a few at a time, one alone when it is larger than
 * the budget. Returns the previous budget.
 * @example
 * ```ts
 * setDecodePixelBudget(256_000_000); // a machine with memory to spare
 * ```
 */
export function setDecodePixelBudget(pixels: number): number {
  if (!(pixels === Infinity || (Number.isSafeInteger(pixels) && pixels > 0)))
    throw new ImageReadError('<settings>', `the decode budget must be a positive integer or Infinity, got ${pixels}`);
  const prev = decodeBudget;
  decodeBudget = pixels;
  decodeWaiting.splice(0).forEach((r) => r());
  return prev;
}

/**
 * Runs `f` once `pixels` fit in the process's decode budget ({@link setDecodePixelBudget}); a sample larger than
 * the whole budget runs when nothing else is decoding.
 * @example
 * ```ts
 * const img = await withDecodeBudget(await declaredPixels('big.png'), () => loadImage('big.png'));
 * ```
 */
export async function withDecodeBudget<T>(pixels: number, f: () => Promise<T>): Promise<T> {
  while (decodeInFlight > 0 && decodeInFlight + pixels > decodeBudget)
    await new Promise<void>((r) => decodeWaiting.push(r));
  decodeInFlight += pixels;
  try {
    return await f();
  } finally {
    decodeInFlight -= pixels;
    decodeWaiting.splice(0).forEach((r) => r());
  }
}

/** Declared pixels being decoded now under {@link withDecodeBudget} (for tests and diagnostics). */
export function decodePixelsInFlight(): number {
  return decodeInFlight;
}

/** Pixels decoded at once while scanning a folder for bad images (about 190 MB of RGB). */
export const SCAN_PIXEL_BUDGET = 64_000_000;

/** Width × height declared by an image's header (read without decoding), or 0 when the header is unreadable. */
export async function declaredPixels(src: ImageSource): Promise<number> {
  try {
    const m = await sharp(src, { limitInputPixels: false }).metadata();
    return (m.width ?? 0) * (m.height ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Runs `run(i)` for `i < n` with at most `width` at a time and at most `budget` declared pixels in flight (an
 * image larger than the budget runs alone), so that scanning a folder of large images cannot decode them all at
 * once. Resolves when all have run; the first error rejects (after the running ones finish).
 * @example
 * ```ts
 * await mapWithPixelBudget(files.length, 16, SCAN_PIXEL_BUDGET, (i) => declaredPixels(files[i]), (i) => loadImage(files[i]).then(() => undefined));
 * ```
 */
export async function mapWithPixelBudget(
  n: number,
  width: number,
  budget: number,
  pixels: (i: number) => Promise<number>,
  run: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const acquire = async (px: number) => {
    while (inFlight > 0 && inFlight + px > budget) await new Promise<void>((r) => waiting.push(r));
    inFlight += px;
  };
  const release = (px: number) => {
    inFlight -= px;
    waiting.splice(0).forEach((r) => r());
  };
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const px = Math.min(await pixels(i), budget);
      await acquire(px);
      try {
        await run(i);
      } catch (e) {
        next = n; // hand out nothing more
        throw e;
      } finally {
        release(px);
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(width, n) }, worker));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
