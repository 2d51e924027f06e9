// `npm run demo:web`: builds the example pages of examples/web (the model `npm run demo` exported, running the quick
// demo first if there is none) and serves them on localhost, printing the address. tsx with the `@tfai/source`
// condition, so it runs right after `npm ci`, with no build.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = spawnSync(
  process.execPath,
  ['--conditions=@tfai/source', '--import', 'tsx', 'examples/web/serve.ts', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
if (run.error) console.error(`demo:web: cannot start node: ${run.error.message}`);
process.exit(run.status ?? 1);
