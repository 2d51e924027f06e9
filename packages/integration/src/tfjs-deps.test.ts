// Dependencies by need (DESIGN.md §3): tfjs-core and the backends tfai uses, never the @tensorflow/tfjs umbrella,
// one tfjs-core in the tree, and core's bundle of tfjs-core's gradient and chained-op registrations up to date.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { setBackend } from '@tfai/core/backend';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function sourceFiles(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name === 'vendor') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

describe('tfjs dependencies', () => {
  it('no source, test, bench, example or script imports the @tensorflow/tfjs umbrella, and no package depends on it', () => {
    const dirs = readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p));
    const files = [...dirs, join(root, 'examples'), join(root, 'scripts')].flatMap((d) => sourceFiles(d));
    expect(files.length).toBeGreaterThan(300);
    const umbrella = /from '@tensorflow\/tfjs'|import\('@tensorflow\/tfjs'\)|require\('@tensorflow\/tfjs'\)/;
    expect(files.filter((f) => umbrella.test(readFileSync(f, 'utf8'))).map((f) => f.slice(root.length))).toEqual([]);
    for (const d of dirs) {
      if (!existsSync(join(d, 'package.json'))) continue;
      const m = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
      for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies'])
        expect(m[field]?.['@tensorflow/tfjs'], `${d}: ${field}`).toBeUndefined();
    }
  });

  it('one @tensorflow/tfjs-core is installed in the workspace, and it is the one every tfjs package resolves', () => {
    const found: string[] = [];
    const walk = (nm: string) => {
      if (!existsSync(nm)) return;
      for (const e of readdirSync(nm)) {
        const dirs = e.startsWith('@') ? readdirSync(join(nm, e)).map((s) => join(nm, e, s)) : [join(nm, e)];
        for (const d of dirs) {
          if (d.endsWith(join('@tensorflow', 'tfjs-core'))) found.push(d);
          walk(join(d, 'node_modules'));
        }
      }
    };
    walk(join(root, 'node_modules'));
    for (const p of readdirSync(join(root, 'packages'))) walk(join(root, 'packages', p, 'node_modules'));
    expect(found.map((f) => f.slice(root.length))).toEqual(['node_modules/@tensorflow/tfjs-core']);
  });

  it("core's bundled registrations match this tfjs-core (scripts/bundle-tfjs-registrations.mjs --check)", () => {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'bundle-tfjs-registrations.mjs'), '--check'], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('gradients and chained methods work on tfjs-core alone, on cpu and wasm, with one engine', async () => {
    for (const b of ['cpu', 'wasm'] as const) {
      await setBackend(b);
      const before = tf.memory().numTensors;
      // d/dx sum((x + y) * mean(conv(ones))) with a 4×4 ones image and a 2×2 ones kernel: each output is 4.
      const [gx, gy] = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
        tf
          .add(x, y)
          .mul(tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, tf.ones([2, 2, 1, 1]) as tf.Tensor4D, 1, 'valid').mean())
          .sum(),
      )([tf.tensor1d([1, 2]), tf.tensor1d([3, 4])]);
      expect([...(await gx.data())]).toEqual([4, 4]);
      expect([...(await gy.data())]).toEqual([4, 4]);
      tf.dispose([gx, gy]);
      expect(tf.memory().numTensors - before).toBeLessThanOrEqual(2); // the two input tensors
      expect(tf.engine()).toBe((globalThis as { _tfengine?: unknown })._tfengine);
    }
    await setBackend();
  });
});
