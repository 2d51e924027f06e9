// Images decoded by the page itself: the browser's decoder (createImageBitmap → OffscreenCanvas, what @tfai/vision
// uses in a page) against Node's sharp, on tux_photos' validation PNGs and on JPEGs made from them; then the page
// predicting from the file's URL (the library decodes) against Node's `predict` of the same file.
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { manualSeed } from '@tfai/core';
import { exportLearner } from '@tfai/core/io';
import { datasets } from '@tfai/datasets';
import { ImageDataLoaders, visionLearner, type VisionLearner } from '@tfai/vision';
import { Resize } from '@tfai/vision/augment';
import { resnet18 } from '@tfai/vision/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needsBrowser } from './browser.js';
import { openSession, type Session } from './harness.js';

describe('decoding in the page', needsBrowser(), () => {
  let s: Session;
  let learn: VisionLearner;
  let files: string[];
  beforeAll(async () => {
    s = await openSession({ entry: 'vision' });
    manualSeed(0);
    const dls = await ImageDataLoaders.fromFolder(datasets.path('tux_photos'), { seed: 0, itemTfms: [new Resize(32)] });
    learn = await visionLearner(dls, resnet18, { pretrained: false, cut: 5, progress: false });
    await learn.fitOneCycle(1, 3e-3);
    await exportLearner(learn, join(s.files, 'vision'));
    files = dls.valid.ds.items.map(String);
    for (const f of files) {
      await writeFile(join(s.files, basename(f)), await sharp(f).toBuffer());
      await sharp(f)
        .jpeg({ quality: 90 })
        .toFile(join(s.files, basename(f).replace(/\.png$/, '.jpg')));
    }
  });
  afterAll(async () => {
    learn?.dispose();
    await s?.close();
  });

  /** The page's RGBA against sharp's RGBA of the same file: pixels compared, largest channel difference. */
  async function compareDecode(name: string) {
    const page = await s.page.evaluate((u) => window.tfai.decode(u), `/files/${name}`);
    const { data, info } = await sharp(join(s.files, name)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([page.width, page.height]).toEqual([info.width, info.height]);
    const rgba = Buffer.from(page.rgba, 'base64');
    expect(rgba.length).toBe(data.length);
    let maxDiff = 0;
    for (let i = 0; i < data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(data[i] - rgba[i]));
    return { maxDiff, bytes: data.length };
  }

  it('PNG: the browser decodes every validation photo to exactly sharp’s pixels', async () => {
    let bytes = 0;
    for (const f of files) {
      const r = await compareDecode(basename(f));
      expect(r.maxDiff).toBe(0);
      bytes += r.bytes;
    }
    console.log(`PNG decode: ${files.length} files, ${bytes} RGBA bytes, identical to sharp`);
  });

  it('JPEG (quality 90): the browser’s decoder against sharp’s (reported; within 2 levels per channel)', async () => {
    let worst = 0;
    for (const f of files)
      worst = Math.max(worst, (await compareDecode(basename(f).replace(/\.png$/, '.jpg'))).maxDiff);
    console.log(`JPEG decode: ${files.length} files, largest channel difference browser vs sharp: ${worst}`);
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('predict from the file’s URL in the page (the library decodes) = Node’s predict of the file', async () => {
    await s.page.evaluate(() => window.tfai.load({ url: '/files/vision.json' }));
    let maxDiff = 0;
    for (const f of files) {
      const node = await learn.predict(f);
      const page = await s.page.evaluate((u) => window.tfai.predictFile(u), `/files/${basename(f)}`);
      expect(page.decoded).toBe(node.index);
      for (const [j, p] of node.probs.entries()) maxDiff = Math.max(maxDiff, Math.abs(p - page.probs[j]));
    }
    console.log(
      `predict from PNG URLs in the page: ${files.length} files, top-1 identical, largest probability difference ${maxDiff.toExponential(2)}`,
    );
    expect(maxDiff).toBeLessThan(1e-4);
    expect(s.errors).toEqual([]);
  });
});
