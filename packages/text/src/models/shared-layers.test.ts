import * as core from '@tfai/core';
import * as coreBackend from '@tfai/core/backend';
import * as coreIo from '@tfai/core/io';
import * as coreNn from '@tfai/core/nn';
import * as corePlot from '@tfai/core/plot';
import * as coreSchedule from '@tfai/core/schedule';
import { describe, expect, it } from 'vitest';
import * as text from '../index.js';
import * as tokenize from '../tokenize.js';
import * as models from '../models.js';

describe("fastai's shared layers come from @tfai/core", () => {
  it("the classifier head is built of core's LinBnDrop; @tfai/text does not re-export core's objects", () => {
    const coreObjects = new Set<unknown>(
      [core, coreBackend, coreIo, coreNn, corePlot, coreSchedule].flatMap((m) => Object.values(m)),
    );
    for (const entry of [text, tokenize, models])
      expect(
        Object.entries(entry)
          .filter(([, v]) => coreObjects.has(v))
          .map(([k]) => k),
      ).toEqual([]);
    const head = new models.PoolingLinearClassifier([12, 5, 2], [0.4, 0.1], 72);
    expect(head.layers.layers().every((l) => l instanceof coreNn.LinBnDrop)).toBe(true);
    head.dispose();
  });

  it('the root has every name DESIGN.md §7 lists for @tfai/text, the same objects as @tfai/text/models', () => {
    const root = text as Record<string, unknown>;
    for (const name of [
      'AWDLSTM',
      'SentenceEncoder',
      'PoolingLinearClassifier',
      'getLanguageModel',
      'getTextClassifier',
    ])
      expect(root[name], name).toBe((models as Record<string, unknown>)[name]);
    for (const name of ['TextDataLoaders', 'languageModelLearner', 'textClassifierLearner'])
      expect(root[name], name).toBeDefined();
  });
});
