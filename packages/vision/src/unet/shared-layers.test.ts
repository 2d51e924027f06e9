import * as core from '@tfai/core';
import * as coreBackend from '@tfai/core/backend';
import * as coreIo from '@tfai/core/io';
import * as coreNn from '@tfai/core/nn';
import * as corePlot from '@tfai/core/plot';
import * as coreSchedule from '@tfai/core/schedule';
import { describe, expect, it } from 'vitest';
import * as vision from '../index.js';
import * as models from '../models.js';
import * as augment from '../augment.js';

describe("fastai's shared layers come from @tfai/core", () => {
  it("@tfai/vision does not re-export core's objects (import them from @tfai/core)", () => {
    const coreObjects = new Set<unknown>(
      [core, coreBackend, coreIo, coreNn, corePlot, coreSchedule].flatMap((m) => Object.values(m)),
    );
    // The one exception, in the root only: AdaptiveConcatPool2d, which DESIGN.md §7 lists in @tfai/vision's API.
    const reexported = (entry: Record<string, unknown>) =>
      Object.entries(entry)
        .filter(([, v]) => coreObjects.has(v))
        .map(([k]) => k);
    expect(reexported(vision)).toEqual(['AdaptiveConcatPool2d']);
    expect(reexported(models)).toEqual([]);
    expect(reexported(augment)).toEqual([]);
  });

  it('the root has every name DESIGN.md §7 lists for @tfai/vision, the same objects as @tfai/vision/models', () => {
    const root = vision as Record<string, unknown>;
    for (const name of ['resnet18', 'resnet34', 'resnet50', 'modelMeta', 'createBody', 'createHead', 'DynamicUnet'])
      expect(root[name], name).toBe((models as Record<string, unknown>)[name]);
    for (const name of ['visionLearner', 'unetLearner', 'ImageDataLoaders', 'SegmentationDataLoaders'])
      expect(root[name], name).toBeDefined();
    expect(vision.AdaptiveConcatPool2d).toBe(coreNn.AdaptiveConcatPool2d);
  });
});
