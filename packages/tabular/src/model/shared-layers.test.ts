import * as core from '@tfai/core';
import * as coreBackend from '@tfai/core/backend';
import * as coreIo from '@tfai/core/io';
import * as coreNn from '@tfai/core/nn';
import * as corePlot from '@tfai/core/plot';
import * as coreSchedule from '@tfai/core/schedule';
import { describe, expect, it } from 'vitest';
import * as tabular from '../index.js';
import * as collab from '../collab.js';

describe("fastai's shared layers come from @tfai/core", () => {
  it("the model is built of core's LinBnDrop; @tfai/tabular does not re-export core's objects", () => {
    const coreObjects = new Set<unknown>(
      [core, coreBackend, coreIo, coreNn, corePlot, coreSchedule].flatMap((m) => Object.values(m)),
    );
    for (const entry of [tabular, collab])
      expect(
        Object.entries(entry)
          .filter(([, v]) => coreObjects.has(v))
          .map(([k]) => k),
      ).toEqual([]);
    const m = new tabular.TabularModel([[5, 3]], 2, 1, { layers: [4] });
    expect(m.layers.get(0)).toBeInstanceOf(coreNn.LinBnDrop);
    m.dispose();
  });

  it('the root has every name DESIGN.md §7 lists for @tfai/tabular, the same objects as @tfai/tabular/collab', () => {
    const root = tabular as Record<string, unknown>;
    for (const name of ['EmbeddingDotBias', 'EmbeddingNN', 'CollabDataLoaders', 'collabLearner'])
      expect(root[name], name).toBe((collab as Record<string, unknown>)[name]);
    for (const name of ['embSzRule', 'TabularModel', 'TabularDataLoaders', 'tabularLearner'])
      expect(root[name], name).toBeDefined();
  });
});
