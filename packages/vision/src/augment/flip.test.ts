// FlipItem is written once (no task-specific code): the same transform on classification and on segmentation,
// where the mask moves with its image, exactly (never interpolated). Siamese pairs: packages/siamese/src/data/flip.test.ts.
import { join } from 'node:path';
import { Rng } from '@tfai/core';
import { describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';
import { ImageDataLoaders } from '../data/image-data-loaders.js';
import { SegmentationDataLoaders } from '../segmentation/segmentation-data-loaders.js';
import { itemTfmFromJSON } from './from-json.js';
import { FlipItem } from './flip.js';
import { Resize } from './resize.js';

const TUX = datasets.path('tux_photos');
const BRAIN = join(datasets.path('brain_aal'));

/** Pixels of a `w × h` image (`c` bytes a pixel) mirrored left–right, computed independently of FlipItem. */
function mirror(data: Uint8Array, w: number, h: number, c: number): number[] {
  const out: number[] = [];
  for (let y = 0; y < h; y++)
    for (let x = w - 1; x >= 0; x--) for (let k = 0; k < c; k++) out.push(data[(y * w + x) * c + k]);
  return out;
}

describe('FlipItem', () => {
  it('flips an image left–right with probability p in training only; its JSON round-trips', async () => {
    const img = { data: Uint8Array.from({ length: 4 * 2 * 3 }, (_, i) => i), width: 4, height: 2 };
    const flipped = await new FlipItem({ p: 1 }).apply(img, { train: true, rng: new Rng(0) });
    expect(Array.from(flipped.data)).toEqual(mirror(img.data, 4, 2, 3));
    expect(Array.from(flipped.data.subarray(0, 3))).toEqual([9, 10, 11]);
    expect(await new FlipItem({ p: 1 }).apply(img, { train: false, rng: new Rng(0) })).toBe(img);
    const rng = new Rng(1);
    const t = new FlipItem();
    let n = 0;
    for (let i = 0; i < 1000; i++) if ((await t.apply(img, { train: true, rng })) !== img) n++;
    expect(n).toBeGreaterThan(450);
    expect(n).toBeLessThan(550);
    expect(itemTfmFromJSON(new FlipItem({ p: 0.3 }).toJSON())).toEqual(new FlipItem({ p: 0.3 }));
    expect(() => new FlipItem({ p: 2 })).toThrow(/p must be in \[0, 1\]/);
  });

  it('classification: the training images are the plain ones mirrored (same crop draw), validation untouched', async () => {
    const make = (p: number) =>
      ImageDataLoaders.fromFolder(TUX, {
        bs: 4,
        seed: 0,
        itemTfms: [new Resize(32), new FlipItem({ p })],
        progress: false,
      });
    const [plain, flip] = [await make(0), await make(1)];
    for (const i of [0, 5]) {
      const [a, b] = [await plain.train.ds.get(i), await flip.train.ds.get(i)];
      expect(b.label).toBe(a.label);
      expect(Array.from(b.image.data)).toEqual(mirror(a.image.data, 32, 32, 3));
      expect(Array.from(b.image.data)).not.toEqual(Array.from(a.image.data));
    }
    const [va, vb] = [await plain.valid.ds.get(0), await flip.valid.ds.get(0)];
    expect(Array.from(vb.image.data)).toEqual(Array.from(va.image.data));
  });

  it('segmentation: the mask is mirrored with its image, exactly: its values stay within the codes', async () => {
    const make = (p: number) =>
      SegmentationDataLoaders.fromFolders(BRAIN, {
        labels: 'labels_lobes',
        codesFile: 'codes_lobes.txt',
        csv: 'slices.csv',
        bs: 4,
        seed: 0,
        itemTfms: [new Resize(48), new FlipItem({ p })],
      });
    const [plain, flip] = [await make(0), await make(1)];
    const nCodes = flip.codes.length;
    for (const i of [0, 3]) {
      const [a, b] = [await plain.train.ds.get(i), await flip.train.ds.get(i)];
      expect(Array.from(b.image.data)).toEqual(mirror(a.image.data, 48, 48, 3));
      expect(Array.from(b.mask!.data)).toEqual(mirror(a.mask!.data, 48, 48, 1));
      expect(Array.from(b.mask!.data)).not.toEqual(Array.from(a.mask!.data));
      expect(Math.max(...b.mask!.data)).toBeLessThan(nCodes);
      expect(new Set(b.mask!.data)).toEqual(new Set(a.mask!.data));
    }
    // Through the loader: a batch's masks are int32 class maps within the codes.
    const batch = await flip.train.oneBatch();
    expect(batch.y.dtype).toBe('int32');
    const y = await batch.y.data();
    expect(Math.max(...y)).toBeLessThan(nCodes);
    expect(Math.min(...y)).toBeGreaterThanOrEqual(0);
    batch.x.forEach((t) => t.dispose());
    batch.y.dispose();
  });
});
