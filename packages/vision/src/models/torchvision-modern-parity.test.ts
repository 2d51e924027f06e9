// Parity of the published ConvNeXt and EfficientNet architectures with torchvision 0.14: checkpoints with randomised
// weights and BatchNorm statistics made at test time by models/fixtures/torchvision_modern.py (too large to commit),
// loaded with loadTorch as `pretrained: true` loads torchvision's files. Skipped by name without python3-torchvision;
// never skipped under CI=true.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFixtures, modernParity, torchvisionSkip } from '../test-utils/torchvision-modern.js';
import type { AnyModule, TensorModule } from '@tfai/core/nn';
import { VISION_ARCHS } from './archs.js';

const ARCHS = [
  'convnext_tiny',
  'convnext_small',
  'convnext_base',
  'efficientnet_b0',
  'efficientnet_b1',
  'efficientnet_b2',
  'efficientnet_b3',
] as const;

describe.skipIf(torchvisionSkip)(
  `torchvision parity of ConvNeXt and EfficientNet (skipped: ${torchvisionSkip ?? 'no'})`,
  () => {
    let dir = '';
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'tfai-tv-modern-'));
      generateFixtures(dir, [...ARCHS]);
    }, 600_000);
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it.each(ARCHS)('%s: logits within 1e-4, parameter count and body shape equal', async (name) => {
      const model = VISION_ARCHS[name].build() as AnyModule & TensorModule;
      const { facts, relErr, nParams, bodyShape } = await modernParity(model, dir, name);
      expect(nParams).toBe(facts.n_params);
      expect(relErr).toBeLessThan(1e-4);
      const [n, c, h, w] = facts.body_shape;
      expect(bodyShape).toEqual([n, h, w, c]);
      model.dispose();
    });
  },
);
