#!/usr/bin/env node
// `npx tfai doctor` (the `tfai` bin of @tfai/core): prints what diagnose() found; `--json` for the raw report.
import { diagnose, formatDoctorReport } from './diagnose.js';

const args = process.argv.slice(2).filter((a) => a !== 'doctor');
if (args.includes('--help') || args.includes('-h')) {
  console.log(
    'usage: tfai doctor [--json]\n\nNode version, tfai backends (installed, active), CUDA libraries for tfjs-node-gpu, and how to install what is missing.',
  );
} else {
  const report = await diagnose();
  console.log(args.includes('--json') ? JSON.stringify(report) : formatDoctorReport(report));
  // A threaded wasm backend keeps the event loop alive (DESIGN.md §3).
  process.exit(0);
}
