// The page's path in Node: `predict` on decoded pixels (an ImageData's RGBA) gives the model the same input as
// `predict` on the file, so the same probabilities; a learner loaded from bytes predicts the same; bad pixels and
// undecodable bytes are ImageReadErrors.
import { readFile } from 'node:fs/promises';
import { manualSeed } from '@tfai/core';
import { exportLearnerBytes, loadLearner } from '@tfai/core/io';
import { datasets } from '@tfai/datasets';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { Resize } from '../augment/resize.js';
import { ImageDataLoaders } from '../data/image-data-loaders.js';
import { ImageReadError } from '../data/errors.js';
import { resnet18 } from '../models/resnet.js';
import { SegmentationDataLoaders } from '../segmentation/segmentation-data-loaders.js';
import { UnetLearner, unetLearner } from '../unet/unet-learner.js';
import { VisionLearner, visionLearner } from './vision-learner.js';

/** RGBA pixels of a file, as a page's `getImageData` gives them. */
async function rgba(file: string) {
  const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data), width: info.width, height: info.height, channels: 4 };
}

describe('predict on pixels (the browser path) = predict on the file', () => {
  it('tux_photos: same probabilities from a path, its bytes and its RGBA pixels, before and after loadLearner(bytes)', async () => {
    manualSeed(2);
    const dls = await ImageDataLoaders.fromFolder(datasets.path('tux_photos'), {
      bs: 8,
      seed: 0,
      itemTfms: [new Resize(48, { method: 'pad', padMode: 'zeros' })],
    });
    const learn = await visionLearner(dls, resnet18, { pretrained: false, progress: false, cut: 6 });
    const files = dls.valid.ds.items.slice(0, 4).map(String);
    const { json, weights } = await exportLearnerBytes(learn);
    const loaded = await loadLearner({ json, weights }, VisionLearner);
    for (const f of files) {
      const fromPath = await learn.predict(f);
      expect((await learn.predict(await readFile(f))).probs).toEqual(fromPath.probs);
      expect((await learn.predict(await rgba(f))).probs).toEqual(fromPath.probs);
      const again = await loaded.predict(await rgba(f));
      expect(again.label).toBe(fromPath.label);
      again.probs.forEach((p, i) => expect(p).toBeCloseTo(fromPath.probs[i], 6));
    }
    const px = await rgba(files[0]);
    await expect(learn.predict({ ...px, data: px.data.subarray(0, 100) })).rejects.toThrow(ImageReadError);
    await expect(learn.predict({ ...px, channels: 5 })).rejects.toThrow(/channels must be 1 to 4/);
    await expect(learn.predict(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]))).rejects.toThrow(ImageReadError);
    learn.dispose();
    loaded.dispose();
  });

  it('tux_seg: the U-Net mask from RGBA pixels equals the mask from the file, after loadLearner(bytes) too', async () => {
    manualSeed(4);
    const root = datasets.path('tux_seg');
    const names = (await readFile(`${root}/pairs.csv`, 'utf8'))
      .trim()
      .split('\n')
      .slice(1, 5)
      .map((r) => r.split(',')[0]);
    const codes = (await readFile(`${root}/codes.txt`, 'utf8')).trim().split('\n');
    const dls = SegmentationDataLoaders.fromLists(
      names.map((n) => `${root}/images/${n}`),
      names.map((n) => `${root}/labels/${n}`),
      { train: [0, 1], valid: [2, 3] },
      { codes, itemTfms: [new Resize([48, 64])], bs: 2, seed: 0 },
    );
    const learn = await unetLearner(dls, resnet18, { pretrained: false, progress: false });
    const loaded = await loadLearner(await exportLearnerBytes(learn), UnetLearner);
    const file = `${root}/images/${names[2]}`;
    const fromFile = await learn.predict(file);
    expect([fromFile.mask.width, fromFile.mask.height]).toEqual([64, 48]);
    expect(Array.from((await learn.predict(await rgba(file))).mask.data)).toEqual(Array.from(fromFile.mask.data));
    expect(Array.from((await loaded.predict(await rgba(file))).mask.data)).toEqual(Array.from(fromFile.mask.data));
    learn.dispose();
    loaded.dispose();
  });
});
