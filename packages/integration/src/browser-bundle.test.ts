// Every package root bundles for a browser page: esbuild with `platform: 'browser'` (the `browser` export condition)
// reaches no `node:*` module, sharp, the native tokenizers, tar, yauzl or vega, and none of the packages'
// `platform/node/` files. Also measures what a page needs for vision inference (domain code beyond tfjs, gzipped)
// and lists the wasm backend's `.wasm` files; the figures are in packages/core/README.md ("In the browser").
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** Inputs a page bundle must not hold: Node built-ins, native or Node-only packages, tfai's Node platform files. */
const FORBIDDEN = [
  /^node:/,
  /(^|\/)node_modules\/(sharp|@img|tokenizers|tar|yauzl|vega|vega-[a-z-]+|@tensorflow\/tfjs-node[a-z-]*|webgpu)\//,
  /packages\/[a-z-]+\/src\/platform\/node\//,
];

/** What a bundle test reads of esbuild's result. */
interface Bundle {
  metafile: esbuild.Metafile;
  outputFiles: esbuild.OutputFile[];
  errors: esbuild.Message[];
}

/** Bundles `contents` (an ES module importing tfai) for a page; returns esbuild's result with its metafile. */
async function bundle(contents: string, opts: esbuild.BuildOptions = {}): Promise<Bundle> {
  const r = await esbuild.build({
    stdin: { contents, resolveDir: here, loader: 'ts' },
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    // tfai's own tooling condition (sources, no build); esbuild adds `browser` for the platform.
    conditions: ['@tfai/source'],
    metafile: true,
    logLevel: 'silent',
    ...opts,
  });
  return { metafile: r.metafile ?? { inputs: {}, outputs: {} }, outputFiles: r.outputFiles ?? [], errors: r.errors };
}

const forbiddenInputs = (meta: esbuild.Metafile): string[] =>
  Object.keys(meta.inputs).filter((f) => FORBIDDEN.some((re) => re.test(f)));

describe('package roots bundle for a browser page', () => {
  for (const entry of [
    '@tfai/core',
    '@tfai/vision',
    '@tfai/text',
    '@tfai/tabular',
    '@tfai/tabular/collab',
    '@tfai/siamese',
    '@tfai/text/tokenize',
  ]) {
    it(`${entry}: no Node-only module is an input`, async () => {
      const { metafile, errors } = await bundle(`export * from '${entry}';`);
      expect(errors).toEqual([]);
      expect(forbiddenInputs(metafile)).toEqual([]);
      // The browser variants were chosen (the check above cannot pass by bundling nothing).
      expect(Object.keys(metafile.inputs).some((f) => f.includes('core/src/platform/browser/fs.ts'))).toBe(true);
    });
  }

  it('the same entry for Node (platform node) takes the Node platform files instead', async () => {
    const { metafile } = await bundle(`export * from '@tfai/vision';`, {
      platform: 'node',
      external: [
        'sharp',
        'tokenizers',
        'tar',
        'yauzl',
        'vega',
        'vega-lite',
        '@tensorflow/*',
        'webgpu',
        'papaparse',
        'fflate',
      ],
    });
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.some((f) => f.includes('vision/src/platform/node/decode.ts'))).toBe(true);
    expect(inputs.some((f) => f.includes('/platform/browser/'))).toBe(false);
  });

  it('importing @tfai/vision in a page keeps its learner builders registered (sideEffects)', async () => {
    const { outputFiles } = await bundle(
      `import { loadLearner } from '@tfai/core'; import '@tfai/vision'; export { loadLearner };`,
    );
    const js = outputFiles[0].text;
    expect(js).toContain('registerLearnerBuilders("@tfai/vision"');
  });
});

describe('vision inference in a page: sizes', () => {
  it('domain code beyond tfjs is under 150 kB gzipped; the .wasm files are listed', async () => {
    const page = `import { loadLearner } from '@tfai/core'; import '@tfai/vision'; export { loadLearner };`;
    const domain = await bundle(page, { minify: true, external: ['@tensorflow/*'] });
    const full = await bundle(page, { minify: true });
    const gz = (r: Bundle) => gzipSync(r.outputFiles[0].contents, { level: 9 }).length;
    const domainGz = gz(domain);
    const fullGz = gz(full);
    const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    const wasm = readdirSync(wasmDir)
      .filter((f) => f.endsWith('.wasm'))
      .map((f) => `${f} ${(statSync(join(wasmDir, f)).size / 1024).toFixed(0)} kB`);
    console.log(
      `vision inference bundle (minified): domain code ${(domain.outputFiles[0].contents.length / 1024).toFixed(0)} kB, ${(domainGz / 1024).toFixed(1)} kB gzip; ` +
        `with tfjs ${(full.outputFiles[0].contents.length / 1024).toFixed(0)} kB, ${(fullGz / 1024).toFixed(1)} kB gzip; wasm: ${wasm.join(', ')}`,
    );
    expect(domainGz).toBeLessThan(150 * 1024);
    expect(fullGz).toBeGreaterThan(domainGz);
    expect(wasm.length).toBe(3);
  });
});
