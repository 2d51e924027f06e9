// A tiny static server for the browser tests and `npm run demo:web`: node:http on 127.0.0.1, a random port, routes
// mapped to files or in-memory bytes. Nothing else is served (no directory listing, no path outside the routes).
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.safetensors': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.map': 'application/json',
};

/** What a URL prefix serves: a folder on disk, or fixed bytes. */
export type Route = { dir: string } | { body: Uint8Array | string; type?: string };

export interface StaticServerOptions {
  /** URL path (exact, as `/index.html`, or a prefix ending in `/`) → what it serves. */
  routes: Record<string, Route>;
  /** Sends COOP/COEP, so the page is cross-origin isolated (SharedArrayBuffer, wasm threads). */
  isolated?: boolean;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
}

export interface StaticServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Requests served so far, by path (the tests check what the page fetched). */
  hits: Map<string, number>;
  close(): Promise<void>;
}

/** Resolves a request path against the routes: a file (folder routes, no escape) or fixed bytes; `undefined` for a 404. */
async function resolve(
  routes: Record<string, Route>,
  path: string,
): Promise<{ body: Uint8Array | string; type: string } | undefined> {
  const exact = routes[path];
  if (exact && 'body' in exact)
    return { body: exact.body, type: exact.type ?? TYPES[extname(path)] ?? 'application/octet-stream' };
  const prefix = Object.keys(routes)
    .filter((p) => p.endsWith('/') && path.startsWith(p))
    .sort((a, b) => b.length - a.length)[0];
  if (prefix === undefined) return undefined;
  const route = routes[prefix];
  if (!('dir' in route)) return undefined;
  const rel = normalize(decodeURIComponent(path.slice(prefix.length)));
  if (rel.startsWith('..') || rel.includes(`${sep}..`)) return undefined;
  const file = join(route.dir, rel === '.' || rel === '' ? 'index.html' : rel);
  if (!file.startsWith(route.dir)) return undefined;
  try {
    if (!(await stat(file)).isFile()) return undefined;
    return { body: await readFile(file), type: TYPES[extname(file)] ?? 'application/octet-stream' };
  } catch {
    return undefined;
  }
}

/**
 * Starts the server; `close()` stops it.
 * @example
 * ```ts
 * const server = await serveStatic({ routes: { '/': { dir: 'public' } } });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export async function serveStatic(opts: StaticServerOptions): Promise<StaticServer> {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    if (opts.isolated) {
      headers['cross-origin-opener-policy'] = 'same-origin';
      headers['cross-origin-embedder-policy'] = 'require-corp';
      headers['cross-origin-resource-policy'] = 'same-origin';
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    resolve(opts.routes, path).then(
      (found) => {
        if (!found) {
          res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end(`not found: ${path}`);
          return;
        }
        res.writeHead(200, { ...headers, 'content-type': found.type });
        res.end(req.method === 'HEAD' ? undefined : found.body);
      },
      (e: unknown) => res.writeHead(500, headers).end(String(e)),
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
