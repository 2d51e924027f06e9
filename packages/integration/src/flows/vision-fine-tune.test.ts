// Vision: a pretrained ResNet-18 from a local torchvision checkpoint, cut, fine-tuned on 28 px Fashion-MNIST
// (trouser vs bag), exported and reloaded with loadLearner.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accuracy, manualSeed } from '@tfai/core';
import { exportLearner, loadLearner, registerLearnerBuilder } from '@tfai/core/io';
import { ImageDataLoaders, VisionLearner, visionLearner, learnerBuilders } from '@tfai/vision';
import { resnet18 } from '@tfai/vision/models';
import { afterAll, describe, expect, it } from 'vitest';
import { datasets } from '@tfai/datasets';
import { needsReference, referenceFile } from '@tfai/test-utils';

const FM = join(datasets.path('fashion_mnist'));
// loadLearner finds a builder by package name (the pack-install test checks that on the built packages); here
// the sources' builders are registered so that nothing is read from dist/.
for (const [name, b] of Object.entries(learnerBuilders)) registerLearnerBuilder(name, b);
const dir = mkdtempSync(join(tmpdir(), 'tfai-int-vision-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vision flow', () => {
  it(
    'fineTune from a local checkpoint learns trouser vs bag; the export reloads and predicts the same',
    needsReference('torchvision/resnet18.safetensors'),
    async () => {
      manualSeed(0);
      const rows = readFileSync(join(FM, 'labels.csv'), 'utf8')
        .trim()
        .split(/\r?\n/)
        .slice(1)
        .map((l) => l.split(','));
      const pick = (label: string, valid: string, n: number) =>
        rows.filter((r) => r[1] === label && r[2] === valid).slice(0, n);
      const train = [...pick('trouser', 'False', 32), ...pick('bag', 'False', 32)];
      const valid = [...pick('trouser', 'True', 16), ...pick('bag', 'True', 16)];
      const all = [...train, ...valid];
      const dls = await ImageDataLoaders.fromLists(
        all.map((r) => join(FM, r[0])),
        all.map((r) => r[1]),
        { train: train.map((_, i) => i), valid: valid.map((_, i) => train.length + i) },
        { bs: 16, seed: 0 },
      );
      const learn = await visionLearner(dls, resnet18, {
        pretrained: referenceFile('torchvision/resnet18.safetensors'),
        cut: 6,
        metrics: [accuracy()],
        progress: false,
      });
      const untrained = (await learn.validate()).metrics.accuracy;
      await learn.fineTune(3, 1e-2, { freezeEpochs: 1 });
      const { metrics } = await learn.validate();
      console.log(`vision flow: accuracy ${untrained} → ${metrics.accuracy}`);
      expect(metrics.accuracy).toBeGreaterThanOrEqual(0.8); // 0.5 → 0.875 with seed 0
      expect(metrics.accuracy - untrained).toBeGreaterThan(0.25);

      const img = join(FM, valid[0][0]);
      const before = await learn.predict(img);
      const { json } = await exportLearner(learn, join(dir, 'fm'));
      const again = await loadLearner(json, VisionLearner);
      const after = await again.predict(img);
      expect(after.label).toBe(before.label);
      for (let i = 0; i < before.probs.length; i++) expect(after.probs[i]).toBeCloseTo(before.probs[i], 4);
      learn.dispose();
      again.dispose();
    },
  );
});
