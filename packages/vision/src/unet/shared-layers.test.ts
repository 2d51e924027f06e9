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
    for (const entry of [vision, models, augment])
      expect(
        Object.entries(entry)
          .filter(([, v]) => coreObjects.has(v))
          .map(([k]) => k),
      ).toEqual([]);
  });
});
