// The test pages' common script: the PageApi (./api.ts) on `window.tfai`, which the tests drive with playwright. Each
// page (entry-<package>.ts) imports it and registers its package's learner builders, as a user's page would: a page
// has no `import(name)` of a package at run time, so the bundle registers the builders of the packages it imports.
import * as tf from '@tensorflow/tfjs-core';
import { loadLearner, type Learner } from '@tfai/core';
import type { ExportSource, PageApi, PageError, PagePrediction, PixelManifest } from './api.js';
import { setupBackend } from './backend-setup.js';

/** ImageData-like decoded pixels, what the learners' `predict` takes in a page. */
interface Pixels {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: number;
}

// The learner under test. Each task passes its own item kind to `predict`.
let learn: Learner | undefined;

async function fetchOk(url: string): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r;
}

async function loadExport(src: ExportSource): Promise<Learner> {
  if ('url' in src) return loadLearner(src.url);
  const [json, weights] = await Promise.all([
    fetchOk(src.jsonUrl).then((r) => r.text()),
    fetchOk(src.weightsUrl).then((r) => r.arrayBuffer()),
  ]);
  return loadLearner({ json, weights: new Uint8Array(weights) });
}

async function pixels(manifestUrl: string): Promise<Pixels[]> {
  const manifest = (await (await fetchOk(manifestUrl)).json()) as PixelManifest;
  const binUrl = new URL(manifest.bin, new URL(manifestUrl, location.href)).href;
  const bin = new Uint8Array(await (await fetchOk(binUrl)).arrayBuffer());
  return manifest.items.map((it) => ({
    data: bin.subarray(it.offset, it.offset + it.width * it.height * it.channels),
    width: it.width,
    height: it.height,
    channels: it.channels,
  }));
}

/** A prediction reduced to what crosses back to Node (plain arrays). */
function plain(pred: unknown): PagePrediction {
  const p = pred as PagePrediction & { mask?: { data: ArrayLike<number> } };
  const mask = p.mask;
  return {
    decoded: p.decoded,
    label: p.label,
    probs: mask ? [] : Array.from(p.probs),
    mask: mask ? Array.from(mask.data) : undefined,
    probability: typeof p.probability === 'number' ? p.probability : undefined,
  };
}

function current(): { predict(item: unknown): Promise<unknown> } {
  if (!learn) throw new Error('no learner loaded');
  return learn as unknown as { predict(item: unknown): Promise<unknown> };
}

async function decode(url: string): Promise<Pixels> {
  const blob = await (await fetchOk(url)).blob();
  const bmp = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = new OffscreenCanvas(bmp.width, bmp.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d context');
  ctx.drawImage(bmp, 0, 0);
  bmp.close();
  const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return { data: img.data, width: img.width, height: img.height, channels: 4 };
}

const api: PageApi = {
  setup: setupBackend,
  async load(src) {
    learn?.dispose();
    learn = undefined;
    const t0 = performance.now();
    learn = await loadExport(src);
    return { ms: performance.now() - t0, kind: learn.constructor.name };
  },
  async predictImages(manifestUrl) {
    const out: PagePrediction[] = [];
    for (const px of await pixels(manifestUrl)) out.push(plain(await current().predict(px)));
    return out;
  },
  async predictPairs(manifestUrl) {
    const px = await pixels(manifestUrl);
    const out: PagePrediction[] = [];
    for (let i = 0; i + 1 < px.length; i += 2) out.push(plain(await current().predict([px[i], px[i + 1]])));
    return out;
  },
  async predictRows(rowsUrl) {
    const rows = (await (await fetchOk(rowsUrl)).json()) as Record<string, string | number | null>[];
    const out: PagePrediction[] = [];
    for (const row of rows) out.push(plain(await current().predict(row)));
    return out;
  },
  async predictTexts(textsUrl) {
    const texts = (await (await fetchOk(textsUrl)).json()) as string[];
    const out: PagePrediction[] = [];
    for (const text of texts) out.push(plain(await current().predict(text)));
    return out;
  },
  async decode(url) {
    const px = await decode(url);
    // Base64: far quicker through playwright's JSON than an array of numbers.
    let bin = '';
    for (let i = 0; i < px.data.length; i += 0x8000) bin += String.fromCharCode(...px.data.subarray(i, i + 0x8000));
    return { width: px.width, height: px.height, rgba: btoa(bin) };
  },
  async predictFile(url) {
    // The library decodes in the page (fetch → createImageBitmap → OffscreenCanvas): its typed errors reach the caller.
    return plain(await current().predict(url));
  },
  async catching(what, arg) {
    try {
      if (what === 'load') await api.load(arg as ExportSource);
      else await api.predictFile(arg as string);
      return null;
    } catch (e) {
      const err = e as Error;
      return { name: err?.name ?? typeof e, message: err?.message ?? String(e) } satisfies PageError;
    }
  },
  numTensors: () => tf.memory().numTensors,
};

/** Puts the API on `window.tfai` (the tests wait for it). */
export function installPageApi(): void {
  window.tfai = api;
}
