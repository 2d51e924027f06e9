// Siamese: a pretrained ResNet-18 encoder (local checkpoint) on 32 px Fashion-MNIST pairs, trained frozen, then
// unfrozen with discriminative learning rates; exported and reloaded with loadLearner.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accuracy, exportLearner, loadLearner, manualSeed, registerLearnerBuilder, slice } from '@tfai/core';
import { readPairsCsv, SiameseDataLoaders, type SiameseLearner, siameseLearner, learnerBuilders } from '@tfai/siamese';
import { resnet18 } from '@tfai/vision';
import { afterAll, describe, expect, it } from 'vitest';
import { DATA, REFERENCE } from '../../../core/src/test-utils/fixtures.js';

// loadLearner finds a builder by package name (the pack-install test checks that on the built packages); here
// the sources' builders are registered so that nothing is read from dist/.
for (const [name, b] of Object.entries(learnerBuilders)) registerLearnerBuilder(name, b);
const dir = mkdtempSync(join(tmpdir(), 'tfai-int-siamese-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('siamese flow', () => {
  it('frozen then unfrozen: the validation loss falls, only BatchNorm of the encoder trains while frozen; the export reloads', async () => {
    manualSeed(1);
    const rows = await readPairsCsv(join(DATA, 'fashion_mnist', 'siamese_pairs.csv'));
    const pairs = (valid: boolean, n: number) => rows.filter((r) => r.isValid === valid).slice(0, n).map(({ a, b, same }) => ({ a, b, same }));
    const dls = SiameseDataLoaders.fromPairs(pairs(false, 128), pairs(true, 64), { size: 32, bs: 32, seed: 1 });
    const learn = (await siameseLearner(dls, resnet18, { pretrained: join(REFERENCE, 'torchvision', 'resnet18.safetensors'), cut: 6, metrics: accuracy(), progress: false })) as SiameseLearner;
    const start = await learn.validate();
    const enc = learn.opt!.paramGroups[0].params;
    expect(enc.filter((p) => p.requiresGrad).every((p) => p.kind === 'norm')).toBe(true);
    await learn.fitOneCycle(2, 3e-3);
    const frozen = await learn.validate();
    learn.unfreeze();
    expect(enc.every((p) => p.requiresGrad)).toBe(true);
    await learn.fitOneCycle(2, slice(1e-5, 1e-3));
    const end = await learn.validate();
    console.log(`siamese flow: valid loss ${start.validLoss.toFixed(3)} → ${frozen.validLoss.toFixed(3)} (frozen) → ${end.validLoss.toFixed(3)}; accuracy ${start.metrics.accuracy} → ${end.metrics.accuracy}`);
    expect(end.validLoss).toBeLessThan(0.95 * start.validLoss);
    expect(frozen.validLoss).toBeLessThan(start.validLoss); // 0.829 → 0.734 → 0.720 with seed 1 (accuracy needs longer runs)

    const [p] = dls.valid.ds.pairs;
    const before = await learn.predict([p.a, p.b]);
    const { json } = await exportLearner(learn, join(dir, 'siamese'));
    const again = (await loadLearner(json)) as SiameseLearner;
    const after = await again.predict([p.a, p.b]);
    expect(after.same).toBe(before.same);
    expect(after.probability).toBeCloseTo(before.probability, 4);
    learn.dispose();
    again.dispose();
  });
});
