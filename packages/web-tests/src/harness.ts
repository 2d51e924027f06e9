// One browser session for a test file: the page bundle (esbuild), the static server (the bundle, tfjs-backend-wasm's
// .wasm files, the exports and the data the test wrote), chromium on it, and the page's API ready.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from './browser.js';
import { bundlePage, wasmDir, type BundleResult } from './bundle.js';
import { serveStatic, type Route, type StaticServer } from './server.js';

export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
export const RESULTS_DIR = join(PACKAGE_DIR, 'results');

export interface Session {
  browser: Browser;
  server: StaticServer;
  page: Page;
  /** Console errors and uncaught exceptions of the page. */
  errors: string[];
  bundle: BundleResult;
  /** A folder the server serves under `/files/` (exports, decoded pixels, rows). */
  files: string;
  close(): Promise<void>;
}

export interface SessionOptions {
  /** The page script: a path, or the package whose test page (src/page/entry-<package>.ts) to bundle. */
  entry: string;
  /** COOP/COEP headers: the page is cross-origin isolated. */
  isolated?: boolean;
  /** Extra routes. */
  routes?: Record<string, Route>;
  /** esbuild's keepNames (default false: tfai's modules carry static type names; see bundle.ts). */
  keepNames?: boolean;
  /** The global the page sets when ready (`tfai`, `tfaiProbe`). */
  global?: string;
}

const PAGE_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>tfai test page</title></head>
<body><script type="module" src="/page.js"></script></body></html>`;

/**
 * Bundles the page, serves it, opens it in chromium and waits for its API.
 * @example
 * ```ts
 * const s = await openSession({ entry: 'vision' });
 * await s.page.evaluate(() => window.tfai.setup('wasm', '/wasm/'));
 * await s.close();
 * ```
 */
export async function openSession(opts: SessionOptions): Promise<Session> {
  const tmp = await mkdtemp(join(os.tmpdir(), 'tfai-web-'));
  const files = join(tmp, 'files');
  const entry = /^[a-z]+$/.test(opts.entry) ? join(PACKAGE_DIR, `src/page/entry-${opts.entry}.ts`) : opts.entry;
  await mkdir(files);
  const bundle = await bundlePage(entry, join(tmp, 'page.js'), { keepNames: opts.keepNames });
  const server = await serveStatic({
    isolated: opts.isolated,
    routes: {
      '/': { body: PAGE_HTML, type: 'text/html; charset=utf-8' },
      '/index.html': { body: PAGE_HTML, type: 'text/html; charset=utf-8' },
      '/page.js': { body: await readFile(bundle.file) },
      '/favicon.ico': { body: new Uint8Array(0), type: 'image/x-icon' },
      '/wasm/': { dir: wasmDir() },
      '/files/': { dir: files },
      ...opts.routes,
    },
  });
  const browser = await launchBrowser();
  const { page, errors } = await browser.newPage();
  await page.goto(`${server.url}/`);
  await page.waitForFunction(
    (g) => (window as unknown as Record<string, unknown>)[g] !== undefined,
    opts.global ?? 'tfai',
    {
      timeout: 60_000,
    },
  );
  return {
    browser,
    server,
    page,
    errors,
    bundle,
    files,
    async close() {
      await browser.close();
      await server.close();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}
