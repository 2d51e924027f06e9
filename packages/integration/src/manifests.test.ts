// What the registry shows of each published package: `repository`, `homepage` and `bugs` pointing at one
// repository, and README pictures that survive packing (only built JS, declarations, the README and package.json
// are packed, so a picture must be an absolute URL into that repository).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const PUBLISHED = ['core', 'vision', 'tabular', 'text', 'siamese', 'datasets'];

interface Manifest {
  repository?: { type: string; url: string; directory: string };
  homepage?: string;
  bugs?: { url: string };
}

describe('published manifests and READMEs', () => {
  it('every published package names the repository, its folder, its README page and the issue tracker', () => {
    const repos = new Set<string>();
    for (const p of PUBLISHED) {
      const m = JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8')) as Manifest;
      expect(m.repository?.type, p).toBe('git');
      expect(m.repository?.directory, p).toBe(`packages/${p}`);
      const web = /^git\+(https:\/\/github\.com\/[\w.-]+\/[\w.-]+)\.git$/.exec(m.repository?.url ?? '')?.[1];
      expect(web, `${p}: repository.url`).toBeDefined();
      repos.add(web!);
      expect(m.homepage, p).toBe(`${web}/tree/main/packages/${p}#readme`);
      expect(m.bugs?.url, p).toBe(`${web}/issues`);
    }
    expect(repos.size).toBe(1);
  });

  it('README pictures are absolute URLs into the repository (relative ones break on the registry page)', () => {
    const m = JSON.parse(readFileSync(join(root, 'packages', 'core', 'package.json'), 'utf8')) as Manifest;
    const raw = m.repository!.url.replace(/^git\+https:\/\/github\.com\//, 'https://raw.githubusercontent.com/');
    const base = `${raw.replace(/\.git$/, '')}/main/`;
    let pictures = 0;
    for (const p of PUBLISHED) {
      const readme = readFileSync(join(root, 'packages', p, 'README.md'), 'utf8');
      for (const [, src] of readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)) {
        pictures++;
        expect(src.startsWith(base), `${p}/README.md: ${src}`).toBe(true);
        // …and the picture exists in the repository at that path.
        expect(() => readFileSync(join(root, src.slice(base.length))), src).not.toThrow();
      }
    }
    expect(pictures).toBeGreaterThanOrEqual(4);
  });
});
