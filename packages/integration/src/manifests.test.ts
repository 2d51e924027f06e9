// What the registry shows of each published package: `repository`, `homepage` and `bugs` pointing at one
// repository, and README pictures that survive packing (only built JS, declarations, the README and package.json
// are packed, so a picture must be an absolute URL into that repository).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  it('prepack strips the @tfai/source conditions and postpack restores the manifest byte for byte', () => {
    const script = join(root, 'scripts', 'pack-manifest.mjs');
    for (const p of PUBLISHED) {
      // On a copy: the working tree's manifests are read by tests running beside this one.
      const dir = mkdtempSync(join(tmpdir(), `tfai-manifest-${p}-`));
      try {
        const original = readFileSync(join(root, 'packages', p, 'package.json'), 'utf8');
        expect(original, p).toContain('"@tfai/source"');
        copyFileSync(join(root, 'packages', p, 'package.json'), join(dir, 'package.json'));
        execFileSync(process.execPath, [script, 'strip'], { cwd: dir });
        const stripped = readFileSync(join(dir, 'package.json'), 'utf8');
        const m = JSON.parse(stripped) as { name: string; exports: unknown; imports?: unknown };
        expect(JSON.stringify([m.exports, m.imports ?? null]), p).not.toContain('@tfai/source');
        expect(JSON.stringify(m.exports), p).toContain('./dist/');
        expect(m.name, p).toBe(`@tfai/${p}`);
        expect(existsSync(join(dir, '.package.json.source')), p).toBe(true);
        execFileSync(process.execPath, [script, 'restore'], { cwd: dir });
        expect(readFileSync(join(dir, 'package.json'), 'utf8'), p).toBe(original);
        expect(existsSync(join(dir, '.package.json.source')), p).toBe(false);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
