// Prints the kernel profiles of a bench results JSON (`BENCH_PROFILE=1 npm run bench`) as markdown: per tfai row,
// the top 10 kernels of one training step by total time, their count and share of the step's kernel time.
// Run from packages/bench: `node --import tsx src/profile-table.ts [bench-results/training-step.json]`; several files
// (e.g. before and after) print one after the other, each under its file name.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MeasureResult } from './measure.js';

/** The part of run.ts's report the table reads. */
interface Report {
  started?: string;
  rows: {
    round: number;
    backend: string;
    model: string;
    hidden?: number;
    threads: number;
    tfai: { ok: boolean; result?: MeasureResult };
  }[];
}

const f1 = (v: number) => v.toFixed(1);

/**
 * The markdown tables of every profiled row of `report`.
 * @example
 * ```ts
 * console.log(profileTable(JSON.parse(readFileSync('bench-results/training-step.json', 'utf8'))));
 * ```
 */
export function profileTable(report: Report): string {
  const out: string[] = [];
  for (const r of report.rows) {
    const p = r.tfai.ok ? r.tfai.result?.profile : undefined;
    if (!p) continue;
    const name = r.model === 'lstm' ? `lstm h${r.hidden}` : r.model;
    out.push(
      `#### ${name}, ${r.backend}, ${r.tfai.result?.threads ?? r.threads} thread(s), round ${r.round}: ${p.kernels} kernels, ${f1(p.kernel_ms)} ms of kernels in a ${f1(p.step_ms)} ms profiled step (timed step: ${f1(r.tfai.result?.median_ms ?? NaN)} ms)${p.steps > 1 ? `; medians of ${p.steps} profiled steps` : ''}`,
      '',
      '| kernel | count | ms | share |',
      '|---|---:|---:|---:|',
      ...p.top.map((k) => `| ${k.name} | ${+k.count.toFixed(1)} | ${f1(k.ms)} | ${(k.share * 100).toFixed(1)}% |`),
      `| *top ${p.top.length}* | ${+p.top.reduce((s, k) => s + k.count, 0).toFixed(1)} | ${f1(p.top.reduce((s, k) => s + k.ms, 0))} | ${(p.top.reduce((s, k) => s + k.share, 0) * 100).toFixed(1)}% |`,
      ...(p.scopes?.length
        ? [
            '',
            `Scopes (time inclusive of their kernels, counted above): ${p.scopes.map((sc) => `${sc.name} ${+sc.count.toFixed(1)}× ${f1(sc.ms)} ms`).join(', ')}`,
          ]
        : []),
      '',
    );
  }
  return out.length ? out.join('\n') : 'no profiled rows (run the bench with BENCH_PROFILE=1)\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = process.argv.slice(2);
  for (const file of files.length
    ? files
    : [fileURLToPath(new URL('../bench-results/training-step.json', import.meta.url))]) {
    const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
    if (files.length > 1) console.log(`### ${file}${report.started ? ` (${report.started})` : ''}\n`);
    console.log(profileTable(report));
  }
}
