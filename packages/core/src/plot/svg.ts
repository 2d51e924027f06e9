/** SVG → PNG with sharp (librsvg; text drawn with the system's fonts). The plots themselves: ./plot.ts. */
import { svgToPngBytes } from '#platform/plot-render';

/**
 * Renders an SVG string to a PNG file (atomically); returns the file.
 * @example
 * ```ts
 * await svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', 'blank.png');
 * ```
 */
export async function svgToPng(svg: string, file: string): Promise<string> {
  const { atomicWrite } = await import('../io/safetensors.js');
  const png = await svgToPngBytes(svg);
  await atomicWrite(file, png);
  return file;
}
