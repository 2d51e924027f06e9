// Segmentation: a U-Net on a ResNet-18 encoder, from scratch, on 32 px tux_seg images (16 train, 4 valid): training lowers the loss and
// exported and reloaded with loadLearner (same class map).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportLearner, loadLearner, manualSeed, registerLearnerBuilder } from '@tfai/core';
import { foregroundAcc, Resize, resnet18, SegmentationDataLoaders, type UnetLearner, unetLearner, learnerBuilders } from '@tfai/vision';
import { afterAll, describe, expect, it } from 'vitest';
import { DATA } from '../../../core/src/test-utils/fixtures.js';

const TUX = join(DATA, 'tux_seg');
// loadLearner finds a builder by package name (the pack-install test checks that on the built packages); here
// the sources' builders are registered so that nothing is read from dist/.
for (const [name, b] of Object.entries(learnerBuilders)) registerLearnerBuilder(name, b);
const dir = mkdtempSync(join(tmpdir(), 'tfai-int-unet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('U-Net flow', () => {
  it('fitOneCycle lowers the validation loss; export → loadLearner → predict gives the same mask', async () => {
    manualSeed(0);
    const names = readFileSync(join(TUX, 'pairs.csv'), 'utf8').trim().split(/\r?\n/).slice(1, 21).map((r) => r.split(',')[0]);
    const codes = readFileSync(join(TUX, 'codes.txt'), 'utf8').trim().split(/\r?\n/);
    const dls = SegmentationDataLoaders.fromLists(
      names.map((n) => join(TUX, 'images', n)),
      names.map((n) => join(TUX, 'labels', n)),
      { train: names.slice(0, 16).map((_, i) => i), valid: [16, 17, 18, 19] },
      { codes, itemTfms: [new Resize(32)], bs: 4, seed: 0 },
    );
    const learn = await unetLearner(dls, resnet18, { metrics: [foregroundAcc()], progress: false });
    const start = await learn.validate();
    await learn.fitOneCycle(2, 1e-2);
    const end = await learn.validate();
    console.log(`U-Net flow: valid loss ${start.validLoss.toFixed(3)} → ${end.validLoss.toFixed(3)}; foreground acc ${start.metrics.foreground_acc} → ${end.metrics.foreground_acc}`);
    expect(end.validLoss).toBeLessThan(0.85 * start.validLoss); // 2.065 → 1.608 with seed 0, from random init

    const img = join(TUX, 'images', names[16]);
    const before = await learn.predict(img);
    const { json } = await exportLearner(learn, join(dir, 'unet'));
    const again = (await loadLearner(json)) as UnetLearner;
    const after = await again.predict(img);
    expect(Array.from(after.mask.data)).toEqual(Array.from(before.mask.data));
    learn.dispose();
    again.dispose();
  });
});
