// tfai's rule: no synchronous tensor reads in library code (webgpu in Node cannot do them at all, and on every
// backend they stall the queue). Test files and test helpers are exempt.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGES = fileURLToPath(new URL('../../', import.meta.url));
const SYNC_READ = /\.(dataSync|arraySync|bufferSync)\(/;
const TEST_HELPER = /(\.test\.ts$|\/test-utils\/|\/test-support\.ts$|\/testing\.ts$)/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    // vendor/: tfjs-core's own registrations (the chained tensor methods `t.dataSync()` and friends), bundled as
    // they are; tfai's code calls none of them synchronously.
    if (statSync(p).isDirectory()) return f === 'node_modules' || f === 'fixtures' || f === 'vendor' ? [] : sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

describe('no synchronous reads in src/', () => {
  it('no dataSync, arraySync or bufferSync outside tests in any package', () => {
    const srcDirs = readdirSync(PACKAGES)
      .map((p) => join(PACKAGES, p, 'src'))
      .filter((d) => statSync(d, { throwIfNoEntry: false })?.isDirectory());
    expect(srcDirs.length).toBeGreaterThanOrEqual(5);
    const files = srcDirs.flatMap(sources).filter((f) => !TEST_HELPER.test(f));
    expect(files.length).toBeGreaterThan(50);
    const hits = files.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((line, i) => (SYNC_READ.test(line) ? [`${relative(PACKAGES, f)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(hits).toEqual([]);
  });
});
