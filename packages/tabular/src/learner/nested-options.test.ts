// Options from JavaScript: a misspelt key at the top level or inside `config: {...}` (fastai's tabular_config) is an
// UnknownOptionError naming its path and the known keys, for tabularLearner and collabLearner.
import { UnknownOptionError } from '@tfai/core';
import { datasets } from '@tfai/datasets';
import { describe, expect, it } from 'vitest';
import { CollabDataLoaders } from '../collab/collab-dataloaders.js';
import { TabularDataLoaders } from '../data/tabular-dataloaders.js';
import { collabLearner } from './collab-learner.js';
import { tabularLearner, type TabularLearnerOptions } from './tabular-learner.js';

const KNOWN = 'known: ps, embedP, yRange, useBn, bnFinal, bnCont, linFirst, act';

describe('tabularLearner / collabLearner option keys', () => {
  it('config: { embedp } is refused by its path; top-level typos too; the right spelling builds', async () => {
    const dls = await TabularDataLoaders.fromCsv(`${datasets.path('titanic')}/titanic.csv`, {
      yNames: ['survived'],
      catNames: ['pclass', 'sex'],
      contNames: ['age', 'sibsp', 'parch'],
      seed: 0,
    });
    const bad = { progress: false, config: { embedp: 0.1 } } as TabularLearnerOptions;
    const err = (() => {
      try {
        tabularLearner(dls, bad);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UnknownOptionError);
    expect((err as Error).message).toBe(`tabularLearner: unknown option 'config.embedp' (${KNOWN})`);
    expect(() => tabularLearner(dls, { progress: false, layer: [10] } as TabularLearnerOptions)).toThrow(
      "tabularLearner: unknown option 'layer' (model options go in `config: {...}`)",
    );
    const ok = tabularLearner(dls, { progress: false, config: { embedP: 0.1 } });
    expect(ok.model.config.embedP).toBe(0.1);
    ok.dispose();
  });

  it('collabLearner: config and top-level typos are refused by name', async () => {
    const dls = await CollabDataLoaders.fromCsv(`${datasets.path('insteval')}/ratings.csv`, {
      userName: 'user',
      itemName: 'item',
      ratingName: 'rating',
      seed: 0,
    });
    expect(() => collabLearner(dls, { useNn: true, config: { bnfinal: true } } as never)).toThrow(
      `collabLearner: unknown option 'config.bnfinal' (${KNOWN})`,
    );
    expect(() => collabLearner(dls, { nFactor: 10 } as never)).toThrow(/collabLearner: unknown option 'nFactor'/);
  });
});
