// The contract between the tests (Node) and the page (src/page/entry.ts): what the page puts on `window.tfai`, and
// the shapes of the items the server hands it. Types only, so both sides import it.

/** A tfjs backend the page can run on. */
export type PageBackend = 'wasm' | 'webgl' | 'webgpu' | 'cpu';

/** What the page reports after choosing its backend. */
export interface BackendInfo {
  /** `tf.getBackend()` after set-up (the backend actually in use). */
  backend: string;
  /** The page is cross-origin isolated (SharedArrayBuffer, so wasm threads). */
  isolated: boolean;
  /** wasm only: tfjs's multithreading flag and SIMD flag as the page resolved them. */
  wasmThreads?: boolean;
  wasmSimd?: boolean;
  /** The wasm file the backend fetched (which of the three builds). */
  wasmFile?: string;
}

/** Where an export comes from in the page: its JSON's URL (the weights fetched beside it), or both files' bytes. */
export type ExportSource = { url: string } | { jsonUrl: string; weightsUrl: string };

/** Decoded images as the server sends them: one binary file of pixels, one entry per image. */
export interface PixelManifest {
  bin: string;
  items: { offset: number; width: number; height: number; channels: number }[];
}

/** One prediction as the page returns it (what the tests compare with Node's). */
export interface PagePrediction {
  decoded: number | number[];
  label?: string;
  probs: number[];
  /** Segmentation: the mask's class per pixel. */
  mask?: number[];
  /** Siamese: the probability that the pair is the same class. */
  probability?: number;
}

/** A typed error as the page caught it. */
export interface PageError {
  name: string;
  message: string;
}

/** What the page puts on `window.tfai`. */
export interface PageApi {
  setup(backend: PageBackend, wasmPath: string): Promise<BackendInfo>;
  /** Loads an export; returns the milliseconds it took (fetch, parse, build, weights). */
  load(src: ExportSource): Promise<{ ms: number; kind: string }>;
  predictImages(manifestUrl: string): Promise<PagePrediction[]>;
  /** Each pair is two consecutive images of the manifest. */
  predictPairs(manifestUrl: string): Promise<PagePrediction[]>;
  predictRows(rowsUrl: string): Promise<PagePrediction[]>;
  predictTexts(textsUrl: string): Promise<PagePrediction[]>;
  /** The platform's decoder: fetch → createImageBitmap → OffscreenCanvas → RGBA bytes. */
  decode(url: string): Promise<{ width: number; height: number; /** base64 */ rgba: string }>;
  /** Decodes a file in the page, then predicts it. */
  predictFile(url: string): Promise<PagePrediction>;
  /** Runs one of the above and returns the error it threw, or null. */
  catching(what: 'load' | 'predictFile', arg: ExportSource | string): Promise<PageError | null>;
  /** `tf.memory().numTensors`, for leak checks. */
  numTensors(): number;
}

declare global {
  interface Window {
    tfai: PageApi;
  }
}
