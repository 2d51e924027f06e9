// `npm run demo`: runs scripts/demo.ts from source with tsx (no build step needed after `npm ci`).
import { spawnSync } from 'node:child_process';

const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
