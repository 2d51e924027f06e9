// Rendering plots in Node: Vega-Lite → Vega → SVG, and SVG → PNG with sharp (each loaded on first use; a missing one is a MissingDependencyError naming the install command).
import type * as Vega from 'vega';
import type * as VegaLite from 'vega-lite';
import { importOptional } from '../../io/optional.js';

/** vega and vega-lite, loaded on the first plot. */
export async function loadVega(): Promise<[typeof Vega, typeof VegaLite]> {
  return importOptional('plotting', ['vega', 'vega-lite'], () => Promise.all([import('vega'), import('vega-lite')]));
}

/** SVG text → PNG bytes (sharp's librsvg; text in the system's fonts). */
export async function svgToPngBytes(svg: string): Promise<Uint8Array> {
  const { default: sharp } = await importOptional('writing PNG plots', ['sharp'], () => import('sharp'));
  return sharp(Buffer.from(svg)).png().toBuffer();
}
