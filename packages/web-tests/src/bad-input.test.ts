// Bad input in the page gets the same typed errors as in Node, shown to the caller, never a hang: a truncated
// weights file, a description that does not match its weights, an image the browser cannot decode (not an image; a
// truncated PNG). Each file is handed to Node's loadLearner / predict too, and the page's error must have the same
// class; afterwards the page still loads a good export and predicts.
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { manualSeed } from '@tfai/core';
import { exportLearner, loadLearner } from '@tfai/core/io';
import { datasets } from '@tfai/datasets';
import { TabularDataLoaders, tabularLearner } from '@tfai/tabular';
import { ImageDataLoaders, visionLearner, type VisionLearner } from '@tfai/vision';
import { Resize } from '@tfai/vision/augment';
import { resnet18 } from '@tfai/vision/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needsBrowser } from './browser.js';
import { openSession, type Session } from './harness.js';
import type { ExportSource, PageError } from './page/api.js';

/** The page's call, failed within `ms` if it hangs. */
async function within<T>(p: Promise<T>, ms = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`the page did not answer in ${ms} ms (a hang)`)), ms);
  });
  try {
    return await Promise.race([p, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Node's error for the same input, as the page reports one. */
async function nodeError(f: () => Promise<unknown>): Promise<PageError | null> {
  try {
    await f();
    return null;
  } catch (e) {
    const err = e as Error;
    return { name: err.name, message: err.message };
  }
}

describe('bad input in the page: the same typed errors as Node, never a hang', needsBrowser(), () => {
  let s: Session;
  let vision: VisionLearner;
  const pageError = (what: 'load' | 'predictFile', arg: ExportSource | string) =>
    within(s.page.evaluate(([w, a]) => window.tfai.catching(w, a), [what, arg] as const));

  beforeAll(async () => {
    s = await openSession({ entry: 'all' });
    await s.page.evaluate(() => window.tfai.setup('wasm', '/wasm/'));
    manualSeed(0);
    // A tabular export (trained for nothing: only the files matter here), and a small vision one.
    const dls = await TabularDataLoaders.fromCsv(join(datasets.path('titanic'), 'titanic.csv'), {
      yNames: ['survived'],
      catNames: ['pclass', 'sex'],
      contNames: ['age', 'sibsp', 'parch'],
      validPct: 0.2,
      seed: 42,
    });
    const tab = tabularLearner(dls, { progress: false });
    await exportLearner(tab, join(s.files, 'good'));
    tab.dispose();
    const vdls = await ImageDataLoaders.fromFolder(datasets.path('tux_photos'), {
      seed: 0,
      itemTfms: [new Resize(32)],
    });
    vision = await visionLearner(vdls, resnet18, { pretrained: false, cut: 5, progress: false });
    await exportLearner(vision, join(s.files, 'vision'));
  });
  afterAll(async () => {
    vision?.dispose();
    await s?.close();
  });

  it('a truncated weights file: the page and Node throw the same error class, naming the file', async () => {
    const weights = await readFile(join(s.files, 'good.safetensors'));
    await writeFile(join(s.files, 'truncated.safetensors'), weights.subarray(0, Math.floor(weights.length / 2)));
    const json = JSON.parse(await readFile(join(s.files, 'good.json'), 'utf8')) as { weights: { file: string } };
    json.weights.file = 'truncated.safetensors';
    await writeFile(join(s.files, 'truncated.json'), JSON.stringify(json));
    const node = await nodeError(() => loadLearner(join(s.files, 'truncated.json')));
    const page = await pageError('load', { url: '/files/truncated.json' });
    console.log(`truncated weights — Node: ${node?.name}: ${node?.message}\n  page: ${page?.name}: ${page?.message}`);
    expect(node).not.toBeNull();
    expect(page?.name).toBe(node?.name);
    expect(page?.message).toMatch(/truncated/);
    // From bytes as well as from a URL.
    const bytes = await pageError('load', {
      jsonUrl: '/files/truncated.json',
      weightsUrl: '/files/truncated.safetensors',
    });
    expect(bytes?.name).toBe(node?.name);
  });

  it('a description that does not match its weights (other layer sizes): the same error class as Node', async () => {
    const json = JSON.parse(await readFile(join(s.files, 'good.json'), 'utf8')) as {
      weights: { file: string };
      builder: { args: { model: { config: { layers: number[] } } } };
    };
    json.builder.args.model.config.layers = [20, 10];
    json.weights.file = 'mismatch.safetensors';
    await copyFile(join(s.files, 'good.safetensors'), join(s.files, 'mismatch.safetensors'));
    await writeFile(join(s.files, 'mismatch.json'), JSON.stringify(json));
    const node = await nodeError(() => loadLearner(join(s.files, 'mismatch.json')));
    const page = await pageError('load', { url: '/files/mismatch.json' });
    console.log(`mismatched JSON — Node: ${node?.name}: ${node?.message}\n  page: ${page?.name}: ${page?.message}`);
    expect(node).not.toBeNull();
    expect(page?.name).toBe(node?.name);
    expect(page?.message).toMatch(/mismatch\.safetensors: the weights do not fit/);
  });

  it('an image the browser cannot decode (not an image; a truncated PNG): the same error class as Node, and the page goes on', async () => {
    expect(await pageError('load', { url: '/files/vision.json' })).toBeNull();
    const png = await readFile(vision.dls.valid.ds.items.map(String)[0]);
    await writeFile(join(s.files, 'not-an-image.png'), 'this is text, not a PNG\n');
    await writeFile(join(s.files, 'truncated.png'), png.subarray(0, Math.floor(png.length / 3)));
    for (const f of ['not-an-image.png', 'truncated.png']) {
      const node = await nodeError(() => vision.predict(join(s.files, f)));
      const page = await pageError('predictFile', `/files/${f}`);
      console.log(`${f} — Node: ${node?.name}: ${node?.message}\n  page: ${page?.name}: ${page?.message}`);
      expect(node).not.toBeNull();
      expect(page?.name).toBe(node?.name);
      expect(page?.message).toContain(f);
    }
    // A missing file: an error naming the URL, not a hang.
    const missing = await pageError('predictFile', '/files/missing.png');
    expect(missing?.message).toContain('missing.png');
    // The page still works: the good image predicts.
    await copyFile(vision.dls.valid.ds.items.map(String)[0], join(s.files, 'good.png'));
    expect(await pageError('predictFile', '/files/good.png')).toBeNull();
    expect(s.errors.filter((e) => !/404/.test(e))).toEqual([]);
  });
});
