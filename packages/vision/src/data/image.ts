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

async function explain(src: ImageSource, e: unknown): Promise<ImageReadError> {
  const name = sourceName(src);
  const msg = e instanceof Error ? e.message : String(e);
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
 * 16-bit images are reduced to 8 bits. A missing, non-image, corrupt or truncated file throws
 * {@link ImageReadError} naming it.
 * @example
 * ```ts
 * const { data, width, height } = await loadImage('fashion_mnist/train/bag/train_00001.png'); // 28×28×3 bytes
 * ```
 */
export async function loadImage(src: ImageSource): Promise<RGBImage> {
  try {
    const { data, info } = await sharp(src).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
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
