// The same FlipItem as classification and segmentation (packages/vision/src/augment/flip.test.ts), on pairs:
// one draw per pair, so both images of a pair flip together, with no siamese-specific code.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FlipItem, Resize } from '@tfai/vision/augment';
import { datasets } from '@tfai/datasets';
import { readPairsCsv } from './pairs-csv.js';
import { SiameseDataLoaders } from './siamese-dataloaders.js';

const TUX_CSV = `${datasets.path('tux_photos')}/siamese_pairs.csv`;

describe('FlipItem on siamese pairs', () => {
  it('both images of a pair get the same draw: a pair of one image twice stays identical, and some pairs flip', async () => {
    const rows = (await readPairsCsv(TUX_CSV)).slice(0, 16);
    const twins = rows.map((r) => ({ a: r.a, b: r.a, same: true }));
    const make = (p: number) =>
      SiameseDataLoaders.fromPairs(twins, twins, { bs: 16, seed: 0, itemTfms: [new Resize(24), new FlipItem({ p })] });
    const [flip, plain] = [make(0.5), make(0)];
    const [b, b0] = [
      await flip.train.makeBatch(twins.map((_, i) => i)),
      await plain.train.makeBatch(twins.map((_, i) => i)),
    ];
    const [xa, xb, pa] = await Promise.all([b.x[0].data(), b.x[1].data(), b0.x[0].data()]);
    expect(Array.from(xa)).toEqual(Array.from(xb));
    // Image A flipped: row pixels reversed against the plain decode of the same crop draw.
    const per = 24 * 24 * 3;
    let flipped = 0;
    for (let i = 0; i < twins.length; i++) {
      const a = xa.subarray(i * per, (i + 1) * per);
      const p = pa.subarray(i * per, (i + 1) * per);
      const mirrored = Array.from({ length: per }, (_, j) => {
        const [y, x, c] = [Math.floor(j / 72), Math.floor(j / 3) % 24, j % 3];
        return p[(y * 24 + 23 - x) * 3 + c];
      });
      const same = Array.from(a).every((v, j) => v === p[j]);
      const mir = Array.from(a).every((v, j) => v === mirrored[j]);
      expect(same || mir, `pair ${i}`).toBe(true);
      if (mir && !same) flipped++;
    }
    expect(flipped).toBeGreaterThan(0);
    expect(flipped).toBeLessThan(twins.length);
    tf.dispose([...b.x, b.y, ...b0.x, b0.y]);
  });
});
