// Decoding encoded images (PNG, JPEG, WebP…) to raw pixels in Node, with sharp. Every failure is an ImageReadError
// naming the file, so no error surfaces from deep inside sharp.
import { stat } from 'node:fs/promises';
import sharp from 'sharp';
import { ImageReadError } from '../../data/errors.js';
import { decodeOptions, getMaxImagePixels, sourceName, type RawPixels } from '../../data/image.js';

/** The pixel-limit error for `src`, with its declared size when its header can be read. */
async function tooLarge(src: string | Uint8Array): Promise<ImageReadError> {
  const size = await sharp(src, { limitInputPixels: false })
    .metadata()
    .then((m) => (m.width && m.height ? `${m.width}×${m.height} = ${m.width * m.height} pixels` : 'more pixels'))
    .catch(() => 'more pixels');
  return new ImageReadError(
    sourceName(src),
    `declares ${size}, above the decode limit of ${getMaxImagePixels()} pixels (a decompression bomb?); raise it with setMaxImagePixels() if the file is trusted`,
  );
}

async function explain(src: string | Uint8Array, e: unknown): Promise<ImageReadError> {
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
 * An encoded image (a path or its bytes) to raw 8-bit sRGB pixels, alpha dropped (greyscale may stay one band).
 * The pixel limit of setMaxImagePixels applies.
 */
export async function decodeImageRaw(src: string | Uint8Array): Promise<RawPixels> {
  try {
    const { data, info } = await sharp(src, decodeOptions())
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: info.channels };
  } catch (e) {
    throw await explain(src, e);
  }
}

/** A mask image (a path or its bytes) to its raw bands, as stored (no colour conversion). */
export async function decodeMaskRaw(src: string | Uint8Array): Promise<RawPixels> {
  const { data, info } = await sharp(src, decodeOptions())
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((e: unknown) => {
      throw /pixel limit/i.test((e as Error).message)
        ? new ImageReadError(
            sourceName(src),
            `the mask declares more than the decode limit of ${getMaxImagePixels()} pixels (a decompression bomb?); raise it with setMaxImagePixels() if the file is trusted`,
          )
        : new ImageReadError(sourceName(src), `cannot decode the mask (${(e as Error).message})`);
    });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** Width × height declared by an image's header (read without decoding), or 0 when the header is unreadable. */
export async function declaredPixels(src: string | Uint8Array): Promise<number> {
  try {
    const m = await sharp(src, { limitInputPixels: false }).metadata();
    return (m.width ?? 0) * (m.height ?? 0);
  } catch {
    return 0;
  }
}
