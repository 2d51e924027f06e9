// Decoding encoded images in a page: the browser's own decoder (`createImageBitmap`), pixels read back through an
// `OffscreenCanvas` as RGBA. A string is a URL (fetched). Every failure is an ImageReadError naming the source.
import { ImageReadError } from '../../data/errors.js';
import { getMaxImagePixels, sourceName, type RawPixels } from '../../data/image.js';

// The few DOM types used here (the library compiles without lib.dom).
interface Bitmap {
  width: number;
  height: number;
  close(): void;
}
interface Ctx2D {
  drawImage(b: Bitmap, x: number, y: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}
interface PageGlobals {
  createImageBitmap?: (b: Blob, opts?: Record<string, string>) => Promise<Bitmap>;
  OffscreenCanvas?: new (w: number, h: number) => { getContext(kind: '2d', opts?: object): Ctx2D | null };
}

async function bytesOf(src: string | Uint8Array): Promise<Uint8Array> {
  if (typeof src !== 'string') return src;
  let res: Response;
  try {
    res = await fetch(src);
  } catch (e) {
    throw new ImageReadError(src, `cannot fetch the image (${(e as Error).message})`);
  }
  if (!res.ok) throw new ImageReadError(src, `cannot fetch the image (HTTP ${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}

async function decodeRgba(src: string | Uint8Array, what: string): Promise<RawPixels> {
  const g = globalThis as PageGlobals;
  if (!g.createImageBitmap || !g.OffscreenCanvas)
    throw new ImageReadError(sourceName(src), 'this runtime has neither sharp nor createImageBitmap/OffscreenCanvas');
  const bytes = await bytesOf(src);
  if (bytes.length === 0) throw new ImageReadError(sourceName(src), 'empty file');
  let bmp: Bitmap;
  try {
    bmp = await g.createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]), {
      premultiplyAlpha: 'none',
      colorSpaceConversion: 'none',
    });
  } catch (e) {
    throw new ImageReadError(
      sourceName(src),
      `cannot decode the ${what}: not an image, or corrupt or truncated (${(e as Error).message})`,
    );
  }
  try {
    const { width, height } = bmp;
    if (width * height > getMaxImagePixels())
      throw new ImageReadError(
        sourceName(src),
        `declares ${width}×${height} = ${width * height} pixels, above the decode limit of ${getMaxImagePixels()} pixels (a decompression bomb?); raise it with setMaxImagePixels() if the file is trusted`,
      );
    const ctx = new g.OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new ImageReadError(sourceName(src), 'no 2d canvas to read pixels from');
    ctx.drawImage(bmp, 0, 0);
    const d = ctx.getImageData(0, 0, width, height).data;
    return { data: new Uint8Array(d.buffer, d.byteOffset, d.byteLength), width, height, channels: 4 };
  } finally {
    bmp.close();
  }
}

/** An encoded image (bytes, or a URL string) to RGBA pixels with the browser's decoder. */
export function decodeImageRaw(src: string | Uint8Array): Promise<RawPixels> {
  return decodeRgba(src, 'image');
}

/** A mask image to RGBA pixels (a greyscale mask reads back with R = G = B = the class). */
export function decodeMaskRaw(src: string | Uint8Array): Promise<RawPixels> {
  return decodeRgba(src, 'mask');
}

/** Header sizes are not read without decoding in a page: 0 (unknown). */
export async function declaredPixels(_src: string | Uint8Array): Promise<number> {
  return 0;
}
