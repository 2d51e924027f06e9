// Rendering plots in a page: not bundled (vega and sharp are Node-side here); plots are files, written in Node.
import type * as Vega from 'vega';
import type * as VegaLite from 'vega-lite';
import { TfaiError } from '../../errors.js';

const unavailable = (): never => {
  throw new TfaiError(
    'plots are rendered in Node (vega + sharp to PNG files); they are not available in a browser page',
  );
};

/** vega and vega-lite: not in a page. */
export async function loadVega(): Promise<[typeof Vega, typeof VegaLite]> {
  return unavailable();
}

/** SVG → PNG: not in a page. */
export async function svgToPngBytes(_svg: string): Promise<Uint8Array> {
  return unavailable();
}
