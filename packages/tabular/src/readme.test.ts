// The README's TabularPandas and collaborative-filtering blocks run as written (its CSV path pointed at @tfai/datasets' insteval): every
// name it uses is defined, and it does what its comments say.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { datasets } from '@tfai/datasets';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { DataFrame, TabularDataLoaders, TabularPandas } from './index.js';

const README = new URL('../README.md', import.meta.url);
const TMP = new URL('../tmp/readme/', import.meta.url);

/** The ```ts block of the README that contains `marker`. */
async function block(marker: string): Promise<string> {
  const text = await readFile(README, 'utf8');
  const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  const found = blocks.filter((b) => b.includes(marker));
  expect(found).toHaveLength(1);
  return found[0];
}

describe('README', () => {
  it('the TabularPandas block runs: its values are the ones its comments give, its loaders are fromDf’s', async () => {
    const code = (await block('new TabularPandas(')).replaceAll(
      "'titanic.csv'",
      JSON.stringify(`${datasets.path('titanic')}/titanic.csv`),
    );
    await mkdir(TMP, { recursive: true });
    const file = new URL('tabular-pandas.ts', TMP);
    await writeFile(file, `${code}\nexport { df, to, dls, byIdx };\n`);
    try {
      const tabular = await import('./index.js');
      const m = (await import(/* @vite-ignore */ file.href)) as {
        df: DataFrame;
        to: TabularPandas;
        dls: TabularDataLoaders;
        byIdx: TabularPandas;
      };
      expect(m.to.catNames).toEqual(['pclass', 'sex', 'age_na']);
      expect(m.to.classes.sex).toEqual(['#na#', 'female', 'male']);
      expect(m.to.train.xs.sex).toBeInstanceOf(Int32Array);
      expect(m.to.train.xs.sex.length).toBe(m.to.train.length);
      const factory = tabular.TabularDataLoaders.fromDf(m.df, {
        procs: [tabular.Categorify, tabular.FillMissing, tabular.Normalize],
        catNames: ['pclass', 'sex'],
        contNames: ['age', 'sibsp', 'parch'],
        yNames: ['survived'],
        validPct: 0.2,
        seed: 42,
      });
      expect(m.dls.splits).toEqual(factory.splits);
      expect(m.dls.tabular.toJSON()).toEqual(factory.tabular.toJSON());
      expect(Array.from(m.byIdx.valid.rows)).toEqual([0, 1, 2]);
    } finally {
      await rm(TMP, { recursive: true, force: true });
    }
  });

  it('the collaborative-filtering block runs: 200 most rated items → [200, 50] factors, valid MSE under the mean’s', async () => {
    const code = (await block('CollabDataLoaders.fromCsv')).replaceAll(
      "'insteval/ratings.csv'",
      JSON.stringify(`${datasets.path('insteval')}/ratings.csv`),
    );
    await mkdir(TMP, { recursive: true });
    const file = new URL('collab.ts', TMP);
    await writeFile(file, `${code}\nexport { learn, factors, fac0, mostRatedItems };\n`);
    try {
      const m = (await import(/* @vite-ignore */ file.href)) as {
        learn: { recorder: { values: number[][] }; dispose(): void };
        factors: tf.Tensor;
        fac0: tf.Tensor;
        mostRatedItems: string[];
      };
      expect(m.mostRatedItems).toHaveLength(200);
      expect(m.factors.shape).toEqual([200, 50]);
      expect(m.fac0.shape).toEqual([200]);
      const [, validLoss, validMse] = m.learn.recorder.values.at(-1)!;
      expect(validMse).toBeCloseTo(validLoss, 5);
      expect(validMse).toBeLessThan(1.79); // always predicting the mean
      tf.dispose([m.factors, m.fac0]);
      m.learn.dispose();
    } finally {
      await rm(TMP, { recursive: true, force: true });
    }
  });
});
