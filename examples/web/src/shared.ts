// What both example pages share: starting tfai's backend (the .wasm files are served beside the page), decoding an
// image the user picks with the browser's own decoder, and drawing a list of classes with probability bars.
// WebGL, the page's fastest backend on most machines, is an optional peer of @tfai/core: a page opts in by importing it.
import '@tensorflow/tfjs-backend-webgl';
import { setBackend } from '@tfai/core';

/** A backend from the page's `?backend=` (wasm, webgl, webgpu, cpu), else tfai's automatic choice. */
export async function startBackend(): Promise<string> {
  const asked = new URLSearchParams(location.search).get('backend');
  const name = asked === 'wasm' || asked === 'webgl' || asked === 'webgpu' || asked === 'cpu' ? asked : undefined;
  return setBackend(name, { wasmPaths: new URL('wasm/', location.href).href });
}

/** Decoded pixels as the learners' `predict` takes them in a page (ImageData-like). */
export interface Pixels {
  data: Uint8ClampedArray<ArrayBuffer>;
  width: number;
  height: number;
  channels: 4;
}

/** The browser's decoder: createImageBitmap → OffscreenCanvas → RGBA. An undecodable file rejects. */
export async function decodeImage(blob: Blob): Promise<Pixels> {
  const bmp = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = new OffscreenCanvas(bmp.width, bmp.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('this browser has no 2d canvas');
  ctx.drawImage(bmp, 0, 0);
  bmp.close();
  const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return { data: img.data, width: img.width, height: img.height, channels: 4 };
}

/** `<li>`s of the top `k` classes, each a name, a bar and a percentage. */
export function renderTop(list: HTMLElement, names: readonly string[], probs: readonly number[], k = 5): void {
  const top = probs
    .map((p, i) => ({ p, name: names[i] ?? String(i) }))
    .sort((a, b) => b.p - a.p)
    .slice(0, k);
  list.replaceChildren(
    ...top.map(({ p, name }, rank) => {
      const li = document.createElement('li');
      li.className = rank === 0 ? 'top' : '';
      const label = document.createElement('span');
      label.className = 'name';
      label.textContent = name.replaceAll('_', ' ');
      const bar = document.createElement('span');
      bar.className = 'bar';
      const fill = document.createElement('span');
      fill.style.width = `${(100 * p).toFixed(1)}%`;
      bar.append(fill);
      const pct = document.createElement('span');
      pct.className = 'pct';
      pct.textContent = `${(100 * p).toFixed(1)}%`;
      li.append(label, bar, pct);
      return li;
    }),
  );
}

/** Shows an error (its class name and message) in the page's status line. */
export function showError(status: HTMLElement, e: unknown): void {
  const err = e instanceof Error ? e : new Error(String(e));
  status.className = 'status error';
  status.textContent = `${err.name}: ${err.message}`;
}

/** The element with this id (the pages' HTML has them all). */
export function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`no #${id} in the page`);
  return el;
}
