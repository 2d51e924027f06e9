// The public entry points (`@tfai/core` and its subpaths): each shaped as ".", each name exported from one of them.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as {
  exports: Record<string, string | Record<string, string>>;
};
const entries = Object.entries(manifest.exports).filter(
  (e): e is [string, Record<string, string>] => typeof e[1] === 'object',
);

/** The root's names that also live in a subpath: what a fastai user reaches for first (DESIGN.md §7). */
const HEADLINE = new Set([
  'Module',
  'Sequential',
  'numParams',
  'lrFind',
  'combinedCos',
  'loadSafetensors',
  'saveSafetensors',
  'exportLearner',
  'loadLearner',
  'setBackend',
]);

describe('entry points', () => {
  it('every subpath has the shape of "." (source, types, default) and its source file', () => {
    expect(entries.map(([k]) => k)).toEqual([
      '.',
      './nn',
      './schedule',
      './io',
      './plot',
      './backend',
      './onnx',
      './data',
      './internal',
    ]);
    for (const [key, v] of entries) {
      const name = key === '.' ? 'index' : key.slice(2);
      expect(v, key).toEqual({
        '@tfai/source': `./src/${name}.ts`,
        types: `./dist/${name}.d.ts`,
        default: `./dist/${name}.js`,
      });
      expect(existsSync(fileURLToPath(new URL(`../${v['@tfai/source']}`, import.meta.url))), key).toBe(true);
    }
  });

  it('no public name is exported from two entry points but the headline names, and the root stays small', async () => {
    const seen = new Map<string, [string, unknown]>();
    for (const [key] of entries.filter(([k]) => k !== './internal')) {
      const mod = (await import(`@tfai/core${key.slice(1)}`)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        const before = seen.get(name);
        if (before) {
          // The root re-exports a subpath's object (the names of DESIGN.md §7), nothing else is exported twice.
          expect(HEADLINE.has(name) && (before[0] === '.' || key === '.'), `${name} in ${before[0]} and ${key}`).toBe(
            true,
          );
          expect(value, name).toBe(before[1]);
        } else seen.set(name, [key, value]);
      }
    }
    const root = Object.keys((await import('@tfai/core')) as object);
    expect(root.length).toBeLessThan(120);
  });

  it('the root has every name DESIGN.md §7 lists for @tfai/core', async () => {
    const root = (await import('@tfai/core')) as Record<string, unknown>;
    for (const name of [...HEADLINE, 'Learner', 'slice', 'evenMults']) expect(root[name], name).toBeDefined();
  });
});
