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

describe('entry points', () => {
  it('every subpath has the shape of "." (source, types, default) and its source file', () => {
    expect(entries.map(([k]) => k)).toEqual(['.', './nn', './schedule', './io', './plot', './backend', './internal']);
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

  it('no public name is exported from two entry points, and the root stays small', async () => {
    const seen = new Map<string, string>();
    for (const [key] of entries.filter(([k]) => k !== './internal')) {
      const mod = (await import(`@tfai/core${key.slice(1)}`)) as Record<string, unknown>;
      for (const name of Object.keys(mod)) {
        expect(seen.get(name), `${name} in ${key}`).toBeUndefined();
        seen.set(name, key);
      }
    }
    expect([...seen.values()].filter((k) => k === '.').length).toBeLessThan(120);
  });
});
