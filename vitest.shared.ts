import { fileURLToPath } from 'node:url';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

const pkg = (name: string, entry = 'index'): string =>
  fileURLToPath(new URL(`./packages/${name}/src/${entry}.ts`, import.meta.url));

/** Shared Vitest settings: workspace packages resolve to their sources, so tests never need a build. */
export function vitestConfig(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    resolve: {
      alias: {
        // Before '@tfai/core', which would otherwise take '@tfai/core/internal' as a path under it.
        '@tfai/core/internal': pkg('core', 'internal'),
        '@tfai/core': pkg('core'),
        '@tfai/vision': pkg('vision'),
        '@tfai/tabular': pkg('tabular'),
        '@tfai/text': pkg('text'),
        '@tfai/siamese': pkg('siamese'),
        '@tfai/datasets': pkg('datasets'),
        '@tfai/test-utils/webgpu': pkg('test-utils', 'webgpu'),
        '@tfai/test-utils/pretrained': pkg('test-utils', 'pretrained'),
        '@tfai/test-utils': pkg('test-utils'),
      },
    },
    test: {
      include: ['src/**/*.test.ts'],
      setupFiles: [fileURLToPath(new URL('./vitest.setup.ts', import.meta.url))],
      environment: 'node',
      pool: 'forks',
      fileParallelism: false,
      passWithNoTests: true,
      testTimeout: 120_000,
      hookTimeout: 120_000,
      reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
      ...overrides,
    },
  });
}
