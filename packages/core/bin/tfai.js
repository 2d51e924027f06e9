#!/usr/bin/env node
// The `tfai` command of @tfai/core (`tfai doctor [--json]`). Runs the built CLI in dist/. In a clone of the tfai
// repository before `npm run build` (dist/ absent), runs the CLI's TypeScript source with the repository's tsx, so
// `npx tfai doctor` works right after `npm ci` (with the `@tfai/source` export condition, so @tfai/* imports resolve
// to the sources too).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/cli/doctor.js', import.meta.url);
if (existsSync(fileURLToPath(built))) {
  await import(built.href);
} else {
  const source = fileURLToPath(new URL('../src/cli/doctor.ts', import.meta.url));
  let tsx;
  try {
    tsx = import.meta.resolve('tsx');
  } catch {
    tsx = undefined;
  }
  if (!existsSync(source) || tsx === undefined) {
    console.error(
      `tfai: ${fileURLToPath(built)} is missing; reinstall @tfai/core (or run \`npm run build\` in the repository)`,
    );
    process.exit(1);
  }
  const run = spawnSync(
    process.execPath,
    ['--conditions=@tfai/source', '--import', tsx, source, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  if (run.error) console.error(`tfai: cannot start node: ${run.error.message}`);
  process.exit(run.status ?? 1);
}
