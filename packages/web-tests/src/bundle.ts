// esbuild bundles of the test page and the example pages, built as a user's page would be: the packages' roots,
// platform `browser` (so the `browser` export conditions apply), ESM, minified. The `@tfai/source` condition makes
// the workspace packages resolve to their sources (no build needed), as everywhere in this repository.
import { build, type Metafile } from 'esbuild';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Inputs a browser bundle must never reach: Node built-ins and the native modules. */
export const NODE_ONLY =
  /(^|\/)node_modules\/(sharp|@img|tokenizers|@anush008|detect-libc|tar|yauzl|vega[^/]*)\/|^node:/;

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface BundleResult {
  /** The written JS file. */
  file: string;
  /** Bytes of the minified JS, and gzipped. */
  bytes: number;
  gzip: number;
  /** Every input file esbuild bundled (paths relative to the working directory, as esbuild gives them). */
  inputs: string[];
  /** Inputs by top-level origin: `@tensorflow/tfjs-*`, `@tfai/*` sources, other node_modules; bytes in the output. */
  bytesByOrigin: Record<string, number>;
  metafile: Metafile;
}

/** What an input belongs to, for the size table: a package name, or `@tfai/<pkg>` for the workspace sources. */
export function originOf(input: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) return m[1];
  const w = /^packages\/([^/]+)\/src\//.exec(input);
  if (w) return `@tfai/${w[1]}`;
  return input;
}

/**
 * Bundles `entry` into `outFile`. Build errors (an unresolvable `node:` import, say) reject with esbuild's messages.
 * @example
 * ```ts
 * const { gzip } = await bundlePage('src/page/entry-vision.ts', 'tmp/page.js');
 * ```
 */
export async function bundlePage(
  entry: string,
  outFile: string,
  opts: { keepNames?: boolean } = {},
): Promise<BundleResult> {
  await mkdir(dirname(outFile), { recursive: true });
  const r = await build({
    entryPoints: [entry],
    outfile: outFile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@tfai/source'],
    minify: true,
    // tfai's modules carry their PyTorch class names as static `typeName`s, so a minified bundle (classes renamed)
    // still cuts bodies and records layer types; esbuild's keepNames is not needed, and must stay off for wasm
    // threads: its `__name` helper, called from the pthread worker's function source, is undefined in the worker.
    keepNames: opts.keepNames ?? false,
    metafile: true,
    logLevel: 'silent',
    // Input paths in the metafile relative to the repository's root (packages/…/src, node_modules/…).
    absWorkingDir: REPO_ROOT,
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const js = readFileSync(outFile);
  const bytesByOrigin: Record<string, number> = {};
  for (const out of Object.values(r.metafile.outputs))
    for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
      const o = originOf(input);
      bytesByOrigin[o] = (bytesByOrigin[o] ?? 0) + bytesInOutput;
    }
  return {
    file: outFile,
    bytes: js.length,
    gzip: gzipSync(js, { level: 9 }).length,
    inputs: Object.keys(r.metafile.inputs),
    bytesByOrigin,
    metafile: r.metafile,
  };
}

/** The folder holding tfjs-backend-wasm's three `.wasm` builds (plain, SIMD, threaded SIMD). */
export function wasmDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

/** The `.wasm` files served with the bundle, with their sizes (raw and gzip). */
export function wasmFiles(): { name: string; bytes: number; gzip: number }[] {
  return ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map(
    (name) => {
      const b = readFileSync(join(wasmDir(), name));
      return { name, bytes: b.length, gzip: gzipSync(b, { level: 9 }).length };
    },
  );
}
