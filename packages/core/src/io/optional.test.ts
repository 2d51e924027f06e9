// Optional peers: a feature whose packages are missing throws one typed error naming them and the install command
// with the versions @tfai/core declares; installed ones load.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MissingDependencyError, TfaiError } from '../errors.js';
import { PLOT_PACKAGES, importOptional, installSpec, packageInstalled } from './optional.js';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};

describe('optional peers', () => {
  it('plotting, WebGPU and the native backends are optional peers of @tfai/core, not dependencies', () => {
    for (const p of [...PLOT_PACKAGES, 'webgpu', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-node']) {
      expect(manifest.peerDependencies[p], p).toBeDefined();
      expect(manifest.peerDependenciesMeta[p]?.optional, p).toBe(true);
      expect(manifest.dependencies[p], p).toBeUndefined();
    }
    expect(manifest.dependencies['@tensorflow/tfjs']).toBeUndefined();
    expect(installSpec('vega-lite')).toBe(`vega-lite@${manifest.peerDependencies['vega-lite']}`);
    expect(installSpec('papaparse')).toBe('papaparse');
  });

  it('a missing package is a MissingDependencyError naming all that are missing and the install command', async () => {
    let loaded = false;
    const err = await importOptional('plotting', ['vega', 'tfai-no-such-package', 'tfai-nor-this'], async () => {
      loaded = true;
    }).catch((e: unknown) => e);
    expect(loaded).toBe(false);
    expect(err).toBeInstanceOf(MissingDependencyError);
    expect(err).toBeInstanceOf(TfaiError);
    const e = err as MissingDependencyError;
    expect(e.packages).toEqual(['tfai-no-such-package', 'tfai-nor-this']);
    expect(e.install).toBe('npm install tfai-no-such-package tfai-nor-this');
    expect(e.message).toBe(
      'plotting needs tfai-no-such-package, tfai-nor-this, not installed: run `npm install tfai-no-such-package tfai-nor-this`',
    );
  });

  it('installed ones load (the monorepo installs the plotting peers as devDependencies)', async () => {
    for (const p of PLOT_PACKAGES) expect(packageInstalled(p), p).toBe(true);
    const vl = await importOptional('plotting', ['vega-lite'], () => import('vega-lite'));
    expect(typeof vl.compile).toBe('function');
  });
});
