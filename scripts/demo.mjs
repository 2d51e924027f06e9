// `npm run demo`: trains a ResNet on @tfai/datasets' fashion_mnist (TFAI_DEMO_DATA=tux_photos for the photos) with
// fitOneCycle, printing the backend in use and fastai's epoch table; TFAI_DEMO_QUICK=1 (set by CI) makes a run of
// under a minute. It runs scripts/demo.ts with tsx and the `@tfai/source` export condition, under which @tfai/*
// resolve to the package sources, so it works right after `npm ci`, with no build.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = spawnSync(
  process.execPath,
  ['--conditions=@tfai/source', '--import', 'tsx', 'scripts/demo.ts', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
if (run.error) console.error(`demo: cannot start node: ${run.error.message}`);
process.exit(run.status ?? 1);
