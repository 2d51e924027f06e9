// `npm pack` @tfai/core and @tfai/tabular, install the tarballs into an empty project from the npm cache, train
// there as ESM and CommonJS consumers (pack-install.mjs does the work; the build target runs first through Nx).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface PackResults {
  tarballs: Record<string, { size: number; entries: number; problems: string[] }>;
  runs: { consumer: string; ok: boolean; backend?: string; accuracy?: number; plot?: string }[];
  install: { dependencies: string[]; bytes: number; tfjsCore: string[]; present: string[] };
}

describe('pack and install', () => {
  it('installs @tfai/core + @tfai/tabular from their tarballs alone and trains in plain Node (ESM and CommonJS)', () => {
    const script = fileURLToPath(new URL('../pack-install.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    const last = r.stdout.trim().split('\n').pop() ?? '{}';
    if (r.status !== 0) console.log(r.stdout, r.stderr);
    const res = JSON.parse(last) as PackResults;
    expect(r.status).toBe(0);
    for (const [name, t] of Object.entries(res.tarballs)) {
      expect(t.problems, name).toEqual([]);
      expect(t.size, name).toBeLessThan(500_000);
    }
    expect(res.install.dependencies.sort()).toEqual(['@tfai/core', '@tfai/tabular']);
    // Dependencies by need: one tfjs-core, neither the @tensorflow/tfjs umbrella nor the opt-in packages (WebGPU,
    // the plotting stack) nor text's tokenizers; the whole node_modules under 150 MB (508 MB with the umbrella).
    console.log(`node_modules of @tfai/core + @tfai/tabular: ${(res.install.bytes / 1e6).toFixed(1)} MB`);
    expect(res.install.tfjsCore).toEqual(['4.22.0']);
    expect(res.install.present).toEqual([]);
    expect(res.install.bytes).toBeLessThan(150e6);
    const esm = res.runs.find((x) => x.consumer === 'esm');
    expect(esm?.ok).toBe(true);
    expect(esm?.accuracy).toBeGreaterThan(0.8);
    // Without the optional plotting peers, the first plot is a MissingDependencyError naming them.
    expect(esm?.plot).toBe('npm install vega@^6.4.0 vega-lite@~6.4.3 sharp@^0.35.5');
    expect(res.runs.find((x) => x.consumer === 'cjs')?.ok).toBe(true);
  });
});
