// `npm run demo:web`: builds examples/web (build.ts) and serves dist/ on http://127.0.0.1:<port> (PORT, default
// 5173; 0 picks a free one), printing the address. Ctrl-C stops it.
import { join } from 'node:path';
import { serveStatic } from '@tfai/web-tests/server';
import { buildExample, DEFAULT_DIST } from './build.js';

const r = await buildExample();
const kB = (n: number) => `${(n / 1024).toFixed(0)} kB`;
console.log(
  `demo:web: built ${join('examples', 'web', 'dist')} (classify.js ${kB(r.classify.gzip)} gzip, tabular.js ${kB(r.tabular.gzip)} gzip)`,
);
const server = await serveStatic({ routes: { '/': { dir: DEFAULT_DIST } }, port: Number(process.env.PORT ?? 5173) });
console.log(
  `demo:web: serving at ${server.url}/ — the image page ${server.url}/classify.html, the tabular page ${server.url}/tabular.html (Ctrl-C stops)`,
);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
