import { fileURLToPath } from 'node:url';
import { defaultServerConditions } from 'vite';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * The source export condition: each workspace package's `exports` lists `"@tfai/source": "./src/….ts"` first, so
 * with it `@tfai/*` resolve to their sources (as TanStack's `@tanstack/custom-condition`). Only our tooling sets it
 * (here, `customConditions` in tsconfig.base.json, `--conditions=@tfai/source` for tsx); users get `dist/`.
 */
const conditions = ['@tfai/source', ...defaultServerConditions];

/** Shared Vitest settings: workspace packages resolve to their sources, so tests never need a build. */
export function vitestConfig(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions } },
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
