/** SVG → PNG with sharp (librsvg; text drawn with the system's fonts). The plots themselves: ./plot.ts. */
import { importOptional } from '../io/optional.js';

/**
 * Renders an SVG string to a PNG file (atomically); returns the file.
 * @example
 * ```ts
 * await svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', 'blank.png');
 * ```
 */
export async function svgToPng(svg: string, file: string): Promise<string> {
  const { default: sharp } = await importOptional('writing PNG plots', ['sharp'], () => import('sharp'));
  const { atomicWrite } = await import('../io/safetensors.js');
  const png = await sharp(Buffer.from(svg)).png().toBuffer();
  await atomicWrite(file, png);
  return file;
}
