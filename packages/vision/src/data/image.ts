// Images to 8-bit RGB: greyscale promoted to 3 channels, alpha dropped (PIL's `convert('RGB')` in fastai's
// `PILImage.create`). Encoded images are decoded by the platform (`#platform/decode`: sharp in Node, the browser's
// `createImageBitmap` in a page); pixels already decoded (an `ImageData`, a canvas's RGBA) are taken as they are, so
// a page and Node hand the same pixels to the same transforms. Every failure is an ImageReadError naming the source.
import { declaredPixels as headerPixels, decodeImageRaw } from '#platform/decode';
import { ImageReadError } from './errors.js';

/**
 * Decoded pixels from anywhere: an `ImageData` (`ctx.getImageData(…)`, RGBA), or raw bytes with their channel
 * count (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA), row-major HWC.
 * @example
 * ```ts
 * const px: ImagePixels = { data: ctx.getImageData(0, 0, w, h).data, width: w, height: h, channels: 4 };
 * const { label } = await learn.predict(px);
 * ```
 */
export interface ImagePixels {
  /** The pixel bytes, `height × width × channels`, row-major HWC (an `ImageData`'s `data` is RGBA). */
  data: Uint8Array | Uint8ClampedArray;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Bands per pixel; default 4 (an `ImageData`). */
  channels?: number;
}

/** Raw pixels as a decoder gives them: `channels` bands per pixel. */
export interface RawPixels {
  /** The pixel bytes, `height × width × channels`, row-major HWC. */
  data: Uint8Array;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Bands per pixel: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. */
  channels: number;
}

/**
 * An image: a file path (in a page, a URL), the bytes of an encoded image (PNG, JPEG, WebP…), or decoded
 * {@link ImagePixels}.
 */
export type ImageSource = string | Uint8Array | ImagePixels;

/** Decoded pixels: `height × width × 3` bytes, row-major RGB (HWC, as the NHWC batches). */
export interface RGBImage {
  /** The pixel bytes, `height × width × 3` (RGB, 0–255), row-major. */
  data: Uint8Array;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
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
  if (typeof src === 'string') return src;
  if (src instanceof Uint8Array) return `<buffer of ${src.length} bytes>`;
  return `<pixels ${src.width}×${src.height}>`;
}

/**
 * True if `x` is {@link ImagePixels}: typed bytes with a width and a height.
 * @example
 * ```ts
 * isImagePixels({ data: new Uint8ClampedArray(16), width: 2, height: 2 }); // true
 * ```
 */
export function isImagePixels(x: unknown): x is ImagePixels {
  if (typeof x !== 'object' || x === null || x instanceof Uint8Array) return false;
  const p = x as Partial<ImagePixels>;
  return (
    (p.data instanceof Uint8Array || p.data instanceof Uint8ClampedArray) &&
    typeof p.width === 'number' &&
    typeof p.height === 'number'
  );
}

/**
 * True if `x` can be read as an image source (a path, bytes or pixels).
 * @example
 * ```ts
 * isImageSource('cat.png'); // true
 * ```
 */
export function isImageSource(x: unknown): x is ImageSource {
  return typeof x === 'string' || x instanceof Uint8Array || isImagePixels(x);
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

/**
 * Reads an image as 8-bit RGB: decoded by the platform (sharp in Node, `createImageBitmap` in a page) unless it is
 * {@link ImagePixels} already. Greyscale becomes 3 equal channels, an alpha channel is dropped, 16-bit images are
 * reduced to 8 bits. A missing, non-image, corrupt or truncated file, pixels that do not match their size, or an
 * image declaring more pixels than {@link setMaxImagePixels} allows (PIL's 178,956,970 by default), throws
 * {@link ImageReadError} naming it.
 * @example
 * ```ts
 * const { data, width, height } = await loadImage('fashion_mnist/train/bag/train_00001.png'); // 28×28×3 bytes
 * ```
 */
export async function loadImage(src: ImageSource): Promise<RGBImage> {
  if (typeof src === 'string' || src instanceof Uint8Array) {
    const { data, width, height, channels } = await decodeImageRaw(src);
    return toRGB(data, width, height, channels);
  }
  return pixelsToRGB(src);
}

/**
 * {@link ImagePixels} to RGB, checked: positive integer sizes within the decode limit, 1–4 channels, and exactly
 * `width × height × channels` bytes.
 * @example
 * ```ts
 * const rgb = pixelsToRGB({ data: imageData.data, width: 64, height: 48 }); // RGBA → RGB
 * ```
 */
export function pixelsToRGB(px: ImagePixels): RGBImage {
  const name = sourceName(px);
  const channels = px.channels ?? 4;
  if (!Number.isInteger(px.width) || !Number.isInteger(px.height) || px.width < 1 || px.height < 1)
    throw new ImageReadError(name, `width and height must be positive integers, got ${px.width}×${px.height}`);
  if (![1, 2, 3, 4].includes(channels)) throw new ImageReadError(name, `channels must be 1 to 4, got ${channels}`);
  if (px.width * px.height > maxImagePixels)
    throw new ImageReadError(name, `has more pixels than the decode limit of ${maxImagePixels}`);
  const want = px.width * px.height * channels;
  if (px.data.length !== want)
    throw new ImageReadError(
      name,
      `holds ${px.data.length} bytes, not ${px.width}×${px.height}×${channels} = ${want} (truncated or the wrong size)`,
    );
  const bytes =
    px.data instanceof Uint8Array ? px.data : new Uint8Array(px.data.buffer, px.data.byteOffset, px.data.length);
  const rgb = toRGB(bytes, px.width, px.height, channels);
  // Never alias the caller's pixels (a page reuses its ImageData).
  return rgb.data === bytes || rgb.data.buffer === bytes.buffer ? { ...rgb, data: rgb.data.slice() } : rgb;
}

/** Raw sharp output to RGB bytes (sharp may keep one band for some greyscale inputs: replicate it). */
export function toRGB(data: Uint8Array, width: number, height: number, channels: number): RGBImage {
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
  if (typeof src === 'string' || src instanceof Uint8Array) return headerPixels(src);
  return src.width * src.height;
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
